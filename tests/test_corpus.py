"""The bad-input corpus (tests/corpus): one purpose-made manuscript per kind
of bad input, each built through the real command line.

A good version of the article is built once per module into a shared build
folder. Each case copies that build folder (mtimes kept), puts its own
manuscript at the same path as the good one, and builds it. An error must
exit with the expected code, name the manuscript (and the line), print no
traceback, leave the good PDF's bytes and mtime alone, write no other PDF
and leave no scratch folder. A PDF must hold (and not hold) the given
strings in its text layer. See tests/corpus/README.md for the format.
"""
from __future__ import annotations

import copy
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from helpers import FRONT_MATTER, digest, markdown_leftovers, run_build
from pipeline.tools import poppler

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES: dict = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
BASE_ISSUE = Path(__file__).resolve().parent / "resources" / "unicode-names" / "issue.yaml"
SLUG = "2022-06"            # issue folder name: the same for the good build and every case
MANUSCRIPT = "article.md"   # the article's file name: the same for the good build and every case
TIMEOUT = 120               # per build; pathological cases (limits.seconds: 20) get 60
GOOD_MD = FRONT_MATTER + """
## Introduction

The zebrafinch migrates northwards every spring.

This is the good version of the article.
"""
META_FILES = {"README.md", "cases.yaml"}


# ----------------------------------------------------------------- helpers
def issue_yaml(extra: dict | None = None) -> str:
    data = yaml.safe_load(BASE_ISSUE.read_text(encoding="utf-8"))
    data["articles"] = [MANUSCRIPT]
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = copy.deepcopy(value)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def build_article(build: Path, md: Path, timeout: float) -> subprocess.CompletedProcess:
    return run_build("--build-dir", str(build), "article", str(md), timeout=timeout)


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_text(pdf: Path) -> str:
    return "\f".join(poppler.page_texts(pdf))


def article_pdf(build: Path) -> Path:
    return build / SLUG / "articles" / f"{Path(MANUSCRIPT).stem}.pdf"


def place_case(spec: dict, base: Path, marker: Path | None) -> Path:
    """Copy the case into base/<SLUG>/ (and, for folder cases, its outside files
    into base/); write issue.yaml; return the manuscript's path."""
    folder = base / SLUG
    source = CORPUS / spec["file"]
    if source.is_dir():
        shutil.copytree(source / "issue", folder, symlinks=True)
        for item in source.iterdir():
            if item.name != "issue":
                (shutil.copytree if item.is_dir() else shutil.copyfile)(item, base / item.name)
    else:
        folder.mkdir(parents=True)
        data = source.read_bytes()
        if marker is not None:
            data = data.replace(b"@MARKER@", str(marker).encode())
        (folder / MANUSCRIPT).write_bytes(data)
    (folder / "issue.yaml").write_text(issue_yaml(spec.get("issue")), encoding="utf-8")
    return folder / MANUSCRIPT


# ---------------------------------------------------------------- fixtures
class Good:
    """The good article, built once; cases copy its build folder."""

    def __init__(self, base: Path):
        self.base = base
        self.build = base / "build"
        self.md = base / SLUG / MANUSCRIPT
        self.pdf = article_pdf(self.build)
        self.digest = ""
        self.mtime = 0


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Good:
    base = tmp_path_factory.mktemp("corpus-good")
    state = Good(base)
    folder = base / SLUG
    folder.mkdir()
    (folder / "issue.yaml").write_text(issue_yaml(), encoding="utf-8")
    state.md.write_text(GOOD_MD, encoding="utf-8")
    result = build_article(state.build, state.md, TIMEOUT)
    assert result.returncode == 0, result.stderr
    text = pdf_text(state.pdf)
    assert "zebrafinch" in text and "A Short Test Article" in text
    state.digest, state.mtime = digest(state.pdf), state.pdf.stat().st_mtime_ns
    return state


# ------------------------------------------------------------------- tests
def test_corpus_is_complete_and_every_file_is_referenced():
    assert len(CASES) >= 50, len(CASES)
    referenced = {spec["file"].rstrip("/") for spec in CASES.values()}
    on_disk = {path.name for path in CORPUS.iterdir()} - META_FILES
    assert on_disk == referenced, (sorted(on_disk - referenced), sorted(referenced - on_disk))
    for name, spec in CASES.items():
        for expect in spec["expect"] if isinstance(spec["expect"], list) else [spec["expect"]]:
            assert expect == "pdf" or isinstance(expect, int) and expect > 0, name
        assert spec.get("what"), name
        assert spec["expect"] == "pdf" or spec.get("message"), f"{name}: an error needs a message"
        if (CORPUS / spec["file"]).is_dir():
            assert (CORPUS / spec["file"] / "issue" / MANUSCRIPT).is_file(), name
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in CASES:
        assert f"| {name} |" in readme, f"{name} is not listed in tests/corpus/README.md"


@pytest.mark.parametrize("name", list(CASES))
def test_case(name, good, tmp_path):
    spec = CASES[name]
    expect = spec["expect"]
    build = tmp_path / "build"
    shutil.copytree(good.build, build, symlinks=True)     # copy2: bytes and mtimes kept
    marker = tmp_path / spec["marker"] if spec.get("marker") else None
    md = place_case(spec, tmp_path, marker)
    pdf = article_pdf(build)
    limited = bool(spec.get("issue", {}).get("limits", {}).get("seconds"))
    timeout = 60 if limited else TIMEOUT
    allowed = expect if isinstance(expect, list) else [expect]
    codes = [0 if e == "pdf" else e for e in allowed]

    started = time.monotonic()
    result = build_article(build, md, timeout)
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    report = f"exit {result.returncode} after {elapsed:.1f} s\n{output}"

    assert "Traceback" not in output, report
    assert "internal error: this is a bug" not in output, report
    assert "stack traceback" not in output, report
    assert result.returncode in codes, f"expected exit {codes}; " + report
    if limited:
        assert elapsed < 60, report
    work = build / ".work"
    assert not work.exists() or list(work.iterdir()) == [], sorted(work.iterdir())

    if marker is not None:
        made = [p for p in tmp_path.rglob(f"{marker.name}*")]
        assert not marker.exists() and not made, made
    for forbidden in spec.get("absent", []):
        assert forbidden not in output, report
        for log in (build / SLUG / "logs").glob("*.log") if (build / SLUG / "logs").exists() else []:
            assert forbidden not in log.read_text(encoding="utf-8", errors="replace"), log

    if result.returncode == 0:
        assert pdf.is_file()
        assert digest(pdf) != good.digest, "the case's article was not rebuilt"
        text = pdf_text(pdf)
        for wanted in spec.get("contains", []):
            assert wanted in text or flat(wanted) in flat(text), (wanted, text[:3000])
        for forbidden in spec.get("absent", []):
            assert forbidden not in text, (forbidden, text[:3000])
        leftovers = markdown_leftovers(text, tuple(spec.get("literal", ())))
        assert not leftovers, leftovers
        if spec.get("warning"):
            lines = [l for l in result.stderr.splitlines() if spec["warning"] in l]
            assert lines, report
            if spec.get("line"):
                assert any(l.startswith(f"{md}:{spec['line']}:") for l in lines), report
        return

    # An error: named with the manuscript (and line); nothing written.
    assert str(md) in result.stderr, report
    if spec.get("line"):
        assert re.search(rf"(?m)^{re.escape(str(md))}:{spec['line']}(:\d+)?: ", result.stderr), report
    if spec.get("message"):
        assert spec["message"] in result.stderr, report
    assert pdf.is_file(), "the good PDF disappeared"
    assert digest(pdf) == good.digest, "the good PDF's bytes changed"
    assert pdf.stat().st_mtime_ns == good.mtime, "the good PDF's mtime changed"
    pdfs = sorted(p for p in build.rglob("*") if p.suffix == ".pdf" or ".pdf." in p.name)
    assert pdfs == [pdf], pdfs
