"""pdfLaTeX: one confined pass over the precompiled house preamble."""
from __future__ import annotations

from pathlib import Path

from .. import texlog
from ..runner import Budget, run
from .latexformat import confined_env, raise_if_stale


def compile(tex: Path, *, fmt: Path, budget: Budget) -> Path:
    """One pdfLaTeX pass over tex in its own folder; return the PDF.
    Raises FormatStale when the format must be made again."""
    work = tex.parent
    result = run(["pdflatex", f"-fmt={fmt}", "-interaction=nonstopmode", "-halt-on-error",
                  "-file-line-error", "-no-shell-escape", tex.name],
                 cwd=work, env=confined_env(work), budget=budget, what="pdfLaTeX")
    raise_if_stale(tex.with_suffix(".log"), result.stdout, fmt)
    pdf = tex.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise texlog.first_error(tex.with_suffix(".log"), tex.name)
    return pdf
