"""Golden files: the LaTeX that each house style's template and the Lua filters
make of small Markdown inputs (input/<style>/, one feature each), and the JATS
of a small article per style, made by the pipeline's own Pandoc step and
compared with expected/<style>/. Pandoc runs; TeX does not."""
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
ARTICLES = {(folder.name, article.slug): article
            for folder in sorted(INPUT.iterdir()) if folder.is_dir()
            for article in load(folder)[1]}
CASES = sorted(ARTICLES)
# TeX is not run, so the page count the JATS records is fixed here.
JATS_PAGES = 2


def pandoc_latex(article, tmp_path: Path) -> Path:
    """The work folder after the article's Pandoc step, as a build leaves it
    before TeX runs: article.tex and fields.json."""
    issue = article.issue
    dirs = BuildDirs(tmp_path / "build")
    work = tmp_path / "work"
    work.mkdir()
    _copy_figures(figure_files(issue.folder, dirs), work)
    _latex_source(article, work, Budget.of(issue.limits), dirs.cache / "latex", None,
                  lambda step: None)
    return work


@pytest.mark.parametrize("style, slug", CASES, ids=[f"{s}/{a}" for s, a in CASES])
def test_latex(style, slug, tmp_path, golden):
    work = pandoc_latex(ARTICLES[style, slug], tmp_path)
    golden(f"{style}/{slug}.tex", (work / "article.tex").read_text(encoding="utf-8"))


@pytest.mark.parametrize("style", sorted({style for style, _ in ARTICLES}))
def test_jats(style, tmp_path, golden):
    article = ARTICLES[style, "small-article"]
    work = pandoc_latex(article, tmp_path)
    rendered = FrontMatter.from_json(json.loads((work / FIELDS).read_text(encoding="utf-8")))
    item = Built(article, tmp_path / "small-article.pdf", article.issue.first_page, JATS_PAGES,
                 rendered)
    output = tmp_path / "small-article.xml"
    jats.write(item, output, BuildDirs(tmp_path / "build"))
    golden(f"{style}/small-article.xml", output.read_text(encoding="utf-8"))
