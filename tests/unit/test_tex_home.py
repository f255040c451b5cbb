"""The TeX step's home (pipeline/tex/) without running TeX: its error's
declared fields, the log reader on real logs kept under data/ (see
data/README), the version probe run once per process, and the keys that
change when a tool's version does."""
from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from pipeline import errors, issue, metadata, tex
from pipeline.errors import BuildFailed, LimitReached, PipelineError
from pipeline.model import load_article, load_issue
from pipeline.paths import MANUSCRIPT, ROOT, STYLES
from pipeline.runner import Result
from pipeline.tex import engine, formats, log
from pipeline.tools import pandoc

DATA = Path(__file__).parent / "data"


# ------------------------------------------------------------------ LatexError
def test_latex_error_declares_its_fields():
    hints = typing.get_type_hints(tex.LatexError)
    assert {"tex_file", "tex_line", "message", "where", "hint", "log"} <= set(hints)
    error = tex.LatexError("Undefined control sequence.", tex_file="article.tex", tex_line=6,
                           hint="correct it", log=Path("x.log"))
    assert (error.tex_file, error.tex_line, error.hint, error.log) == \
        ("article.tex", 6, "correct it", Path("x.log"))
    assert isinstance(error, BuildFailed) and error.exit_code == errors.ExitCode.BUILD
    bare = tex.LatexError("TeX stopped")
    assert (bare.tex_file, bare.tex_line, bare.log, bare.where) == (None, None, None, None)


def test_no_error_field_is_reached_by_name():
    """No getattr/setattr/hasattr of an error field anywhere in the pipeline:
    every field the pipeline's errors carry is declared on their classes."""
    fields = set(typing.get_type_hints(tex.LatexError))
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in \
                    ("getattr", "setattr", "hasattr") and len(node.args) > 1:
                name = node.args[1]
                assert not (isinstance(name, ast.Constant) and name.value in fields), \
                    f"{path.name}:{node.lineno}: {ast.unparse(node)}"


# -------------------------------------------------------------- the log reader
def test_first_error_names_the_tex_line():
    error = log.first_error(DATA / "undefined-command.log", "article.tex")
    assert isinstance(error, tex.LatexError)
    assert error.message == "Undefined control sequence."
    assert (error.tex_file, error.tex_line) == ("article.tex", 6)
    assert error.log == DATA / "undefined-command.log" and error.hint


def test_first_error_gathers_a_package_error_and_advises():
    error = log.first_error(DATA / "file-not-found.log", "article.tex")
    assert "File `figures/absent.png' not found" in error.message
    assert error.hint == "put the file into the issue folder and refer to it by a relative path"


def test_the_page_limit_is_a_limit_not_a_build_failure():
    error = log.first_error(DATA / "page-limit.log", "article.tex")
    assert isinstance(error, LimitReached) and not isinstance(error, BuildFailed)
    assert "Page limit (limits.pages) reached: more than 1 pages" in error.message
    assert "limits.pages" in error.hint


def test_a_log_that_is_gone_is_still_an_error_with_a_message():
    error = log.first_error(None, "preamble.tex")
    assert error.message == "TeX stopped without an error message" and error.log is None


def test_missing_glyph_names_the_character_and_code_point():
    error = log.missing_glyphs(DATA / "missing-glyph.log")
    assert "\U00012000 (U+12000)" in error.message and "TeX Gyre Termes" in error.message
    assert log.missing_glyphs(DATA / "overfull.log") is None
    assert log.missing_characters(DATA / "missing-glyph.log")[0][:2] == ("\U00012000", "12000")


def test_rerun_reason_after_a_first_pass_and_none_once_settled():
    reason = log.rerun_reason(DATA / "rerun-first-pass.log", labels_were_read=False)
    assert reason == "LaTeX Warning: Label(s) may have changed. Rerun to get cross-references right."
    assert log.rerun_reason(DATA / "rerun-settled.log", labels_were_read=True) is None


def test_overfull_lines_with_their_tex_line_and_words():
    assert [(round(o.points, 2), o.tex_line) for o in log.overfull_lines(DATA / "overfull.log")] \
        == [(467.32, 4)]
    detail, = log.overfull_details(DATA / "overfull.log")
    assert detail.page == 1 and detail.words[0] == "Text" and detail.words[1].startswith("xxxx")


def test_keep_log_copies_whole_or_not_at_all(tmp_path):
    dest = tmp_path / "logs" / "article.log"
    assert tex.keep_log(DATA / "overfull.log", dest) == dest
    assert dest.read_bytes() == (DATA / "overfull.log").read_bytes()
    assert tex.keep_log(tmp_path / "absent.log", tmp_path / "other.log") is None
    assert tex.keep_log(None, tmp_path / "other.log") is None
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["article.log", "logs"]  # no temporary


# ---------------------------------------------------------------- the probe
FAKE_VERSIONS = {"pdftex": "pdfTeX 3.1-fake (TeX Live 2099)\nkpathsea version 9",
                 "xetex": "XeTeX 3.1-fake-0.9 (TeX Live 2099)\nHarfBuzz 99",
                 "xdvipdfmx": "This is xdvipdfmx Version 20990101"}


PROBES = (engine.probe, pandoc.version)  # the cached functions (tests replace them)


@pytest.fixture
def fresh_probes():
    """The probes' caches emptied before and after (another test may have probed)."""
    for probe in PROBES:
        probe.cache_clear()
    yield
    for probe in PROBES:
        probe.cache_clear()


def test_each_tool_is_probed_once_per_process(monkeypatch, fresh_probes):
    started = []

    def fake_run(argv, **options):
        started.append(Path(argv[0]).name)
        return Result(argv, 0, FAKE_VERSIONS.get(Path(argv[0]).name, "pandoc 9.9\nFeatures: x"),
                      "", 0.001)
    monkeypatch.setattr(engine, "run", fake_run)
    monkeypatch.setattr(pandoc, "run", fake_run)
    monkeypatch.setattr(pandoc, "pandoc_path", lambda: "/opt/pandoc")
    for _ in range(3):
        versions = issue.tool_versions()
        assert tex.version("xelatex") == "XeTeX 3.1-fake-0.9 (TeX Live 2099)"
        assert tex.version("pdflatex") == "pdfTeX 3.1-fake (TeX Live 2099)"
    assert sorted(started) == ["pandoc", "pdftex", "xdvipdfmx", "xetex"]
    assert versions[0] == "pandoc 9.9"                        # the first line alone
    assert "HarfBuzz 99" in versions[2] and "xdvipdfmx" in versions[2]  # the whole output


def test_a_missing_tool_probes_as_empty(monkeypatch, fresh_probes):
    def missing(argv, **options):
        raise errors.ToolMissing(f"'{argv[0]}' is not installed")
    monkeypatch.setattr(engine, "run", missing)
    assert tex.version("pdflatex") == "" and tex.identity("xelatex") == "\n"


def test_the_producer_names_only_the_engines_that_made_the_pages(monkeypatch, fresh_probes):
    monkeypatch.setattr(engine, "probe", lambda program: FAKE_VERSIONS[program])
    xelatex = metadata.producer({"xelatex"})
    assert xelatex.startswith("XeTeX 3.1-fake-0.9 (TeX Live 2099); pikepdf ")
    assert "pdfTeX" not in xelatex and xelatex.endswith(metadata.TOOL)
    assert metadata.producer({"pdflatex", "xelatex"}).startswith(
        "pdfTeX 3.1-fake (TeX Live 2099); XeTeX 3.1-fake-0.9 (TeX Live 2099); pikepdf ")


# ---------------------------------------------------------------- the keys
def _content_key() -> str:
    issue_data = load_issue(MANUSCRIPT / "2022-06")
    article = load_article(issue_data.articles[0], issue_data)
    shared = issue._shared_digest(ROOT / "templates", STYLES / issue_data.style, ROOT / "pipeline")
    return issue.content_key(article, shared, figures="")


def test_a_new_tool_version_changes_the_content_key(monkeypatch, fresh_probes):
    monkeypatch.setattr(pandoc, "version", lambda: "pandoc 9.9")
    monkeypatch.setattr(engine, "probe", lambda program: FAKE_VERSIONS[program])
    before = _content_key()
    assert _content_key() == before                            # stable while nothing changes
    upgraded = dict(FAKE_VERSIONS, xetex=FAKE_VERSIONS["xetex"].replace("HarfBuzz 99", "HarfBuzz 100"))
    monkeypatch.setattr(engine, "probe", lambda program: upgraded[program])
    assert _content_key() != before
    monkeypatch.setattr(engine, "probe", lambda program: FAKE_VERSIONS[program])
    monkeypatch.setattr(pandoc, "version", lambda: "pandoc 10.0")
    assert _content_key() != before


def test_a_new_engine_version_names_another_format(tmp_path):
    style = STYLES / "spotlight"
    old = formats.format_path(style, tmp_path, "xelatex", FAKE_VERSIONS["xetex"])
    assert formats.format_path(style, tmp_path, "xelatex", FAKE_VERSIONS["xetex"]) == old
    assert formats.format_path(style, tmp_path, "xelatex", "XeTeX 3.2") != old
    assert formats.format_path(style, tmp_path, "pdflatex", FAKE_VERSIONS["xetex"]) != old


# ---------------------------------------------------------------- exit codes
def test_no_literal_exit_code_in_the_pipeline():
    """Exit codes come from errors.ExitCode (and INTERNAL_ERROR): no number
    is assigned to exit_code, returned by cli, or passed to sys.exit."""
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and any(
                    getattr(t, "id", getattr(t, "attr", "")) == "exit_code" for t in node.targets):
                assert not isinstance(node.value, ast.Constant), f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("sys.exit", "exit"):
                assert not (node.args and isinstance(node.args[0], ast.Constant)), \
                    f"{path.name}:{node.lineno}"
    cli_source = ast.parse((ROOT / "pipeline" / "cli.py").read_text(encoding="utf-8"))
    returned = [node.value.value for node in ast.walk(cli_source)
                if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, int) and not isinstance(node.value.value, bool)]
    assert returned == [], returned
    assert errors.INTERNAL_ERROR not in set(errors.ExitCode)
    assert f"  {errors.INTERNAL_ERROR:<3} internal error" in errors.help_table()
    assert issubclass(tex.LatexError, PipelineError)
