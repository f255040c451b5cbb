"""XeLaTeX, for articles pdfLaTeX cannot print exactly; always sandboxed.

XeLaTeX embeds images from anywhere despite openin_any=p, so it runs only
under bubblewrap (texrun.py), with a copy of the class in its folder."""
from __future__ import annotations

from pathlib import Path

from .. import texlog
from ..errors import ToolMissing
from ..runner import Budget
from . import bwrap, texrun
from .latexformat import copy_style, raise_if_stale


def compile(tex: Path, *, style_dir: Path, fmt: Path, budget: Budget) -> Path:
    """One XeLaTeX pass over tex in its own folder, from the precompiled
    preamble fmt (visible read-only in the sandbox); return the PDF.
    Raises FormatStale when the format must be made again."""
    if not bwrap.available():
        raise ToolMissing("XeLaTeX runs only inside bubblewrap, which is not installed",
                          hint="install the Debian package bubblewrap ('make setup')")
    copy_style(style_dir, tex.parent)
    result = texrun.run(["xelatex", f"-fmt={fmt.stem}", "-interaction=nonstopmode",
                         "-halt-on-error", "-file-line-error", "-no-shell-escape", tex.name],
                        tex.parent, budget=budget, what="XeLaTeX", fmt=fmt, sandbox=True)
    raise_if_stale(tex.with_suffix(".log"), result.stdout, fmt)
    pdf = tex.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise texlog.first_error(tex.with_suffix(".log"), tex.name, driver=result.stderr)
    return pdf

