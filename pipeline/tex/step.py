"""The TeX step: a .tex file to a PDF, with every pass LaTeX asks for.

The engine is the one the text needs (the choice and its data: engines.py);
either starts from the precompiled house preamble (formats.py), made again
when TeX or the style changed. After each pass the log says whether LaTeX
needs another (longtable widths, labels, "Rerun to get..."); a glyph no font
has stops the build, and so does a table wider than the text block. The .aux
of the same document built before (aux_cache) lets it settle in one pass.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import engines
from ..style import load_style
from ..runner import Budget
from . import engine as engine_program
from . import formats as precompiled
from . import log as texlog
from .log import LatexError, Overfull

log = logging.getLogger(__name__)

PASSES = 4  # the most LaTeX needs in practice (tables, then labels, then pages)

# \newlabel{name}{{number}{page}...: the page field, shifted when an .aux is reused.
_LABEL_PAGE = re.compile(r"^(\\newlabel\{[^{}]*\}\{\{(?:[^{}]|\{[^{}]*\})*\}\{)(\d+)\}", re.M)


@dataclass(frozen=True)
class TexOutput:
    """What the TeX step made: the PDF, the engine that made it, its log (in
    the scratch folder: keep_log keeps it) and the lines that run into the margin."""

    pdf: Path
    engine: str                       # 'pdflatex' or 'xelatex'
    log: Path
    overfull: tuple[Overfull, ...]


def typeset(tex: Path, text: str, *, style_dir: Path, budget: Budget, formats: Path,
            raw_latex: bool = False, aux_cache: Path | None = None, first_page: int = 1,
            engine: str | None = None, stage=lambda name: None) -> TexOutput:
    """tex -> PDF, as many passes as needed, with the engine text needs (or engine).

    text: what gets printed (the engine is chosen from its characters).
    raw_latex: the document may hold an author's own LaTeX (trust LaTeX's
    every request for a pass, see log.rerun_reason).
    aux_cache: where the .aux of this document is kept between builds, its
    page numbers as if it began on page 1; first_page: where it begins now.
    stage(name) is told the engine's name as it starts."""
    engine = engine or engines.engine_for_text(text, load_style(style_dir))
    stage(engines.NAMES[engine])
    if aux_cache:
        _carry_aux(aux_cache, tex.with_suffix(".aux"), first_page - 1)
    pdf = _passes(engine, tex, style_dir, budget, formats, raw_latex)
    if aux_cache:
        _carry_aux(tex.with_suffix(".aux"), aux_cache, 1 - first_page)
    tex_log = tex.with_suffix(".log")
    return TexOutput(pdf, engine, tex_log, tuple(texlog.overfull_lines(tex_log)))


def _passes(engine: str, tex: Path, style_dir: Path, budget: Budget, formats: Path,
            raw_latex: bool) -> Path:
    one_pass = _engine_pass(engine, style_dir, budget, formats)
    tex_log = tex.with_suffix(".log")
    aux_was_read = tex.with_suffix(".aux").exists()
    for number in range(1, PASSES + 1):
        pdf = one_pass(tex)
        missing = texlog.missing_glyphs(tex_log)
        if missing:
            raise missing
        reason = texlog.rerun_reason(tex_log, aux_was_read or raw_latex)
        log.debug("%s: pass %d (%s .aux): %s", tex.parent.name, number,
                  "with" if aux_was_read else "without", reason or "settled")
        if reason is None:
            _refuse_wide_tables(tex, tex_log)
            return pdf
        aux_was_read = True
    raise LatexError(f"LaTeX still asks for another pass after {PASSES} passes: {reason}",
                     hint="something in the document changes at every pass (a table or "
                          "a reference near a page break); change the text there",
                     log=tex_log)


def _refuse_wide_tables(tex: Path, tex_log: Path) -> None:
    """A table wider than the text block, or a cell wider than its column, is an error."""
    lines = tex.read_text(encoding="utf-8", errors="replace").split("\n")
    tables, start = [], None
    for number, line in enumerate(lines, start=1):
        if line.startswith("\\begin{longtable}"):
            start = number
        elif line.startswith("\\end{longtable}") and start:
            tables.append(range(start, number + 1))
    for overfull in texlog.overfull_lines(tex_log):
        if any(overfull.tex_line in table for table in tables):
            raise LatexError(
                f"a table runs {overfull.points:.1f} pt wider than the text block or one of "
                f"its columns", tex_line=overfull.tex_line, log=tex_log,
                hint="shorten the widest cells, or give their column a larger share of the "
                     "width: in a pipe table each column's share is its number of dashes in "
                     "the |---| line (Pandoc wraps the cells once a line of the table is longer "
                     "than 72 characters)")


def _engine_pass(engine: str, style_dir: Path, budget: Budget, formats: Path):
    """One pass of engine from the precompiled preamble, making the format
    (again) when it is missing or stale."""
    identity = engine_program.identity(engine)
    fmt = precompiled.format_for(style_dir, formats, budget, engine=engine, identity=identity)

    def one_pass(tex: Path) -> Path:
        nonlocal fmt
        try:
            return engine_program.compile(engine, tex, style_dir=style_dir, fmt=fmt, budget=budget)
        except precompiled.FormatStale:
            fmt = precompiled.format_for(style_dir, formats, budget, rebuild=True, engine=engine,
                                         identity=identity)
            return engine_program.compile(engine, tex, style_dir=style_dir, fmt=fmt, budget=budget)
    return one_pass


def _carry_aux(source: Path, target: Path, shift: int) -> None:
    """Copy an .aux file, its labels' page numbers moved by shift, if source exists.

    The cache keeps an article's .aux with page numbers as if it began on
    page 1, so that the same article on other pages still settles in one pass."""
    if not source.exists():
        return
    text = source.read_text(encoding="utf-8", errors="surrogateescape")
    text = _LABEL_PAGE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + shift}}}", text)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", errors="surrogateescape",
                                     dir=target.parent, delete=False) as temporary:
        temporary.write(text)
    os.replace(temporary.name, target)
