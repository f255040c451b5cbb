"""The checks made before Pandoc or TeX runs (pipeline/manuscript.py and the
YAML-comment scan of pipeline/sources.py): each finding at file:line:col,
errors refused, warnings printed, fast on real and pathological input.

The tests call the checks on real manuscripts written to a temporary issue
folder (no PDF needed). What the checks let through, built into PDFs through
build.py, is tested in tests/test_manuscript_checks.py.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image

from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE
from pipeline import manuscript
from pipeline.errors import InputError
from pipeline.model import load_article, load_issue
from pipeline.paths import MANUSCRIPT

BODY_LINE = FRONT_MATTER.count("\n") + 1   # the manuscript line the body starts on


def article(folder: Path, body: str, front: str = FRONT_MATTER, issue: str = ONE_ARTICLE_ISSUE):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "issue.yaml").write_text(issue, encoding="utf-8")
    (folder / "article.md").write_text(front + body, encoding="utf-8")
    return load_article(folder / "article.md", load_issue(folder))


def findings(tmp_path: Path, body: str, **kw) -> list[tuple[str, int, int, str]]:
    """(severity, line, column, message) of each finding in body."""
    return [(f.severity, f.where.line, f.where.column, f.message)
            for f in manuscript.check(article(tmp_path / "issue", body, **kw))]


def only_error(tmp_path: Path, body: str, **kw) -> tuple[int, int, str]:
    found = findings(tmp_path, body, **kw)
    assert [f[0] for f in found] == ["error"], found
    return found[0][1:]


# ------------------------------------------------------------------ notes
def test_an_undefined_note_is_an_error_at_its_line_and_column(tmp_path):
    line, column, message = only_error(tmp_path, "\nText.[^6] More.\n\n[^1]: x\n\nCited.[^1]\n")
    assert (line, column) == (BODY_LINE + 1, 6)
    assert message == "note [^6] is cited but never defined"


def test_a_second_definition_of_a_note_is_an_error_naming_the_first(tmp_path):
    line, column, message = only_error(tmp_path, "\nA.[^3]\n\n[^3]: one\n\n[^3]: two\n")
    assert (line, column) == (BODY_LINE + 5, 1)
    assert message == f"note [^3] is defined twice (first on line {BODY_LINE + 3})"


def test_an_unused_note_is_a_warning_with_its_line(tmp_path):
    found = findings(tmp_path, "\nNo citation.\n\n  [^x]: lost text\n")
    assert found == [("warning", BODY_LINE + 3, 3,
                      "note [^x] is defined but never cited, so it does not print")]


def test_a_note_of_two_paragraphs_is_checked_whole(tmp_path):
    body = "\nA.[^1]\n\n[^1]: First paragraph.\n\n    Second, citing [^2] and $\\def$.\n\n[^2]: x\n"
    assert findings(tmp_path, body) == [
        ("error", BODY_LINE + 5, 30, "\\def is not a math command this journal prints")]


def test_notes_in_code_and_inline_notes_are_not_notes(tmp_path):
    body = "\nCode `[^1]` here, an inline^[note] and\n\n```\n[^2]: not a note\n```\n"
    assert findings(tmp_path, body) == []


def test_a_bracketed_citation_is_an_error_and_a_handle_is_text(tmp_path):
    line, column, message = only_error(tmp_path, "\nAs argued [see @doe2020, p. 4]. Ask @irs.\n")
    assert (line, column) == (BODY_LINE + 1, 11)
    assert "[see @doe2020, p. 4] is a citation" in message
    assert findings(tmp_path / "b", "\nMail a@b.org [about it] or @handle.\n") == []


# --------------------------------------------------------------- headings
@pytest.mark.parametrize("marks", [("#", "##", "###"), ("##", "###", "####")])
def test_three_heading_levels_are_accepted_from_either_top_level(tmp_path, marks):
    body = "".join(f"\n{mark} Level {i}\n\nText.\n" for i, mark in enumerate(marks, 1))
    assert findings(tmp_path, body) == []


def test_a_fourth_heading_level_is_refused_with_advice(tmp_path):
    body = "\n## A\n\n### B\n\n#### C\n\n##### Deep\n\nText.\n"
    line, column, message = only_error(tmp_path, body)
    assert (line, column) == (BODY_LINE + 7, 1)
    assert message.startswith('"Deep" is a heading of level 4 (#####)')


def test_setext_headings_count_as_levels(tmp_path):
    body = "\nTop\n===\n\nNext\n----\n\n### Third\n\n#### Fourth\n"
    assert only_error(tmp_path, body)[0] == BODY_LINE + 9


# ------------------------------------------------------------------- math
REFUSED_MATH = [r"\def\x{\x}\x", r"\let\a\b", r"\csname input\endcsname", r"\catcode 94=7",
                r"\input{x}", r"\include{x}", r"\read16 to\x", r"\write18{ls}", r"\openin1=x",
                r"\openout1=x", r"\immediate", r"\pdfobj{x}", r"\pdfcatalog{x}", r"\special{x}",
                r"\font\x=cmr10", r"\loop\repeat", r"\expandafter\x", r"\uppercase{x}",
                r"\lowercase{x}", r"^^5cinput", r"\text{~/x}", r"\newcommand\x{y}", r"\mathrm{\x}",
                r"a % comment", r"x # y"]


@pytest.mark.parametrize("tex", REFUSED_MATH)
def test_math_outside_the_allowlist_is_refused_at_its_column(tmp_path, tex):
    found = findings(tmp_path, f"\nSo ${tex}$ and\n$$a {tex}$$.\n")
    assert [(f[0], f[1]) for f in found] == [("error", BODY_LINE + 1), ("error", BODY_LINE + 2)]
    assert 5 <= found[0][2] <= 5 + len(tex) and "math" in found[0][3], found


def test_ordinary_math_and_dollars_that_are_not_math_pass(tmp_path):
    body = (r"\nIt cost $5 and $6. $\frac{a}{b} + \alpha^2 \leq \sum_{i=1}^{n} x_i$ and"
            r" $$\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}$$ and \$\def\x$ escaped and `$\def$`."
            "\n").replace(r"\n", "\n", 1)
    assert findings(tmp_path, body) == []


def test_raw_latex_issues_may_use_any_math(tmp_path):
    body = "\nSo $\\def\\x{1}\\x$.\n"
    assert findings(tmp_path, body, issue=ONE_ARTICLE_ISSUE + "allow_raw_latex: true\n") == []


def test_an_environment_off_the_list_is_refused(tmp_path):
    line, column, message = only_error(tmp_path, "\n$$\\begin{filecontents}{x}y\\end{filecontents}$$\n")
    assert message == "math environment {filecontents} is not allowed"


# ------------------------------------------------------------------ links
@pytest.mark.parametrize("text,target", [
    ("[x](run:/bin/sh)", "run:/bin/sh"), ("[x](file:///etc/passwd)", "file:///etc/passwd"),
    ("<javascript:alert(1)>", "javascript:alert(1)"), ("[x](other.md)", "other.md"),
    ("[x](%72un:/bin/sh)", "%72un:/bin/sh"), ("[x](run&#58;/bin/sh)", "run&#58;/bin/sh"),
    ("[x][r]\n\n[r]: file:///x", "file:///x")])
def test_links_other_than_web_mail_doi_and_anchors_are_refused(tmp_path, text, target):
    line, column, message = only_error(tmp_path, f"\nSee {text}\n")
    assert message == f'link target "{target}" is not a web, e-mail or DOI address'


def test_web_mail_doi_and_anchor_links_pass(tmp_path):
    body = ("\n[a](https://x.org/a_b) [b](http://x.org) <mailto:e@x.org> <e@x.org> "
            "[c](doi:10.1/x) [d](#notes) https://x.org/bare\n")
    assert findings(tmp_path, body) == []


# ---------------------------------------------------------------- figures
def png(path: Path, size: tuple[int, int], dpi: int = 300) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("1", size, 1).save(path, dpi=(dpi, dpi))


@pytest.mark.parametrize("src,problem", [
    ("/etc/x.png", "is an absolute path"), (r"\usr\share\x.png", "is an absolute path"),
    ("~/x.png", "is an absolute path"), ("../x.png", "leaves the issue folder"),
    ("%2E%2E/x.png", "leaves the issue folder"), ("https://x.org/a.png", "is a URL"),
    ("x.gif", "is not a PNG, JPEG or PDF"), ("missing.png", "does not exist in the issue folder")])
def test_image_paths_are_checked_after_decoding(tmp_path, src, problem):
    line, column, message = only_error(tmp_path, f"\nText.\n\n![A map]({src})\n")
    assert (line, column) == (BODY_LINE + 3, 10)
    assert problem in message


def test_figures_too_large_too_coarse_linked_or_not_images_are_refused(tmp_path):
    folder = tmp_path / "issue"
    png(folder / "huge.png", (8000, 7000))
    png(folder / "coarse.png", (300, 200), dpi=72)
    png(tmp_path / "outside.png", (600, 400))
    (folder / "linked.png").symlink_to(tmp_path / "outside.png")
    (folder / "text.png").write_text("not a picture")
    body = ("\n![a](huge.png)\n\n![b](coarse.png){width=100%}\n\n![c](linked.png)\n\n"
            "![d](text.png)\n\n![e][ref]\n\n[ref]: coarse.png\n")
    found = findings(tmp_path, body)
    assert [(f[1], f[3].split('" ', 1)[1]) for f in found] == [
        (BODY_LINE + 1, "has 8000 x 7000 pixels (56 megapixels); at most 50 are allowed"),
        (BODY_LINE + 3, "prints at 48 pixels per inch (300 pixels across 160 mm); "
                        "print needs at least 150"),
        (BODY_LINE + 5, "is a symbolic link"),
        (BODY_LINE + 7, "is not a readable PNG image"),
        (BODY_LINE + 11, "prints at 72 pixels per inch (300 pixels across 106 mm); "
                         "print needs at least 150")]


def test_a_sharp_figure_passes(tmp_path):
    png(tmp_path / "issue" / "figures" / "map.png", (1200, 800))
    assert findings(tmp_path, "\n![A map](figures/map.png){width=50%}\n") == []


# ---------------------------------------------------------------- nesting
@pytest.mark.parametrize("body,line,message", [
    ("x " + "[" * 2000 + " tail.", 1, "brackets '[' nest more than 4"),
    ("> " * 3 + "deep", 1, "block quotes nest 3 deep"),
    ("".join("  " * i + "- item\n" for i in range(300)), 5, "lists nest 5 deep"),
    ("Deep " + " ".join(("*" if i % 2 else "_") + f"w{i}" for i in range(12)), 1,
     "emphasis (* or _) nests more than 8"),
    ("Stars " + "*" * 10000, 1, "a run of 10000 '*'"),
    ("lorem ipsum " * 90_000, 1, "at most 50,000 are allowed")])
def test_pathological_markdown_is_refused_in_well_under_two_seconds(tmp_path, body, line, message):
    started = time.perf_counter()
    found = findings(tmp_path, "\n" + body + "\n")
    assert time.perf_counter() - started < 2
    assert found[0][0] == "error" and found[0][1] == BODY_LINE + line and message in found[0][3], found


def test_ordinary_nesting_passes(tmp_path):
    body = ("\n> quoted\n> > twice\n\n- a\n  - b\n    - c\n      - d\n\n[a [b [c [d]]]](https://x.org)"
            " *a **b _c_ b** a*\n\n***\n")
    assert findings(tmp_path, body) == []


# ------------------------------------------------------------ the sample
def test_the_sample_issue_is_clean_and_checked_in_well_under_half_a_second():
    issue = load_issue(MANUSCRIPT / "2022-06")
    articles = [load_article(path, issue) for path in issue.articles]
    started = time.perf_counter()
    found = [f for a in articles for f in manuscript.check(a)]
    assert time.perf_counter() - started < 0.25
    assert found == []


def test_stop_at_errors_raises_the_first_error_and_returns_the_warnings(tmp_path):
    a = article(tmp_path / "issue", "\nA.[^1]\n\n[^1]: x\n\n[^2]: unused\n")
    assert manuscript.stop_at_errors(manuscript.check(a)) == [
        f"{a.path}:{BODY_LINE + 5}:1: warning: note [^2] is defined but never cited, so it does "
        "not print\n  what to do: cite it with [^2] where it belongs, or delete it"]
    b = article(tmp_path / "b", "\nA.[^1] [@x]\n")
    with pytest.raises(InputError) as raised:
        manuscript.stop_at_errors(manuscript.check(b))
    assert str(raised.value.where) == f"{b.path}:{BODY_LINE + 1}:3"


# ---------------------------------------------------------- YAML comments
def test_a_value_cut_by_a_yaml_comment_gets_a_warning_at_its_line(tmp_path):
    front = FRONT_MATTER.replace('title: "A Short Test Article"\n',
                                 'title: "A Short Test Article"\nsubtitle: Market No. 1 #Makran\n'
                                 'keywords: [trade, ports #Gwadar\n  ]\n'
                                 'language: en   # a deliberate comment\n')
    a = article(tmp_path / "issue", "\nText.\n", front=front)
    assert a.subtitle == "Market No. 1"
    assert [w.split("\n")[0] for w in a.warnings] == [
        f"{a.path}:3:24: warning: the rest of this line, '#Makran', is a YAML comment: "
        "the value is only 'Market No. 1'",
        f"{a.path}:4:25: warning: the rest of this line, '#Gwadar', is a YAML comment: "
        "the value is only 'ports'"]
    assert 'quote the whole value: "Market No. 1 #Makran"' in a.warnings[0]
