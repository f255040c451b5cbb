"""What the source checks (pipeline/manuscript.py; their unit tests are in
tests/unit/test_manuscript_checks.py) let through prints as the author meant
(headings, no Markdown left on the page), and the checks through the command
line: build tests that go through build.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FRONT_MATTER, OneArticleProject, markdown_leftovers, page_texts, run_build

BODY_LINE = FRONT_MATTER.count("\n") + 1   # the manuscript line the body starts on


# ---------------------------------------------------- through the command line
GOOD = FRONT_MATTER + "\n# Water\n\nThe river.\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> OneArticleProject:
    state = OneArticleProject(tmp_path_factory.mktemp("checks"), GOOD)
    state.write()
    return state


def test_check_command_runs_the_source_checks(project, tmp_path):
    project.write(FRONT_MATTER + "\nText.[^9]\n")
    result = run_build("check", str(project.folder))
    assert result.returncode == 3, result.stderr
    assert f"{project.md}:{BODY_LINE + 1}:6: input error: note [^9] is cited but never defined" \
        in result.stderr
    project.write(FRONT_MATTER.replace("---\ntitle", "---\nsubtitle: A #b\ntitle") + "\nText.\n")
    result = run_build("check", str(project.folder))
    assert result.returncode == 0, result.stderr
    assert f"{project.md}:2:13: warning: the rest of this line, '#b', is a YAML comment" \
        in result.stderr


def words_by_line(pdf: Path) -> list[str]:
    return [" ".join(line.split()) for text in page_texts(pdf) for line in text.splitlines()
            if line.strip()]


def test_headings_print_alike_from_either_top_level_with_a_run_in_third(project):
    levels = {}
    for marks in (("#", "##", "###"), ("##", "###", "####")):
        project.write(FRONT_MATTER + f"\n{marks[0]} Water Rights\n\nThe river.\n\n"
                      f"{marks[1]} Upstream Works\n\nDams and canals.\n\n"
                      f"{marks[2]} Local practice\n\nThe run-in heading leads this paragraph.\n")
        result = project.build_article()
        assert result.returncode == 0, result.stderr
        levels[marks[0]] = words_by_line(project.pdf)
    assert levels["#"] == levels["##"]
    assert "Water Rights" in levels["#"] and "Upstream Works" in levels["#"]
    assert "Local practice. The run-in heading leads this paragraph." in levels["#"]


def test_the_sample_pdfs_hold_no_markdown_syntax(built_sample):
    for pdf in [built_sample.issue_pdf, *built_sample.articles.values()]:
        text = "\n".join(page_texts(pdf))
        assert not markdown_leftovers(text), (pdf.name, markdown_leftovers(text))
    assert markdown_leftovers("a [^6] b") and markdown_leftovers("see **bold**")


@pytest.mark.parametrize("title,column", [
    (r'"Energy $\\csname input\\endcsname$ and water"', 17),   # double-quoted: \\ in YAML
    (r"'Energy $\csname input\endcsname$ and water'", 17),
])
def test_math_in_a_front_matter_field_is_refused_at_its_line_and_column(project, title, column):
    project.write(FRONT_MATTER.replace('title: "A Short Test Article"', f"title: {title}")
                  + "\nText.\n")
    result = project.build_article()
    assert result.returncode == 3, result.stderr
    assert (f"{project.md}:2:{column}: input error: math \"\\csname input\\endcsname\": "
            "\\csname is not a math command this journal prints") in result.stderr
