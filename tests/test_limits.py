"""Runaway documents end within their limits, with a message naming the limit."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from helpers import ONE_ARTICLE_ISSUE, run_build, seed_cache

ISSUE = ONE_ARTICLE_ISSUE + "allow_raw_latex: true\nlimits: {limits}\n"
ARTICLE = """---
title: Runaway
authors:
  - name: Mallory
    bio: Mallory tests the pipeline.
---

## Introduction

{body}
"""


def _build(tmp_path: Path, built_sample, limits: str, body: str):
    issue = tmp_path / "issue"
    issue.mkdir()
    (issue / "issue.yaml").write_text(ISSUE.format(limits=limits))
    (issue / "article.md").write_text(ARTICLE.format(body=body))
    seed_cache(tmp_path / "build", built_sample.dirs.root)
    started = time.monotonic()
    done = run_build("--build-dir", str(tmp_path / "build"), "article", str(issue / "article.md"))
    return done, time.monotonic() - started


@pytest.mark.parametrize("urdu", ["", "اردو "], ids=["pdflatex", "xelatex"])
def test_endless_loop_stops_at_the_time_limit(tmp_path, built_sample, urdu):
    done, seconds = _build(tmp_path, built_sample, "{seconds: 5}", urdu + r"\loop\iftrue\repeat")
    assert done.returncode == 7, done.stderr
    assert "ran longer than 5 s" in done.stderr and "limits.seconds" in done.stderr
    assert seconds < 5 + 8
    assert not list((tmp_path / "build").rglob("*.pdf"))


def test_endless_pages_stop_at_the_page_limit(tmp_path, built_sample):
    done, seconds = _build(tmp_path, built_sample, "{pages: 20}",
                           r"\loop\null\newpage\iftrue\repeat")
    assert done.returncode == 7, done.stderr
    assert "more than 20 pages" in done.stderr and "limits.pages" in done.stderr
    assert seconds < 30
    assert not list((tmp_path / "build").rglob("*.pdf"))


def test_a_tex_run_stops_at_the_memory_limit(tmp_path, built_sample):
    # Each reserved PDF object grows pdfTeX's object table: some millions outgrow 256 MB.
    hog = r"\loop\pdfobj reserveobjnum \iftrue\repeat"
    done, seconds = _build(tmp_path, built_sample, "{memory_mb: 256, seconds: 60}", hog)
    assert done.returncode == 7, done.stderr
    assert "pdfLaTeX ran out of memory at its limit of 256 MB (limits.memory_mb)" in done.stderr
    assert "raise limits.memory_mb" in done.stderr and "article.md" in done.stderr
    assert seconds < 40
    assert not list((tmp_path / "build").rglob("*.pdf"))
    assert not list((tmp_path / "build" / ".work").iterdir())
