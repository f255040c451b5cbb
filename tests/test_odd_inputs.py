"""Every odd input is an input error (exit 3) at file:line, found before any
TeX runs, never exit 1, a traceback or a hang: YAML tags, huge numbers, deep
nesting, surrogates and control characters; links, FIFOs, devices and huge
files among the inputs (issue.yaml, manuscripts, figures); a style that does
not exist; long non-ASCII file names; issue folders given as '..' or through
links; figures named like TeX's own files. All through `build.py` as an editor
runs it; messages never carry raw terminal control characters."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE, run_build
from pipeline.errors import InputError, Location
from pipeline.model import load_issue

BODY = "\n## Introduction\n\nPlain paragraph with some words.\n"


def write_issue(base: Path, issue: str = ONE_ARTICLE_ISSUE, md: str = FRONT_MATTER + BODY) -> Path:
    folder = base / "manuscript" / "2022-06"
    folder.mkdir(parents=True)
    (folder / "issue.yaml").write_text(issue, encoding="utf-8")
    (folder / "article.md").write_text(md, encoding="utf-8")
    return folder


def refused(*args: str, where: str, says: str, timeout: float = 30):
    """Run build.py; assert exit 3 with 'where: input error: ...says...' and no traceback."""
    done = run_build(*args, timeout=timeout)
    assert done.returncode == 3, done.stderr
    assert f"{where}: input error: " in done.stderr, done.stderr
    assert says in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "\x1b" not in done.stderr + done.stdout
    return done


ISSUE_VALUES = [  # (issue.yaml line 2 replaced, line:col, what the message says)
    ('volume: !!float "abc"', "2:9", "YAML tag 'tag:yaml.org,2002:float' is not allowed"),
    ('volume: !!bool "maybe"', "2:9", "YAML tag 'tag:yaml.org,2002:bool' is not allowed"),
    ("volume: " + "9" * 5000, "2:9", "cannot be read (5000 characters)"),
    ("volume: " + "[" * 5000 + "]" * 5000, "2:28", "nested more than 20 deep"),
    ("volume: " + "{a: " * 30 + "1" + "}" * 30, "2:82", "nested more than 20 deep"),
]


@pytest.mark.parametrize("line, where, says", ISSUE_VALUES,
                         ids=["float-tag", "bool-tag", "5000-digits", "nested-lists", "nested-maps"])
def test_odd_yaml_in_issue_yaml_is_an_input_error(tmp_path, line, where, says):
    issue = ONE_ARTICLE_ISSUE.replace("volume: 40", line)
    folder = write_issue(tmp_path, issue=issue)
    refused("check", str(folder), where=f"{folder / 'issue.yaml'}:{where}", says=says)


@pytest.mark.parametrize("title, says", [
    (r'"\uD800"', "a lone surrogate, U+D800"),
    (r'"\e]0;owned\a\e[2J Title"', "a control character, U+001B"),
    (r'"Title\x9b31m"', "a control character, U+009B"),
], ids=["surrogate", "escape-sequence", "c1-control"])
def test_escaped_characters_no_printer_can_set_are_refused(tmp_path, title, says):
    md = FRONT_MATTER.replace('"A Short Test Article"', title) + BODY
    folder = write_issue(tmp_path, md=md)
    refused("check", str(folder), where=f"{folder / 'article.md'}:2:8", says=says)


def test_terminal_control_in_any_message_is_shown_escaped(tmp_path):
    folder = tmp_path / "issue\x1b[2J\x1b]0;owned\x07"
    done = refused("check", str(folder), says="file not found",
                   where=f"{tmp_path}/issue\\x1b[2J\\x1b]0;owned\\x07/issue.yaml")
    assert "\\x1b[2J" in done.stderr
    message = str(InputError("title '\x1b[31mred\u202e'", where=Location(Path("a\x9bb.md"), 2)))
    assert message == "a\\x9bb.md:2: input error: title '\\x1b[31mred\\u202e'"


def test_a_style_with_no_folder_is_refused_by_check_and_build(tmp_path):
    folder = write_issue(tmp_path, issue=ONE_ARTICLE_ISSUE + "style: nonesuch\n")
    where = f"{folder / 'issue.yaml'}:9:8"
    refused("check", str(folder), where=where, says="there is no style 'nonesuch'")
    refused("--build-dir", str(tmp_path / "build"), "issue", str(folder), where=where,
            says="use one of: spotlight")
    assert not (tmp_path / "build").exists()


def test_a_long_non_ascii_file_name_is_limited_in_bytes(tmp_path):
    name = "ب" * 125 + ".md"  # 125 letters, 253 bytes: a scratch suffix would pass 255
    folder = write_issue(tmp_path, issue=ONE_ARTICLE_ISSUE.replace("article.md", name))
    (folder / "article.md").rename(folder / name)
    refused("check", str(folder), where=str(folder / name), says="the file name is 253 bytes long")


def special_files(base: Path):
    """(what, how to make it at a path): inputs that are not plain files."""
    outside = base / "outside.md"
    outside.write_text(FRONT_MATTER + BODY, encoding="utf-8")
    return [("symbolic link", lambda p: p.symlink_to(outside)),
            ("link to /dev/zero", lambda p: p.symlink_to("/dev/zero")),
            ("a FIFO", lambda p: os.mkfifo(p)),
            ("larger than 2 MB", lambda p: os.truncate(p.open("w").name, 3 << 20))]


@pytest.mark.parametrize("index", range(4), ids=["link", "dev-zero", "fifo", "huge"])
@pytest.mark.parametrize("victim", ["issue.yaml", "article.md"])
def test_links_fifos_devices_and_huge_inputs_are_refused_unread(tmp_path, victim, index):
    folder = write_issue(tmp_path)
    what, make = special_files(tmp_path)[index]
    (folder / victim).unlink()
    make(folder / victim)
    says = {"symbolic link": "the file is a symbolic link",
            "link to /dev/zero": "the file is a symbolic link",
            "a FIFO": "the input is a FIFO (named pipe), not a file",
            "larger than 2 MB": "the file is larger than 2 MB"}[what]
    refused("check", str(folder), where=str(folder / victim), says=says, timeout=20)


@pytest.mark.parametrize("case", ["link", "fifo", "reserved-name", "huge"])
def test_odd_figures_are_refused_before_any_tex_runs(tmp_path, case):
    folder = write_issue(tmp_path)
    figures = folder / "figures"
    figures.mkdir()
    name, says = {"link": ("figures/map.png", "the file is a symbolic link"),
                  "fifo": ("figures/map.png", "the input is a FIFO"),
                  "reserved-name": ("article.pdf", "the figure's name 'article.pdf' is one TeX"),
                  "huge": ("figures/map.png", "the file is larger than 100 MB")}[case]
    path = folder / name
    if case == "link":
        path.symlink_to("/etc/hostname")
    elif case == "fifo":
        os.mkfifo(path)
    elif case == "huge":
        with path.open("wb") as sparse:
            sparse.truncate(101 << 20)
    else:
        path.write_bytes(b"%PDF-1.4\n")
    build = tmp_path / "build"
    refused("--build-dir", str(build), "issue", str(folder), where=str(path), says=says, timeout=20)
    assert not list(build.rglob("*.pdf")) and not list(build.rglob("*.tex"))


def test_issue_folders_are_resolved_and_never_write_outside_the_build_folder(tmp_path):
    folder = write_issue(tmp_path)
    (folder / "sub").mkdir()
    assert load_issue(folder / "sub" / "..").slug == "2022-06"
    assert load_issue(folder / ".").folder == folder
    # Through the command line: the build goes to build/2022-06, not build/.. (stopped
    # before TeX by a figure named like TeX's own files).
    (folder / "article.pdf").write_bytes(b"%PDF-1.4\n")
    build = tmp_path / "out" / "build"
    refused("--build-dir", str(build), "issue", str(folder / "sub" / ".."),
            where=str(folder / "article.pdf"), says="one TeX's own files use")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["build"]
    assert sorted(p.name for p in build.iterdir()) == ["2022-06"]
    (folder / "article.pdf").unlink()
    # `all` refuses an issue folder that links out of the folder it was given.
    elsewhere = write_issue(tmp_path / "elsewhere")
    (tmp_path / "manuscript" / "linked").symlink_to(elsewhere)
    refused("--build-dir", str(tmp_path / "build"), "all", str(tmp_path / "manuscript"),
            where=str(tmp_path / "manuscript" / "linked"), says="is a link to")
    assert not (tmp_path / "build").exists()
