"""TeX sees nothing it need not see: the real TeX step (pipeline/tex/: typeset,
and confine.py, how every TeX program runs) with a secret in os.environ and in
a fake $HOME.

Every route below is raw TeX an author could write with allow_raw_latex
(or smuggle in some other way); each must either fail or leave no byte
of a secret in the PDF (its streams decompressed by pikepdf), the log or
the message. And a font that needs METAFONT makes nothing.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import pytest

from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE, OneArticleProject
from pipeline import tex
from pipeline.paths import STYLES
from pipeline.runner import Budget
from pipeline.tex import LatexError, confine
from pipeline.tools import bwrap

SECRET = "canary-7f3e9b2a-token"          # in os.environ
HOME_SECRET = "canary-home-41d0c6e8"       # in a file in the fake $HOME
BUDGET = Budget(seconds=60)

# Keep the routes here: a new route is one line.
ROUTES = [
    ("pdflatex", "pdfobj-environ", r"\immediate\pdfobj stream file{/proc/self/environ}"
                                   r"\pdfrefobj\pdflastobj"),
    ("pdflatex", "pdfobj-mountinfo", r"\immediate\pdfobj stream file{/proc/self/mountinfo}"
                                     r"\pdfrefobj\pdflastobj"),
    ("pdflatex", "input-home", r"\input{~/secret}"),
    ("pdflatex", "openin-environ", r"\newread\r\openin\r=/proc/self/environ \ifeof\r ABSENT"
                                   r"\else\read\r to\x \detokenize\expandafter{\x}\fi"),
    ("xelatex", "fstream-environ", r"\special{pdf:fstream @e (/proc/self/environ)}"
                                   r"\special{pdf:put @catalog <</Env @e>>}"),
    ("xelatex", "fstream-mountinfo", r"\special{pdf:fstream @m (/proc/self/mountinfo)}"
                                     r"\special{pdf:put @catalog <</Mnt @m>>}"),
    ("xelatex", "input-home", r"\input{~/secret}"),
]

MOUNT_TABLE_LINE = re.compile(rb"^\d+ \d+ \d+:\d+ /\S* /", re.M)  # '25 1 0:30 / /usr ...'
DOCUMENT = ("\\documentclass{spotlight}\n\\endofdump\n\\begin{document}\nStart.\n%s\n"
            "\\end{document}\n")


@pytest.fixture(scope="module")
def formats(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("formats")


@pytest.fixture
def secrets(tmp_path, monkeypatch) -> Path:
    """A secret in the environment and one in a fake $HOME; returns that HOME."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "secret.tex").write_text(HOME_SECRET + "\n")
    monkeypatch.setenv("SPOTLIGHT_TEST_TOKEN", SECRET)
    monkeypatch.setenv("HOME", str(home))
    return home


def typeset(engine: str, body: str, work: Path, formats: Path):
    """The wrapper's answer: the PDF, or the error it raised."""
    work.mkdir()
    source = work / "doc.tex"
    source.write_text(DOCUMENT % body)
    try:
        return tex.typeset(source, body, style_dir=STYLES / "spotlight", budget=BUDGET,
                           formats=formats, engine=engine).pdf
    except LatexError as error:
        return error


def every_byte(pdf: Path) -> bytes:
    """The file and every stream in it, decompressed."""
    data = pdf.read_bytes()
    with pikepdf.open(pdf) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    data += obj.read_bytes()
                except pikepdf.PdfError:
                    data += obj.read_raw_bytes()
    return data


@pytest.mark.parametrize("engine, name, route", ROUTES, ids=[f"{e}-{n}" for e, n, _ in ROUTES])
def test_no_route_reads_a_secret(engine, name, route, secrets, tmp_path, formats):
    work = tmp_path / "work"
    outcome = typeset(engine, route, work, formats)
    seen = (work / "doc.log").read_bytes()
    if isinstance(outcome, LatexError):
        seen += outcome.message.encode()
    else:
        seen += every_byte(outcome)
    for secret in (SECRET, HOME_SECRET, str(tmp_path)):
        assert secret.encode() not in seen, (name, secret)
    assert not MOUNT_TABLE_LINE.search(seen), name                # no host mount table
    assert not (work / confine.HOME / "texmf-var").exists()   # kpathsea made nothing


def test_the_environment_is_the_wrappers_alone(secrets, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for sandbox in (True, False):
        shown = confine.run(["env"], work, budget=BUDGET, what="env", sandbox=sandbox).stdout
        names = {line.split("=", 1)[0] for line in shown.splitlines()}
        inside = bwrap.INSIDE if sandbox else str(work)
        assert names - {"PWD"} == set(confine.environment(inside)), sandbox  # bwrap sets PWD
        assert SECRET not in shown and str(secrets) not in shown
        assert f"HOME={inside}/{confine.HOME}" in shown and "MKTEXPK=0" in shown


def test_the_sandbox_shows_no_proc_and_no_host_path(tmp_path):
    work = tmp_path / "work"
    work.mkdir()

    def inside(*argv: str):
        return confine.run(list(argv), work, budget=BUDGET, what=argv[0], sandbox=True)

    for private in ("/proc/self/environ", "/proc/self/mountinfo", "/proc/1/environ"):
        result = inside("cat", private)
        assert result.returncode != 0 and result.stdout == "", private
    assert inside("pwd").stdout.strip() == "/work"
    top = set(inside("ls", "/").stdout.split())
    assert top <= {"bin", "dev", "etc", "lib", "lib64", "tmp", "usr", "var", "work"}, top
    assert str(tmp_path) not in inside("ls", "-la", "/work", "/tmp", "/dev").stdout


@pytest.mark.parametrize("engine", ["pdflatex", "xelatex"])
def test_a_font_that_needs_metafont_makes_nothing(engine, secrets, tmp_path, formats):
    work = tmp_path / "work"
    outcome = typeset(engine, r"\font\x=ecbx1000 at 300pt \x A", work, formats)
    log = (work / "doc.log").read_text(errors="replace")
    assert "mktexpk" not in log and "mktexpk" not in str(outcome)
    assert sorted(p.name for p in secrets.iterdir()) == ["secret.tex"]   # HOME untouched
    assert not (work / confine.HOME / "texmf-var").exists()
    assert not list(work.rglob("*pk"))
    if engine == "pdflatex":
        assert isinstance(outcome, LatexError) and "ecbx1000" in outcome.message


def test_through_the_command_line_the_environment_stays_out(tmp_path):
    """build.py with allow_raw_latex and a secret in its environment: the route
    fails inside the sandbox, and no file of the build holds the secret."""
    project = OneArticleProject(tmp_path, FRONT_MATTER + "\n## Leak\n\n```{=latex}\n"
                                + ROUTES[0][2] + "\n```\n\nText.\n")
    project.write(issue=ONE_ARTICLE_ISSUE + "allow_raw_latex: true\n")
    result = project.build_article(env={**os.environ, "SPOTLIGHT_TEST_TOKEN": SECRET})
    assert result.returncode == 5, result.stderr
    assert "/proc/self/environ not found" in result.stderr and "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr
    kept = list(project.build.rglob("*.log"))
    assert kept and all(SECRET.encode() not in path.read_bytes()
                        for path in project.build.rglob("*") if path.is_file())
