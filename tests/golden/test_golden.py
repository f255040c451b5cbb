"""Golden files: the LaTeX that the template and the Lua filters make of small
Markdown inputs (input/, one feature each), and the JATS of a small article,
made by the pipeline's own Pandoc step and compared with expected/. Pandoc
runs; TeX does not."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import jats
from pipeline.article import FIELDS, Built, _copy_figures, _latex_source, figure_files
from pipeline.fields import FrontMatter
from pipeline.issue import load
from pipeline.paths import BuildDirs
from pipeline.runner import Budget

INPUT = Path(__file__).resolve().parent / "input"
ISSUE, ARTICLES = load(INPUT)
BY_SLUG = {article.slug: article for article in ARTICLES}
# TeX is not run, so the page count the JATS records is fixed here.
JATS_PAGES = 2


def pandoc_latex(article, tmp_path: Path) -> Path:
    """The work folder after the article's Pandoc step, as a build leaves it
    before TeX runs: article.tex and fields.json."""
    dirs = BuildDirs(tmp_path / "build")
    work = tmp_path / "work"
    work.mkdir()
    _copy_figures(figure_files(ISSUE.folder, dirs), work)
    _latex_source(article, work, Budget.of(ISSUE.limits), dirs.cache / "latex", None,
                  lambda step: None)
    return work


@pytest.mark.parametrize("slug", sorted(BY_SLUG))
def test_latex(slug, tmp_path, golden):
    work = pandoc_latex(BY_SLUG[slug], tmp_path)
    golden(f"{slug}.tex", (work / "article.tex").read_text(encoding="utf-8"))


def test_jats(tmp_path, golden):
    article = BY_SLUG["small-article"]
    work = pandoc_latex(article, tmp_path)
    rendered = FrontMatter.from_json(json.loads((work / FIELDS).read_text(encoding="utf-8")))
    item = Built(article, tmp_path / "small-article.pdf", ISSUE.first_page, JATS_PAGES, rendered)
    output = tmp_path / "small-article.xml"
    jats.write(item, output, BuildDirs(tmp_path / "build"))
    golden("small-article.xml", output.read_text(encoding="utf-8"))
