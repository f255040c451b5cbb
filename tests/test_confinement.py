"""Confinement: a manuscript cannot read, write or run anything outside its build.

A canary file is planted outside the project's folders; every route known to
leak files on this toolchain tries to read it, write beside it or run a
command, under pdfLaTeX and under XeLaTeX (forced by an Urdu word). The
canary's content must never reach any output, nothing may appear outside
the build folder, and each attempt ends in a clear error or harmless text.
"""
from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest

from helpers import ONE_ARTICLE_ISSUE, run_build, seed_cache
from pipeline.tools import poppler

TOKEN = "CANARY-5e1f9c-DO-NOT-LEAK"
URDU = "اردو"  # forces XeLaTeX

ISSUE = ONE_ARTICLE_ISSUE + "allow_raw_latex: {raw}\nlimits: {{seconds: 60}}\n"

FRONT = """---
title: Attack
authors:
  - name: Mallory
    bio: Mallory tests the pipeline.
{extra}---

## Introduction

{body}
"""


def _png(path: Path) -> None:
    """A valid 1x1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("outside")
    (folder / "canary.tex").write_text(TOKEN + "\n")
    (folder / "canary.txt").write_text(TOKEN + "\n")
    _png(folder / "canary.png")
    return folder


# name -> (allow raw LaTeX, front-matter extra, body); {o} is the outside folder
ROUTES = {
    "raw-input-absolute": (True, "", r"\input{{{o}/canary.tex}}"),
    "raw-input-traversal": (True, "", r"\input{{../../../../../../../../{o}/canary.tex}}"),
    "raw-openin-read": (True, "", r"\newread\r \openin\r={o}/canary.txt \read\r to\x \x"),
    "raw-openout-write": (True, "", r"\newwrite\w \immediate\openout\w={o}/written.tex "
                                    r"\immediate\write\w{{x}}\immediate\closeout\w done"),
    "raw-shell-escape": (True, "", r"\immediate\write18{{touch {o}/shell-ran}} done"),
    "raw-includegraphics": (True, "", r"\includegraphics{{{o}/canary.png}}"),
    "math-csname-input": (False, "", r"$\csname in\string put\endcsname{{{o}/canary.tex}}$"),
    "math-openout": (False, "", r"$\immediate\openout15={o}/written.tex$"),
    "plain-input-text": (False, "", r"\input{{{o}/canary.tex}}"),
    "image-absolute": (False, "", "![x]({o}/canary.png)"),
    "image-traversal": (False, "", "![x](../../../../../../../../{o}/canary.png)"),
    "image-symlink": (False, "", "![x](link.png)"),
    "meta-header-includes": (False, r"header-includes: '\input{{{o}/canary.tex}}'" + "\n", "Text."),
    "meta-bibliography": (False, "bibliography: {o}/canary.txt\n", "Text [@key]."),
    "meta-include-before": (False, "include-before: '{o}/canary.tex'\n", "Text."),
}


def _letters(text: str) -> str:
    """Letters and digits only: math mode turns '-' into a minus and adds spaces."""
    return re.sub(r"[\W_]", "", text)


def _everything_built_contains_token(build: Path) -> bool:
    for path in build.rglob("*"):
        if not path.is_file() or ".cache" in path.parts:
            continue
        if path.suffix == ".pdf":
            if any(_letters(TOKEN) in _letters(page) for page in poppler.page_texts(path)):
                return True
        elif TOKEN.encode() in path.read_bytes():
            return True
    return False


@pytest.mark.parametrize("engine", ["pdflatex", "xelatex"])
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_route_cannot_leak_or_escape(route, engine, outside, tmp_path, built_sample):
    raw, extra, body = ROUTES[route]
    issue = tmp_path / "issue"
    issue.mkdir()
    (issue / "issue.yaml").write_text(ISSUE.format(raw=str(raw).lower()))
    if engine == "xelatex":
        body = f"{URDU} {body}"
    (issue / "article.md").write_text(FRONT.format(extra=extra.format(o=outside),
                                                  body=body.format(o=outside)))
    (issue / "link.png").symlink_to(outside / "canary.png")
    build = tmp_path / "build"
    seed_cache(build, built_sample.dirs.root)
    before = sorted(p.name for p in outside.iterdir())

    done = run_build("--build-dir", str(build), "article", str(issue / "article.md"))

    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert TOKEN not in output
    assert not _everything_built_contains_token(build)
    assert sorted(p.name for p in outside.iterdir()) == before  # nothing written or run there
    if "image" in route or "includegraphics" in route:
        assert done.returncode != 0, "an image from outside was embedded"
    if done.returncode == 0:
        # harmless: the attempt printed as text, with nothing of the canary
        [pdf] = (build / "issue" / "articles").glob("*.pdf")
        assert poppler.page_texts(pdf)
    else:
        assert done.returncode in (3, 5), output
        assert "what to do" in output
