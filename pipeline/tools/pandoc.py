"""Pandoc, as shipped by pypandoc-binary: Markdown to LaTeX with our defaults;
Word/OpenDocument files to Markdown (the import); bibliographies to CSL JSON."""
from __future__ import annotations

import importlib.util
import json
import re
import shutil
from functools import cache
from pathlib import Path

from ..errors import BuildFailed, InputError, LimitReached, Location, PipelineError, ToolMissing
from ..runner import Budget, run


@cache
def pandoc_path() -> str:
    """The pinned binary inside pypandoc-binary (found without importing
    pypandoc, which pulls in urllib and costs 0.13 s), else one on PATH."""
    spec = importlib.util.find_spec("pypandoc")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / "files" / "pandoc"
            if candidate.is_file():
                return str(candidate)
    found = shutil.which("pandoc")
    if not found:
        raise ToolMissing("Pandoc is not installed",
                          hint="run 'make setup', which installs pypandoc-binary into .venv")
    return found


@cache
def version() -> str:
    """'pandoc 3.9' (the first line of --version: the rest names the user's
    data folder), probed once per process; '' if Pandoc is missing."""
    try:
        result = run([pandoc_path(), "--version"], cwd=Path("/"),
                     budget=Budget(seconds=30, memory_mb=None), what="Pandoc --version")
    except PipelineError:
        return ""
    return result.stdout.partition("\n")[0].strip() if result.returncode == 0 else ""


def to_latex(source: Path, output: Path, *, defaults: list[Path], metadata: Path,
             cwd: Path, budget: Budget, manuscript: Path) -> list[str]:
    """Convert source to LaTeX; return Pandoc's warnings. `manuscript` names
    the author's file in messages (source holds its body, line for line)."""
    argv = [pandoc_path(), "+RTS", f"-M{budget.memory_mb or Budget.memory_mb}m", "-RTS"]
    for layer in defaults:
        argv += ["--defaults", str(layer)]
    argv += ["--metadata-file", str(metadata), "--output", str(output), str(source)]
    try:
        result = run(argv, cwd=cwd, budget=Budget(budget.seconds, None, budget.output_mb),
                     what="Pandoc")
    except LimitReached as error:
        error.where = Location(manuscript)
        raise
    if result.returncode != 0:
        raise _error(result.stderr, manuscript, source)
    return [line for line in result.stderr.splitlines() if line.startswith("[WARNING]")]


def _error(stderr: str, manuscript: Path, source: Path) -> PipelineError:
    stderr = stderr.split("stack traceback:", 1)[0]  # a Lua error's message comes first
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    message = lines[-1] if lines else "Pandoc failed without a message"
    # A filter's error() arrives as '/path/filter.lua:12: message'.
    message = re.sub(r"^\S+\.lua:\d+:\s*", "", message)
    line, column = _place_of_quote(message, source, manuscript)
    position = re.search(r"line (\d+)(?:,? column (\d+))?", stderr)
    if line is None and position:
        line = int(position.group(1))
    # Our filters refuse what the manuscript says (a '#' heading, an unsafe
    # image, a note in a note): the author's to fix, like a front-matter error.
    kind = InputError if "Error running filter" in stderr else BuildFailed
    return kind(message, where=Location(manuscript, line, column),
                hint="correct the manuscript at that place and build again")


def _place_of_quote(message: str, *files: Path) -> tuple[int | None, int | None]:
    """Line and column of the first "quoted" part of a message in the first of
    files that holds it: the body Pandoc read, else the manuscript itself (a
    front-matter field), where a double-quoted YAML value doubles backslashes."""
    quoted = re.search(r'"([^"]{3,})"', message)
    if not quoted:
        return None, None
    needle = quoted.group(1)[:40]
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeError):
            continue
        for written in (needle, needle.replace("\\", "\\\\")):
            for number, text in enumerate(lines, start=1):
                if written in text:
                    return number, text.index(written) + 1
    return None, None


def read_office(source: Path, reader: str, *, media: Path, changes: str, lua_filter: Path,
                metadata: Path, cwd: Path, budget: Budget, manuscript: Path) -> dict:
    """A .docx/.odt as Pandoc's JSON AST, images extracted under media, lua_filter
    applied; `manuscript` names the author's file in messages."""
    argv = [pandoc_path(), "+RTS", f"-M{budget.memory_mb or Budget.memory_mb}m", "-RTS", "--sandbox",
            "--from", reader, "--to", "json", f"--track-changes={changes}",
            "--extract-media", str(media), "--lua-filter", str(lua_filter),
            "--metadata-file", str(metadata), str(source)]
    return json.loads(_convert(argv, manuscript, cwd, budget))


def write_markdown(document: dict, *, cwd: Path, budget: Budget, manuscript: Path) -> str:
    """Pandoc's JSON AST as the house Markdown: typed quotes and dashes kept,
    pipe tables where the cells allow, grid tables otherwise."""
    argv = [pandoc_path(), "--sandbox", "--from", "json", "--to",
            "markdown-smart-simple_tables-multiline_tables-raw_html-raw_attribute"
            "-native_divs-native_spans-header_attributes",
            "--columns", "78"]
    return _convert(argv, manuscript, cwd, budget, stdin=json.dumps(document))


def _convert(argv: list[str], source: Path, cwd: Path, budget: Budget,
             stdin: str | None = None) -> str:
    try:
        result = run(argv, cwd=cwd, budget=Budget(budget.seconds, None, budget.output_mb),
                     stdin=stdin, what="Pandoc")
    except LimitReached as error:
        error.where = Location(source)
        raise
    if result.returncode != 0:
        message = result.stderr.split("stack traceback:", 1)[0].strip().splitlines()
        raise InputError(f"Pandoc cannot read it: {message[-1] if message else 'no message'}",
                         where=Location(source),
                         hint="open it in the word processor, save it again and retry")
    return result.stdout


def bibliography_entries(path: Path, budget: Budget) -> list[dict]:
    """A BibTeX/BibLaTeX file's entries as CSL JSON items."""
    reader = "bibtex" if path.suffix.lower() == ".bibtex" else "biblatex"
    argv = [pandoc_path(), "--sandbox", "--from", reader, "--to", "csljson", str(path)]
    return json.loads(_convert(argv, path, path.parent, budget))


def to_jats(source: Path, output: Path, **options) -> list[str]:
    """Convert source to JATS: as to_latex, with a defaults file that asks
    for the jats_publishing writer (templates/jats.yaml)."""
    return to_latex(source, output, **options)
