"""The issue PDF, offprints against issue pages, incremental builds and the CLI."""
from __future__ import annotations

import re
import subprocess
import sys

import pikepdf
import pytest

from conftest import SAMPLE
from helpers import (HEADER, RESOURCES, copy_issue, first_line, fold, footer, last_line, lines,
                     mtimes, page_texts, seed_cache)
from pipeline.issue import build_issue
from pipeline.model import load_article, load_issue
from pipeline.paths import ROOT

ISSUE = load_issue(SAMPLE)
ARTICLES = [load_article(path, ISSUE) for path in ISSUE.articles]
SLUGS = [a.slug for a in ARTICLES]
FRONT = 2  # cover + contents (issue.yaml has cover: true)


def titles(article) -> str:
    return article.title + (f": {article.subtitle}" if article.subtitle else "")


def offprint_pages(built) -> dict[str, int]:
    counts = {}
    for slug, path in built.articles.items():
        with pikepdf.open(path) as pdf:
            counts[slug] = len(pdf.pages)
    return counts


def first_pages(built, first=1) -> dict[str, int]:
    firsts = {}
    for slug, count in offprint_pages(built).items():
        firsts[slug], first = first, first + count
    return firsts


# ------------------------------------------------------------------ issue.pdf
def test_issue_page_count_and_labels(built_sample):
    assert ISSUE.cover
    counts = offprint_pages(built_sample)
    with pikepdf.open(built_sample.issue_pdf) as pdf:
        assert len(pdf.pages) == FRONT + sum(counts.values())
        labels = [page.label for page in pdf.pages]
    assert labels == ["i", "ii"] + [str(n) for n in range(1, sum(counts.values()) + 1)]


def test_cover_has_no_furniture(built_sample):
    cover = page_texts(built_sample.issue_pdf)[0]
    assert fold("SPOTLIGHT ON REGIONAL AFFAIRS") in fold(cover)
    assert "Vol.40, No.6" in cover and "June 2022" in cover
    assert last_line(cover) == "ISSN 1234-5679"     # no page footer below it
    assert fold(cover).count(fold(HEADER)) == 1     # the title only: no running head


def test_contents_lists_titles_and_first_pages(built_sample):
    contents = page_texts(built_sample.issue_pdf)[1]
    assert first_line(contents) == "Contents"
    text_lines = lines(contents)
    firsts = first_pages(built_sample)
    issue_texts = page_texts(built_sample.issue_pdf)
    listed_at = []
    for article in ARTICLES:
        start = fold(" ".join(article.title.split()[:4]))
        at = [i for i, line in enumerate(text_lines) if fold(line).startswith(start)]
        assert len(at) == 1, article.slug
        listed_at.append(at[0])
        numbered = next(line for line in text_lines[at[0]:] if re.search(r"\.\s+\d+$", line))
        page = int(numbered.split()[-1])
        assert page == firsts[article.slug] == built_sample.built[article.slug].first_page
        # and the page it names really is that article's first page
        shown = issue_texts[FRONT + page - 1]
        assert last_line(shown) == footer(ISSUE, page)
        assert fold(" ".join(article.title.split()[:4])) in fold(shown)
        assert HEADER not in shown
    assert listed_at == sorted(listed_at)  # in issue order


def test_footers_run_continuously(built_sample):
    texts = page_texts(built_sample.issue_pdf)
    body = texts[FRONT:]
    assert [last_line(t) for t in body] == [footer(ISSUE, n) for n in range(1, len(body) + 1)]


def test_contents_page_footer_matches_its_label(built_sample):
    """The contents page is labelled 'ii'; its printed footer must say so too."""
    contents = page_texts(built_sample.issue_pdf)[1]
    assert last_line(contents) == footer(ISSUE, "ii")


def test_outline(built_sample):
    firsts = first_pages(built_sample)
    with pikepdf.open(built_sample.issue_pdf) as pdf:
        objgens = [page.objgen for page in pdf.pages]
        with pdf.open_outline() as outline:
            entries = [(item.title, objgens.index(item.destination[0].objgen))
                       for item in outline.root]
    assert entries == [("Contents", 1)] + [
        (titles(a), FRONT + firsts[a.slug] - 1) for a in ARTICLES]


def test_issue_metadata(built_sample):
    total = sum(offprint_pages(built_sample).values())
    with pikepdf.open(built_sample.issue_pdf) as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:description"] == (
            f"Spotlight on Regional Affairs, Vol.40, No.6, June 2022, pp. 1-{total}")
        assert meta["dc:creator"] == [au.name for a in ARTICLES for au in a.authors]
        assert meta["{http://prismstandard.org/namespaces/basic/3.0/}pageRange"] == f"1-{total}"
        assert str(pdf.Root.Lang) == "en"


@pytest.mark.parametrize("slug", SLUGS)
def test_offprint_pages_equal_issue_pages(built_sample, slug):
    firsts = first_pages(built_sample)
    offprint = page_texts(built_sample.articles[slug])
    start = FRONT + firsts[slug] - 1
    issue = page_texts(built_sample.issue_pdf)[start:start + len(offprint)]
    assert len(offprint) >= 1
    assert issue == offprint


# ---------------------------------------------------------------- incremental
def test_rebuild_without_changes_touches_nothing(built_short, copy_built):
    made = copy_built(built_short)
    before = mtimes(made.dirs.root)
    assert {"short-issue/issue.pdf", "short-issue/articles/alpha.pdf",
            "short-issue/articles/beta.pdf", "short-issue/articles/gamma.pdf"} <= set(before)
    result = build_issue(made.folder, made.dirs, jobs=2)
    assert result.rebuilt == []
    assert not result.failures
    assert mtimes(made.dirs.root) == before
    assert [(b.article.slug, b.first_page, b.pages) for b in result.built] == [
        (b.article.slug, b.first_page, b.pages) for b in built_short.result.built]


def _more_text(words: int) -> str:
    sentence = ("Further paragraphs were added to this article after its first build, "
                "so that it grows by at least one page and moves the next article on. ")
    count = len(sentence.split())
    return "\n\n".join(sentence * 6 for _ in range(words // (6 * count) + 1))


def test_edit_adding_a_page_shifts_later_articles_only(built_short, copy_built):
    made = copy_built(built_short)
    old = {b.article.slug: b for b in built_short.result.built}
    assert all(1 <= b.pages <= 2 for b in old.values())
    before = mtimes(made.dirs.root)
    beta = made.folder / "beta.md"
    text = beta.read_text(encoding="utf-8")
    body_end = text.index("[^1]:")           # add text before the note definitions
    beta.write_text(text[:body_end] + _more_text(700) + "\n\n" + text[body_end:], encoding="utf-8")

    result = build_issue(made.folder, made.dirs, jobs=2)
    assert not result.failures
    new = {b.article.slug: b for b in result.built}
    added = new["beta"].pages - old["beta"].pages
    assert added >= 1
    assert "alpha" not in result.rebuilt
    assert sorted(result.rebuilt) == ["beta", "gamma"]
    after = mtimes(made.dirs.root)
    assert after["short-issue/articles/alpha.pdf"] == before["short-issue/articles/alpha.pdf"]
    assert after["short-issue/articles/gamma.pdf"] != before["short-issue/articles/gamma.pdf"]
    assert new["alpha"].first_page == old["alpha"].first_page
    assert new["beta"].first_page == old["beta"].first_page
    assert new["gamma"].first_page == old["gamma"].first_page + added
    assert new["gamma"].pages == old["gamma"].pages

    issue = load_issue(made.folder)
    gamma_texts = page_texts(made.articles["gamma"])
    assert [last_line(t) for t in gamma_texts] == [
        footer(issue, n) for n in range(new["gamma"].first_page, new["gamma"].last_page + 1)]
    with pikepdf.open(made.articles["gamma"]) as pdf:
        meta = pdf.open_metadata()
        assert meta["{http://prismstandard.org/namespaces/basic/3.0/}startingPage"] == str(
            new["gamma"].first_page)
    with pikepdf.open(made.issue_pdf) as pdf:
        assert len(pdf.pages) == FRONT + new["gamma"].last_page
    assert result.issue_pdf == made.issue_pdf
    assert after["short-issue/issue.pdf"] != before["short-issue/issue.pdf"]


# ------------------------------------------------------------------------ CLI
def run_cli(*args):
    return subprocess.run([sys.executable, "build.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_cli_help_lists_commands():
    done = run_cli("--help")
    assert done.returncode == 0
    for command in ("all", "issue", "article", "check"):
        assert re.search(rf"^\s+{command}\s", done.stdout, re.M), command


def test_cli_issue_builds_and_prints_paths(tmp_path, built_sample):
    folder = copy_issue(RESOURCES / "short-issue", tmp_path)
    build_dir = tmp_path / "build"
    seed_cache(build_dir, built_sample.dirs.root)
    done = run_cli("--build-dir", build_dir, "-j", "2", "issue", folder)
    assert done.returncode == 0, done.stderr
    printed = [line.strip() for line in done.stdout.splitlines()]
    expected = [build_dir / "short-issue" / "articles" / f"{s}.pdf" for s in ("alpha", "beta", "gamma")]
    expected.append(build_dir / "short-issue" / "issue.pdf")
    for path in expected:
        assert str(path.resolve()) in printed
        assert path.is_file()


def test_cli_article_builds_only_what_it_needs(tmp_path, built_sample):
    folder = copy_issue(RESOURCES / "short-issue", tmp_path)
    build_dir = tmp_path / "build"
    seed_cache(build_dir, built_sample.dirs.root)
    done = run_cli("--build-dir", build_dir, "-j", "2", "article", folder / "beta.md")
    assert done.returncode == 0, done.stderr
    articles = build_dir / "short-issue" / "articles"
    assert (articles / "alpha.pdf").is_file() and (articles / "beta.pdf").is_file()
    assert not (articles / "gamma.pdf").exists()
    assert not (build_dir / "short-issue" / "issue.pdf").exists()
    assert str((articles / "beta.pdf").resolve()) in done.stdout
    assert "issue.pdf" not in done.stdout
    # beta is numbered after alpha even though only beta was asked for
    alpha_pages = len(page_texts(articles / "alpha.pdf"))
    assert last_line(page_texts(articles / "beta.pdf")[0]).endswith(f"({alpha_pages + 1})")
