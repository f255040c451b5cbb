"""Proofs: marked PDFs (watermark behind the text, line numbers per page, stamp),
rounds that are never overwritten, placeholders, previews, and watch mode."""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from helpers import BUILD_PY, RESOURCES, copy_issue, digest, page_texts, run_build, seed_cache
from pipeline.paths import BuildDirs
from pipeline.proof import SHEET_CELL, THUMBNAIL, build_proof, rounds

DPI = 120
MARGIN_PT = 25 / 25.4 * 72  # the class's left margin: line numbers stand left of it


@pytest.fixture(scope="module")
def proofed(tmp_path_factory, built_short):
    """The short issue proofed once (round 1), next to its final build."""
    tmp = tmp_path_factory.mktemp("proof")
    folder = copy_issue(RESOURCES / "short-issue", tmp)
    dirs = BuildDirs(tmp / "build")
    seed_cache(dirs.root, built_short.dirs.root)
    return folder, dirs, build_proof(folder, dirs, jobs=2)


def _render(pdf: Path, page: int) -> Image.Image:
    out = pdf.parent / f".render-{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-gray", "-singlefile", "-f", str(page),
                    "-l", str(page), str(pdf), str(out)], check=True)
    with Image.open(f"{out}.png") as image:
        return image.convert("L")


def _margin_numbers(pdf: Path) -> list[list[int]]:
    """Per page, top to bottom, the numbers printed left of the text block."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">'
                      r"(\d+)</word>")
    return [[int(m[4]) for m in sorted(word.finditer(page), key=lambda m: float(m[2]))
             if float(m[3]) < MARGIN_PT]
            for page in xml.split("<page ")[1:]]


def test_watermark_is_behind_the_text(proofed, built_short):
    """Rendered, the proof's first page has the light grey watermark, and every
    pixel that is black in the final page is still black in the proof."""
    _, _, made = proofed
    proof = _render(made.articles[0].pdf, 1)
    final = _render(built_short.articles["alpha"], 1)
    assert proof.size == final.size
    proof_px, final_px = proof.tobytes(), final.tobytes()
    grey = sum(1 for p, f in zip(proof_px, final_px) if 205 <= p <= 235 and f > 250)
    assert grey > 0.02 * len(proof_px)  # the watermark: a large, light area where final is white
    black = [i for i, f in enumerate(final_px) if f < 60]
    assert len(black) > 10_000
    hidden = [i for i in black if proof_px[i] > 110]
    assert len(hidden) < 0.001 * len(black), f"{len(hidden)} text pixels lost to the watermark"
    assert not any(p < 200 for p, f in zip(proof_px, final_px) if f > 250 and 205 <= p)


def test_every_word_is_still_extracted(proofed, built_short):
    """pdftotext gets every word of the final PDF from the proof; the watermark adds none."""
    _, _, made = proofed
    for article in made.articles:
        final_pages = page_texts(built_short.articles[article.slug])
        proof_pages = page_texts(article.pdf)
        stamp = f"PROOF Round 1 {made.date} sources {made.checksum}"
        for number, (final, proof) in enumerate(zip(final_pages, proof_pages), start=1):
            assert stamp in " ".join(proof.split()), (article.slug, number)
            words = " ".join(proof.split()).replace(stamp, "").split()
            assert Counter(w for w in words if not w.isdigit()) == \
                Counter(w for w in final.split() if not w.isdigit()), (article.slug, number)
        assert len(proof_pages) == len(final_pages)


def test_line_numbers_restart_on_each_page(proofed):
    _, _, made = proofed
    for article in made.articles:
        pages = _margin_numbers(article.pdf)
        assert len(pages) == article.pages
        for numbers in pages:
            assert numbers[:1] == [1], article.slug
            assert numbers == list(range(1, len(numbers) + 1)), article.slug
        assert len(pages[0]) >= 20  # a full first page: the title and every line of text


def test_notes_are_numbered(proofed):
    """The endnotes list is numbered like the body: the page with the notes heading
    has a margin number at the heading's height."""
    _, _, made = proofed
    pdf = made.articles[0].pdf
    texts = page_texts(pdf)
    page = next(i for i, t in enumerate(texts) if "Notes and References" in t)
    heading = next(line for line in texts[page].splitlines() if "Notes and References" in line)
    assert re.match(r"\s*\d+\s+Notes and References", heading)
    last = texts[page].split("Notes and References", 1)[1]
    assert re.search(r"^\s*\d+\s+2\.\s", last, re.M)  # note 2's line carries a line number


def test_issue_proof_and_round_layout(proofed):
    folder, dirs, made = proofed
    round_dir = dirs.proofs(folder.name) / "round-1"
    assert made.number == 1 and made.folder == round_dir and made.new
    data = json.loads((round_dir / "round.json").read_text())
    assert data["round"] == 1 and data["issue_pdf"] == "proof.pdf"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["date"]) and re.fullmatch(r"[0-9a-f]{8}",
                                                                          data["checksum"])
    assert [a["slug"] for a in data["articles"]] == ["alpha", "beta", "gamma"]
    page = 1
    for entry in data["articles"]:
        assert entry["first_page"] == page and entry["pdf"] == f"articles/{entry['slug']}.pdf"
        with pikepdf.open(round_dir / entry["pdf"]) as pdf:
            assert len(pdf.pages) == entry["pages"]
        assert "Overfull" in (round_dir / "logs" / f"{entry['slug']}.log").read_text() or \
            "Output written" in (round_dir / "logs" / f"{entry['slug']}.log").read_text()
        page += entry["pages"]
    assert sorted(p.name for p in (round_dir / "sources").iterdir()) == \
        ["alpha.md", "beta.md", "gamma.md", "issue.yaml"]
    assert (round_dir / "sources" / "beta.md").read_bytes() == (folder / "beta.md").read_bytes()
    texts = page_texts(round_dir / "proof.pdf")
    assert all(f"sources {made.checksum}" in " ".join(t.split()) for t in texts)  # cover too
    assert "Contents" in texts[1]


def test_thumbnails_and_contact_sheets(proofed):
    _, _, made = proofed
    pages = made.folder / "pages"
    for article in made.articles:
        thumbs = sorted(pages.glob(f"{article.slug}-[0-9]*.png"))
        assert [p.name for p in thumbs] == [f"{article.slug}-{k}.png"
                                            for k in range(1, article.pages + 1)]
        for thumb in thumbs:
            with Image.open(thumb) as image:
                assert max(image.size) == THUMBNAIL and image.height > image.width
        with Image.open(pages / f"{article.slug}-sheet.png") as sheet:
            assert sheet.height > SHEET_CELL
            assert sheet.width > article.pages * SHEET_CELL * 0.7  # all pages side by side
            # each page is there: a white page area per column along the middle row
            row = [sheet.getpixel((x, sheet.height // 2)) for x in range(sheet.width)]
            whites = "".join("w" if px == (255, 255, 255) else "." for px in row)
            assert len(re.findall(r"w{40,}", whites)) >= article.pages


def test_proofs_are_not_pdfa_and_finals_are(proofed, built_short):
    _, _, made = proofed

    def pdfa_part(path: Path):
        with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
            return xmp.get("pdfaid:part")
    assert pdfa_part(made.articles[0].pdf) is None
    assert pdfa_part(made.issue_pdf) is None
    assert pdfa_part(built_short.articles["alpha"]) == "2"
    assert pdfa_part(built_short.issue_pdf) == "2"


def test_proofs_and_finals_never_stand_for_each_other(copy_built, built_short):
    """In one build folder: a proof leaves the final PDFs and their state alone,
    and the final build after it is up to date, its PDFs untouched."""
    built = copy_built(built_short)
    slug = built.result.issue.slug
    finals = {p: (digest(p), p.stat().st_mtime_ns) for p in built.dirs.issue(slug).rglob("*.pdf")}
    state = (built.dirs.issue(slug) / "state.json").read_bytes()
    made = build_proof(built.folder, built.dirs, jobs=2)
    assert made.new and all(a.pdf.is_relative_to(made.folder) for a in made.articles)
    assert (built.dirs.issue(slug) / "state.json").read_bytes() == state
    again = run_build("--build-dir", str(built.dirs.root), "issue", str(built.folder))
    assert again.returncode == 0 and "up to date" in again.stdout, again.stderr
    assert {p: (digest(p), p.stat().st_mtime_ns) for p in built.dirs.issue(slug).rglob("*.pdf")
            if not p.is_relative_to(built.dirs.proofs(slug))} == finals


def test_rounds_are_kept_and_made_only_on_change(proofed):
    folder, dirs, first = proofed
    kept = {p: digest(p) for p in first.folder.rglob("*") if p.is_file()}
    again = build_proof(folder, dirs, jobs=2)
    assert (again.number, again.new) == (1, False)
    beta = folder / "beta.md"
    beta.write_text(beta.read_text().replace("The river basin reframes",
                                             "The river basin rewrites"))
    second = build_proof(folder, dirs, jobs=2)
    assert (second.number, second.new) == (2, True) and second.checksum != first.checksum
    assert {p: digest(p) for p in first.folder.rglob("*") if p.is_file()} == kept
    assert [r.number for r in rounds(dirs, folder.name)] == [1, 2]
    assert "rewrites" in "".join(page_texts(second.folder / "articles" / "beta.pdf"))
    assert "rewrites" not in "".join(page_texts(first.folder / "articles" / "beta.pdf"))
    assert not list(dirs.proofs(folder.name).glob(".*tmp")) and not list(dirs.work.iterdir())


def test_unlisted_article_with_missing_bio(tmp_path, built_short):
    """An article not in issue.yaml, its bio still missing: `proof` makes it
    (page 1, '[bio missing]' printed and recorded); the final build refuses it."""
    folder = copy_issue(RESOURCES / "short-issue", tmp_path)
    gamma = (folder / "gamma.md").read_text()
    draft = folder / "delta.md"
    draft.write_text(re.sub(r"\n    bio: .*", "", gamma).replace("Gamma: The Last", "Delta: A New"))
    build = tmp_path / "build"
    seed_cache(build, built_short.dirs.root)
    done = run_build("--build-dir", str(build), "proof", str(draft))
    assert done.returncode == 0, done.stderr
    assert f"{draft}:4: warning: authors[0].bio is missing" in done.stdout
    made = rounds(BuildDirs(build), folder.name)[-1]
    assert [(a.slug, a.first_page) for a in made.articles] == [("delta", 1)]
    text = page_texts(made.articles[0].pdf)
    assert "[bio missing]" in text[0] and "(1)" in text[0].split("\n")[-3:][0] + text[0]
    assert made.placeholders == ({"slug": "delta", "field": "authors[0].bio",
                                  "file": str(draft), "line": 4},)
    assert made.issue_pdf is None
    (folder / "issue.yaml").write_text((folder / "issue.yaml").read_text() + "  - delta.md\n")
    refused = run_build("--build-dir", str(build), "issue", str(folder))
    assert refused.returncode == 3
    assert f"{draft}:4:5: input error: required key 'bio' is missing" in refused.stderr
    assert not BuildDirs(build).issue_pdf(folder.name).exists()


# ------------------------------------------------------------------- watch mode
class Watcher:
    """build.py proof X.md --watch in a subprocess; its output read line by line."""

    def __init__(self, build: Path, manuscript: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(BUILD_PY), "--build-dir", str(build), "proof", str(manuscript),
             "--watch"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            cwd=BUILD_PY.parent)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, needle: str, timeout: float = 60) -> list[str]:
        """The lines up to and including the first one holding needle."""
        seen, end = [], time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=max(0.01, end - time.monotonic()))
            except queue.Empty:
                break
            seen.append(line)
            if needle in line:
                return seen
        self.process.kill()
        raise AssertionError(f"no line with {needle!r} in {timeout} s; saw: {seen}")


def _save(path: Path, old: str, new: str) -> None:
    """Save as an editor does: a new file renamed over the old one."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(path.read_text().replace(old, new))
    os.replace(temporary, path)


def test_watch_rebuilds_on_each_save_and_stops_cleanly(tmp_path, built_short):
    folder = copy_issue(RESOURCES / "short-issue", tmp_path)
    build = tmp_path / "build"
    seed_cache(build, built_short.dirs.root)
    beta = folder / "beta.md"
    live = BuildDirs(build).proofs(folder.name) / "live" / "articles" / "beta.pdf"
    watcher = Watcher(build, beta)
    try:
        watcher.wait_for("watching", timeout=90)
        assert live.exists()
        for word in ("rewrites", "recasts"):
            _save(beta, "The river basin reframes", f"The river basin {word}")
            ready = watcher.wait_for("proof rebuilt")[-1]
            assert re.search(r"rebuilt \d+\.\d+ s after the save", ready)
            assert word in "".join(page_texts(live))
            _save(beta, f"The river basin {word}", "The river basin reframes")
            watcher.wait_for("proof rebuilt")
        bio = "    bio: Bilal Ahmed is a Research Officer at the Institute of Regional Studies, " \
              "Islamabad.\n"
        _save(beta, bio, "")
        found = watcher.wait_for("finding(s) in all")
        assert any(line.strip().startswith(f"new: {beta}:4: warning: authors[0].bio is missing")
                   for line in found), found
        _save(beta, "  - name: Bilal Ahmed\n", "  - name: Bilal Ahmed\n" + bio)
        assert "0 finding(s) in all, 1 gone since the last save" in \
            watcher.wait_for("gone since the last save")[-1]
        _save(beta, "The river basin reframes", "From 1996-2001 the river basin reframes")
        found = watcher.wait_for("finding(s) in all")   # the preflight's, on the sources
        assert any("warning: '1996-2001' is a range with a hyphen" in line for line in found), found
        _save(beta, "From 1996-2001 the river basin reframes", "The river basin reframes")
        watcher.wait_for("gone since the last save")
        good = digest(live)
        _save(beta, 'title: "Beta: The Middle Article"', 'title: [unclosed')
        failed = watcher.wait_for("the previous proof is kept")
        assert any(re.match(rf"{re.escape(str(beta))}:\d+:\d+: input error: invalid YAML", line)
                   for line in failed), failed
        assert digest(live) == good
        watcher.process.send_signal(signal.SIGINT)
        watcher.wait_for("stopped watching", timeout=20)
        assert watcher.process.wait(timeout=20) == 0
    finally:
        watcher.process.kill()
    assert not list((build / ".work").iterdir())
    assert not list(BuildDirs(build).proofs(folder.name).glob(".*"))
    assert not rounds(BuildDirs(build), folder.name)  # watching makes no rounds


def test_watch_needs_one_issue_or_manuscript(tmp_path):
    refused = run_build("--build-dir", str(tmp_path / "build"), "proof", str(tmp_path), "--watch")
    assert refused.returncode == 2
    assert "--watch needs one issue folder or one manuscript" in refused.stderr
    assert not (tmp_path / "build").exists() or not list((tmp_path / "build").rglob("*.pdf"))


def test_a_xelatex_article_proof(tmp_path, built_sample):
    """The XeLaTeX route (the sample's article with Urdu words; the others are
    Latin, transliteration included, and take pdfLaTeX): one listed article
    proofed alone, at its issue pages; watermark out of the text layer,
    numbers per page, every word."""
    folder = copy_issue(built_sample.folder, tmp_path)
    build = tmp_path / "build"
    shutil.copytree(built_sample.dirs.root, build, symlinks=True)
    made = build_proof(folder / "afghanistan-water.md", BuildDirs(build), jobs=1)
    [article] = made.articles
    assert article.first_page == built_sample.built["afghanistan-water"].first_page
    assert article.log.read_text(errors="replace").startswith("This is XeTeX")
    final_pages = page_texts(built_sample.articles["afghanistan-water"])
    proof_pages = page_texts(article.pdf)
    assert len(proof_pages) == len(final_pages) == article.pages
    for final, proof in zip(final_pages, proof_pages):
        words = " ".join(proof.split()).replace(
            f"PROOF Round 1 {made.date} sources {made.checksum}", "").split()
        assert Counter(w for w in words if not w.isdigit()) == \
            Counter(w for w in final.split() if not w.isdigit())
    assert all(numbers[:1] == [1] and numbers == list(range(1, len(numbers) + 1))
               for numbers in _margin_numbers(article.pdf))
