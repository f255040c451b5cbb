"""Small helpers shared by the PDF tests (imported by conftest and tests)."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

from pipeline.tools import poppler

HERE = Path(__file__).resolve().parent
RESOURCES = HERE / "resources"
HEADER = "SPOTLIGHT ON REGIONAL AFFAIRS"
BUILD_PY = HERE.parent / "build.py"

# A one-article issue and the front matter of its article (lines 1-6),
# shared by the tests that write small manuscripts of their own.
ISSUE_DATA = """\
series: Spotlight on Regional Affairs
volume: 40
number: 6
month: 6
year: 2022
publisher: Institute of Regional Studies, Islamabad
"""
ONE_ARTICLE_ISSUE = ISSUE_DATA + "articles:\n  - article.md\n"
FRONT_MATTER = """\
---
title: "A Short Test Article"
authors:
  - name: Test Author
    bio: Test Author writes tests.
---
"""


def run_build(*args: str, timeout: float = 120, env: dict | None = None
              ) -> subprocess.CompletedProcess:
    """`python build.py ARGS` from the project folder, as an editor runs it."""
    return subprocess.run([sys.executable, str(BUILD_PY), *args], cwd=HERE.parent, env=env,
                          capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=timeout)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=None)
def _cached_texts(path: str, mtime_ns: int) -> tuple[str, ...]:
    return tuple(poppler.page_texts(Path(path)))


def page_texts(pdf: Path) -> list[str]:
    """pdftotext -layout per page; cached while the file is unchanged."""
    pdf = Path(pdf)
    return list(_cached_texts(str(pdf), pdf.stat().st_mtime_ns))


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def first_line(text: str) -> str:
    found = lines(text)
    return found[0] if found else ""


def last_line(text: str) -> str:
    found = lines(text)
    return found[-1] if found else ""


def fold(text: str) -> str:
    """Text reduced to what survives pdfTeX's text layer, to compare with the source.

    pdfTeX builds letters T1 has no slot for from a base letter and an
    accent, so 'Ṣ' may come out as 'S.' or 'Ṣ ' and 'ī' as 'ı' + U+0304.
    Fold both sides the same way: drop combining marks, dotless i -> i,
    keep only letters, digits and '*' (no spaces or punctuation)."""
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("ı", "i")
    return re.sub(r"[^\w*]|_", "", text)


def footer(issue, number) -> str:
    return f"{issue.date_label}, Vol.{issue.volume}, No.{issue.number} ({number})"


def copy_issue(source: Path, target_parent: Path) -> Path:
    target = target_parent / source.name
    shutil.copytree(source, target)
    return target


def seed_cache(build_root: Path, from_root: Path) -> None:
    """Reuse an earlier build's precompiled format (saves a pdftex -ini run)."""
    cache = Path(from_root) / ".cache"
    if cache.exists():
        shutil.copytree(cache, build_root / ".cache", dirs_exist_ok=True)


def mtimes(folder: Path) -> dict[str, int]:
    """mtime_ns of every PDF under folder, by relative path."""
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*.pdf"))}


class OneArticleProject:
    """manuscript/2022-06 holding issue.yaml and article.md, a build folder,
    and the digest and mtime of the good PDF built there first."""

    SLUG = "2022-06"

    def __init__(self, base: Path, good_md: str):
        self.base = base
        self.folder = base / "manuscript" / self.SLUG
        self.folder.mkdir(parents=True)
        self.issue_yaml = self.folder / "issue.yaml"
        self.md = self.folder / "article.md"
        self.build = base / "build"
        self.pdf = self.build / self.SLUG / "articles" / "article.pdf"
        self.good_md = good_md
        self.good_digest = ""
        self.good_mtime = 0

    def write(self, md: str | bytes | None = None, issue: str = ONE_ARTICLE_ISSUE) -> None:
        self.issue_yaml.write_text(issue, encoding="utf-8")
        md = self.good_md if md is None else md
        if isinstance(md, bytes):
            self.md.write_bytes(md)
        else:
            self.md.write_text(md, encoding="utf-8")

    def build_article(self, build: Path | None = None, env: dict | None = None):
        return run_build("--build-dir", str(build or self.build), "article", str(self.md), env=env)

    def remember_good_pdf(self) -> None:
        assert self.pdf.read_bytes().startswith(b"%PDF-")
        self.good_digest = digest(self.pdf)
        self.good_mtime = self.pdf.stat().st_mtime_ns

    def assert_good_pdf_untouched(self) -> None:
        assert digest(self.pdf) == self.good_digest
        assert self.pdf.stat().st_mtime_ns == self.good_mtime

    def assert_nothing_written(self) -> None:
        """The good PDF is untouched, no other PDF exists, no scratch folder is left."""
        self.assert_good_pdf_untouched()
        pdfs = sorted(p for p in self.build.rglob("*") if p.suffix == ".pdf" or ".pdf." in p.name)
        assert pdfs == [self.pdf]
        work = self.build / ".work"
        assert not work.exists() or list(work.iterdir()) == []


# Markdown syntax that must never reach the page as literal text.
# `**` and `__` count in pairs around words: the second author's footnote mark
# on page 1 is a lone '**', as the house style prints it.
MARKDOWN_LEFTOVERS = re.compile(r"\[\^|\[@|\]\(|\*\*[^*\s][^*]*?\*\*|__[^_\s][^_]*?__|`[^`\n]+`"
                                r"|\{lang=|\{width=|\{#|\{\.|:::|\$\$|^#{1,6} |^> |!\[", re.MULTILINE)


def markdown_leftovers(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Each piece of Markdown syntax found in a PDF's text layer, with its
    context; `allowed` names syntax a test prints on purpose."""
    return [text[max(0, m.start() - 30):m.end() + 30] for m in MARKDOWN_LEFTOVERS.finditer(text)
            if not m.group().startswith(tuple(allowed))]


# The one change between the two proof rounds of the `two_rounds` fixture
# (sco-summit.md, line 16); the two spaces typed are a finding for the report.
ROUND_EDIT = ("in an unusually difficult environment", "in an exceptionally  tense environment")


def make_round(issue_folder: Path, build_root: Path, number: int, *, dpi: int = 30) -> Path:
    """Lay out the issue's current final build as proof round `number`, in the
    form `build.py proof` writes (round.json, sources/, articles/, pages/, logs/),
    for tests of what reads rounds."""
    from pipeline.issue import State
    slug = issue_folder.name
    built = build_root / slug
    folder = built / "proofs" / f"round-{number}"
    shutil.copytree(issue_folder, folder / "sources")
    shutil.copytree(built / "articles", folder / "articles")
    (folder / "logs").mkdir()
    for log in (built / "logs").glob("*.log"):
        shutil.copy(log, folder / "logs")
    shutil.copy(built / "issue.pdf", folder / "proof.pdf")
    state = State(built / "state.json").data["articles"]
    (folder / "pages").mkdir()
    entries = []
    for pdf in sorted(folder.glob("articles/*.pdf")):
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), pdf, folder / "pages" / pdf.stem],
                       check=True)
        for image in (folder / "pages").glob(f"{pdf.stem}-*.png"):  # pdftoppm pads k
            image.rename(image.with_name(f"{pdf.stem}-{int(image.stem.rsplit('-', 1)[1])}.png"))
        entries.append({"slug": pdf.stem, "first_page": state[pdf.stem]["first_page"],
                        "pages": state[pdf.stem]["pages"], "pdf": f"articles/{pdf.name}"})
    (folder / "round.json").write_text(json.dumps({
        "round": number, "date": "2026-11-25", "checksum": f"{number:07d}abc",
        "articles": entries, "issue_pdf": "proof.pdf", "placeholders": []}))
    return folder


def pdf_with_a_font_not_embedded():
    """A one-page PDF whose Helvetica is only named: no PDF/A repair can fix it."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    page = pdf.add_blank_page()
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET")
    return pdf
