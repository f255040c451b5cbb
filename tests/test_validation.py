"""Input validation through the real command line.

Each case writes a tiny issue (issue.yaml listing one article, and the
article) and runs `build.py article` as a subprocess. A broken input must
stop the build with exit code 3 and a message `path:line[:col]: input
error: ...` plus `what to do: ...`, no traceback, and must write nothing:
no new PDF, no scratch folder, and the previous good PDF (built once per
module from the same issue folder) keeps its bytes and its mtime.
"""
from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE, OneArticleProject, run_build
from pipeline.paths import MANUSCRIPT

SLUG = OneArticleProject.SLUG

ISSUE_YAML = ONE_ARTICLE_ISSUE
# Line numbers matter below: the front matter is lines 1-6, the body 7-10.
GOOD_MD = FRONT_MATTER + """
## Introduction

Plain paragraph with some words.
"""
BIO = "    bio: Test Author writes tests.\n"


def build_article(build: Path, md: Path) -> subprocess.CompletedProcess:
    return run_build("--build-dir", str(build), "article", str(md))


def tree_snapshot(build: Path) -> dict[str, tuple[str, int]]:
    """Every file under the build folder (outside the format cache) with its
    content digest and mtime, and every folder (so scratch folders show)."""
    snapshot = {}
    for path in sorted(build.rglob("*")):
        relative = str(path.relative_to(build))
        if relative.startswith(".cache"):
            continue
        if path.is_dir():
            snapshot[relative + "/"] = ("dir", 0)
        else:
            snapshot[relative] = (hashlib.sha256(path.read_bytes()).hexdigest(),
                                  path.stat().st_mtime_ns)
    return snapshot


def pdfs_under(build: Path) -> list[Path]:
    return sorted(p for p in build.rglob("*") if p.suffix.lower() == ".pdf" or
                  p.name.endswith(".pdf.tmp"))


# ----------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def project(tmp_path_factory) -> OneArticleProject:
    project = OneArticleProject(tmp_path_factory.mktemp("validation"), GOOD_MD)
    project.write()
    result = build_article(project.build, project.md)
    assert result.returncode == 0, result.stderr
    project.remember_good_pdf()
    return project


# -------------------------------------------------------------------- cases
def md_case(text, line, column, *needles):
    return {"md": text, "issue": ISSUE_YAML, "file": "md", "line": line,
            "column": column, "needles": needles}


def issue_case(text, line, column, *needles):
    return {"md": GOOD_MD, "issue": text, "file": "issue", "line": line,
            "column": column, "needles": needles}


CASES = {
    # missing required fields
    "missing-title": md_case(GOOD_MD.replace('title: "A Short Test Article"\n', ""),
                             2, None, "'title'", "missing", "title: ..."),
    "missing-authors": md_case(GOOD_MD.replace("authors:\n  - name: Test Author\n" + BIO, ""),
                               2, None, "'authors'", "missing", "authors: ..."),
    "missing-author-bio": md_case(GOOD_MD.replace(BIO, ""), 4, None, "'bio'", "missing"),
    # wrong types
    "title-is-a-list": md_case(GOOD_MD.replace('"A Short Test Article"', "[a, b]"),
                               2, 8, "'title'", "expected text", "a list"),
    "authors-is-text": md_case(GOOD_MD.replace("authors:\n  - name: Test Author\n" + BIO,
                                               'authors: "x"\n'),
                               3, 10, "'authors'", "expected a list"),
    "volume-is-text": issue_case(ISSUE_YAML.replace("volume: 40", 'volume: "forty"'),
                                 2, 9, "'volume'", "whole number"),
    # unknown keys: the location is the key's own line and column
    "unknown-key-autor": md_case(GOOD_MD.replace("authors:", "autor:"),
                                 3, 1, "unknown key 'autor'", "did you mean 'authors'"),
    "unknown-author-key-nmae": md_case(GOOD_MD.replace("- name:", "- nmae:"),
                                       4, 5, "unknown key 'nmae'", "did you mean 'name'"),
    "template-key-header-includes": md_case(
        GOOD_MD.replace("authors:", "header-includes: \\usepackage{hyperref}\nauthors:"),
        3, 1, "unknown key 'header-includes'", "title"),
    # YAML syntax and YAML features the pipeline refuses
    "yaml-bad-indentation": md_case(GOOD_MD.replace(BIO, "  bio: Test Author writes tests.\n"),
                                    5, None, "invalid YAML"),
    "yaml-duplicate-key": md_case(GOOD_MD.replace("authors:", "title: Again\nauthors:"),
                                  3, 1, "'title'", "twice"),
    "yaml-anchor-alias": md_case(GOOD_MD.replace('title: "A Short Test Article"',
                                                 "title: &t A Short Test Article\nsubtitle: *t"),
                                 2, 8, "anchors and aliases"),
    "yaml-python-tag": md_case(GOOD_MD.replace('"A Short Test Article"',
                                               "!!python/object/apply:os.system [echo hi]"),
                               2, 8, "python/object", "not allowed"),
    # encodings and the shape of the file
    "latin1-byte": md_case(GOOD_MD.encode().replace(b"some words", b"caf\xe9 words"),
                           10, 25, "0xe9", "UTF-8"),
    "utf16-file": md_case(GOOD_MD.encode("utf-16"), 1, None, "UTF-16", "UTF-8"),
    "empty-body": md_case(GOOD_MD.split("## Introduction")[0], 6, None, "no text"),
    "front-matter-never-closed": md_case(GOOD_MD.replace("---\n\n## Intro", "\n## Intro"),
                                         1, None, "never closed"),
    "no-front-matter": md_case("## Introduction\n\nPlain paragraph with some words.\n",
                               1, None, "front matter"),
    # patterns and choices
    "bad-orcid": md_case(GOOD_MD.replace(BIO, BIO + "    orcid: 1234-56\n"),
                         6, 12, "orcid", "1234-56", "0000-0002-1825-0097"),
    "bad-email": md_case(GOOD_MD.replace(BIO, BIO + "    email: not-an-email\n"),
                         6, 12, "email", "not-an-email", "name@example.org"),
    "unsupported-language": md_case(GOOD_MD.replace("authors:", "language: fr\nauthors:"),
                                    3, 11, "'language'", "'fr'", "en-GB"),
    # the issue's list of articles
    "issue-lists-missing-article": issue_case(ISSUE_YAML + "  - missing.md\n",
                                              9, None, "missing.md"),
    "issue-lists-article-twice": issue_case(ISSUE_YAML + "  - article.md\n",
                                            9, None, "article.md", "twice"),
    "issue-lists-same-slug": issue_case(ISSUE_YAML + "  - Article.md\n",
                                        9, None, "Article.md", "same slug"),
    "article-contradicts-issue": md_case(GOOD_MD.replace("authors:", "volume: 41\nauthors:"),
                                         3, 9, "volume: 41", "contradicts", "volume: 40"),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_invalid_input_is_refused_and_writes_nothing(project, case):
    project.write(case["md"], case["issue"])
    before = tree_snapshot(project.build)

    result = build_article(project.build, project.md)

    stderr = result.stderr
    assert result.returncode == 3, stderr
    assert "Traceback" not in stderr and "Traceback" not in result.stdout
    path = project.md if case["file"] == "md" else project.issue_yaml
    error_lines = [line for line in stderr.splitlines() if "input error:" in line]
    assert len(error_lines) == 1, stderr
    head = error_lines[0]
    where = f"{path}:{case['line']}:"
    if case["column"] is not None:
        where += f"{case['column']}:"
    assert head.startswith(where) or head.startswith(f"{path}:{case['line']}: "), (
        f"expected the location {where} in:\n{stderr}")
    if case["column"] is not None:
        assert head.startswith(where), f"expected the column in {where}:\n{stderr}"
    for needle in case["needles"]:
        assert needle in stderr, f"{needle!r} not in:\n{stderr}"
    assert "  what to do: " in stderr, f"no advice in:\n{stderr}"
    advice = stderr.split("what to do:", 1)[1].strip()
    assert advice, stderr
    # nothing was written, the last good PDF is untouched
    assert tree_snapshot(project.build) == before
    assert pdfs_under(project.build) == [project.pdf]
    project.assert_good_pdf_untouched()
    assert not (project.build / ".work").exists() or not any((project.build / ".work").iterdir())


def test_unclosed_quote_points_at_the_line_that_opens_it(project):
    project.write(GOOD_MD.replace('"A Short Test Article"', '"A Short Test Article'))
    result = build_article(project.build, project.md)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert "invalid YAML" in result.stderr
    assert "what to do" in result.stderr
    head = result.stderr.splitlines()[0]
    # The quote opens on line 2, column 8; the parser only notices at the end of the
    # front matter, but the message points where the quote opens.
    assert head.startswith(f"{project.md}:2:8: input error: invalid YAML"), result.stderr
    project.assert_good_pdf_untouched()


def test_invalid_input_into_an_empty_build_dir_writes_no_pdf(project, fresh_build):
    project.write(GOOD_MD.replace("authors:", "autor:"))
    result = build_article(fresh_build, project.md)
    assert result.returncode == 3, result.stderr
    assert "unknown key 'autor'" in result.stderr
    assert pdfs_under(fresh_build) == []
    assert not (fresh_build / SLUG).exists()


@pytest.mark.parametrize("encoding", ["utf-8-bom", "crlf", "utf-8-bom+crlf"])
def test_bom_and_crlf_simply_work(project, fresh_build, encoding):
    data = GOOD_MD.replace("some words", "some words, café and Ṣiddīqī")
    if "crlf" in encoding:
        data = data.replace("\n", "\r\n")
    raw = data.encode("utf-8")
    if "bom" in encoding:
        raw = b"\xef\xbb\xbf" + raw
    project.write(raw)
    result = build_article(fresh_build, project.md)
    assert result.returncode == 0, result.stderr
    pdf = fresh_build / SLUG / "articles" / "article.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "A Short Test Article" in text
    assert "café" in text
    assert "\ufeff" not in text and "\r" not in text


def test_check_accepts_the_good_issue(project):
    project.write()
    result = run_build("--build-dir", str(project.build), "check", str(project.folder))
    assert result.returncode == 0, result.stderr
    assert "1 articles, all valid" in result.stdout
    project.assert_good_pdf_untouched()


def test_check_accepts_the_sample_issue(tmp_path):
    result = run_build("--build-dir", str(tmp_path / "build"), "check",
                     str(MANUSCRIPT / SLUG))
    assert result.returncode == 0, result.stderr
    assert "3 articles, all valid" in result.stdout
    assert not (tmp_path / "build").exists() or pdfs_under(tmp_path / "build") == []


def test_check_refuses_a_broken_issue(project):
    project.write(GOOD_MD.replace("- name:", "- nmae:"))
    before = tree_snapshot(project.build)
    result = run_build("--build-dir", str(project.build), "check", str(project.folder))
    assert result.returncode == 3, result.stderr
    assert f"{project.md}:4:" in result.stderr
    assert "unknown key 'nmae'" in result.stderr and "did you mean 'name'" in result.stderr
    assert "Traceback" not in result.stderr
    assert "all valid" not in result.stdout
    assert tree_snapshot(project.build) == before
