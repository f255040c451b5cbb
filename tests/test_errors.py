"""Failure paths through the real tools (Pandoc, pdfLaTeX; the process runner
alone: tests/unit/test_runner.py).

A good offprint is built once per module; every failing build afterwards
uses the same issue folder and build folder and must leave that PDF's bytes
and mtime alone, write no other PDF and leave no scratch folder behind.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE, OneArticleProject
from pipeline import cli
from pipeline.tools import pandoc

SLUG = OneArticleProject.SLUG

ISSUE_YAML = ONE_ARTICLE_ISSUE
RAW_LATEX = ISSUE_YAML + "allow_raw_latex: true\n"
# The body's paragraphs: line 10 is harmless, line 12 is where each case puts trouble.
HEAD = FRONT_MATTER + """
## Introduction

First paragraph is harmless.

"""
GOOD_MD = HEAD + "The zebrafinch migrates northwards every spring.\n"
TROUBLE_LINE = 12


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> OneArticleProject:
    project = OneArticleProject(tmp_path_factory.mktemp("errors"), GOOD_MD)
    project.write()
    result = project.build_article()
    assert result.returncode == 0, result.stderr
    assert "zebrafinch" in pdf_text(project.pdf)
    project.remember_good_pdf()
    return project


def assert_failed(result, project: OneArticleProject, codes=(5,)) -> str:
    stderr = result.stderr
    assert result.returncode in codes, stderr
    assert "Traceback" not in stderr + result.stdout
    assert "what to do:" in stderr
    assert "0 PDF(s) written" in result.stdout
    project.assert_nothing_written()
    return stderr


def error_head(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if "build failed:" in line
             or "input error:" in line]
    assert lines, stderr
    return lines[0]


# ------------------------------------------------------------------- LaTeX
def test_latex_error_points_at_the_manuscript_line_and_keeps_the_log(project):
    project.write(HEAD + "The zebrafinch migrates \\undefinedcommandxyz northwards today.\n",
                  RAW_LATEX)
    result = project.build_article()
    stderr = assert_failed(result, project)
    head = error_head(stderr)
    assert "Undefined control sequence" in head
    assert head.startswith(f"{project.md}:{TROUBLE_LINE}: "), stderr
    log = re.search(r"full log: (\S+)", stderr)
    assert log, stderr
    log_path = Path(log.group(1))
    assert log_path.is_file()
    assert log_path.is_relative_to(project.build)
    assert "undefinedcommandxyz" in log_path.read_text(encoding="utf-8", errors="replace")


def test_raw_latex_is_off_by_default_and_prints_as_text(project, fresh_build):
    canary = project.base / "canary.tex"
    canary.write_text("SECRETCANARYTOKEN\n")
    body = (HEAD + "The zebrafinch migrates \\undefinedcommandxyz northwards today.\n\n"
            "\\input{/etc/hostname}\n\n"
            f"\\input{{{canary}}}\n")
    project.write(body)
    result = project.build_article(build=fresh_build)
    assert result.returncode == 0, result.stderr
    pdf = fresh_build / SLUG / "articles" / "article.pdf"
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "\\undefinedcommandxyz" in flat
    assert "\\input{/etc/hostname}" in flat
    assert f"\\input{{{canary}}}" in flat.replace(" ", "")  # a long path may break at a hyphen
    assert "SECRETCANARYTOKEN" not in text
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    if hostname:
        assert not re.search(rf"(?m)^\s*{re.escape(hostname)}\s*$", text)
    project.assert_nothing_written()  # a different build folder: the module's PDF is untouched


def test_character_without_glyph_names_the_code_point_and_line(project):
    project.write(HEAD + "A hieroglyph \U00013000 appears here.\n")  # in no house font
    stderr = assert_failed(project.build_article(), project)
    head = error_head(stderr)
    assert "U+13000" in head
    assert head.startswith(f"{project.md}:{TROUBLE_LINE}: "), stderr
    assert re.search(r"full log: (\S+)", stderr)
    assert Path(re.search(r"full log: (\S+)", stderr).group(1)).is_file()


# ------------------------------------------------------------------ images
@pytest.mark.parametrize("src, advice", [
    ("/etc/x.png", "relative"),
    ("../x.png", "issue folder"),
    ("http://example.org/x.png", "URL"),
    ("x.gif", "PNG"),
], ids=["absolute", "dotdot", "url", "gif"])
def test_refused_images_are_named_with_advice(project, src, advice):
    project.write(HEAD + f"![x]({src})\n")
    stderr = assert_failed(project.build_article(), project, codes=(3,))
    head = error_head(stderr)
    assert f'"{src}"' in head or f"'{src}'" in head, stderr
    assert advice in head, stderr
    assert head.startswith(f"{project.md}:{TROUBLE_LINE}:6: input error: "), stderr
    assert "stack traceback" not in stderr and "in function" not in stderr


def test_missing_relative_image_is_named(project):
    project.write(HEAD + "![x](figures/missing.png)\n")
    result = project.build_article()
    stderr = assert_failed(result, project, codes=(3,))  # found before TeX runs
    head = error_head(stderr)
    assert head.startswith(f'{project.md}:{TROUBLE_LINE}:6: input error: image '
                           '"figures/missing.png" does not exist in the issue folder'), stderr


# --------------------------------------------------------------- footnotes
def test_footnote_inside_a_footnote_is_named(project):
    project.write(HEAD + "Text with a note.[^1]\n\n[^1]: Outer note ^[inner note text] here.\n")
    stderr = assert_failed(project.build_article(), project, codes=(3,))
    head = error_head(stderr)
    assert "footnote contains another footnote" in head, stderr
    assert str(project.md) in head
    assert "in function" not in stderr


def test_cli_maps_missing_pandoc_to_exit_4(project, monkeypatch, capfd):
    project.write(HEAD + "A changed paragraph so that the article must be rebuilt.\n")
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: "/nonexistent/bin/pandoc")
    code = cli.main(["--build-dir", str(project.build), "article", str(project.md)])
    out, err = capfd.readouterr()
    assert code == 4, err
    assert "missing tool" in err and "/nonexistent/bin/pandoc" in err
    assert "what to do:" in err
    assert "Traceback" not in out + err
    project.assert_nothing_written()


def test_cli_maps_missing_tex_on_path_to_exit_4(project, tmp_path):
    project.write(HEAD + "Another changed paragraph so that the article must be rebuilt.\n")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PATH"}
    env["PATH"] = str(empty)
    result = project.build_article(env=env)
    assert result.returncode == 4, result.stderr
    assert "missing tool" in result.stderr
    assert "pdflatex" in result.stderr or "pdftex" in result.stderr
    assert "Traceback" not in result.stderr
    project.assert_nothing_written()
