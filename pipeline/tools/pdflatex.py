"""pdfLaTeX: one confined pass over the precompiled house preamble."""
from __future__ import annotations

from pathlib import Path

from .. import texlog
from ..runner import Budget
from . import texrun
from .latexformat import raise_if_stale


def compile(tex: Path, *, fmt: Path, budget: Budget) -> Path:
    """One pdfLaTeX pass over tex in its own folder; return the PDF.
    Raises FormatStale when the format must be made again."""
    result = texrun.run(["pdflatex", f"-fmt={fmt.stem}", "-interaction=nonstopmode",
                         "-halt-on-error", "-file-line-error", "-no-shell-escape", tex.name],
                        tex.parent, budget=budget, what="pdfLaTeX", fmt=fmt)
    raise_if_stale(tex.with_suffix(".log"), result.stdout, fmt)
    pdf = tex.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise texlog.first_error(tex.with_suffix(".log"), tex.name)
    return pdf
