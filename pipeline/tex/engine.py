"""The two TeX engines: one confined pass over the precompiled house
preamble, and what each engine is (its version, probed once per run).

XeLaTeX embeds images from anywhere despite openin_any=p, so it runs only
under bubblewrap (confine.py), with a copy of the class in its folder.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from ..engines import NAMES
from ..errors import PipelineError, ToolMissing
from ..runner import Budget, run
from ..tools import bwrap
from . import confine, log
from .formats import copy_style, raise_if_stale

# The programs behind each engine, the first one named in a PDF's Producer.
PROGRAMS = {"pdflatex": ("pdftex",), "xelatex": ("xetex", "xdvipdfmx")}
_PROBE = Budget(seconds=30, memory_mb=None)


def compile(engine: str, tex: Path, *, style_dir: Path, fmt: Path, budget: Budget) -> Path:
    """One pass of engine over tex in its own folder, from the precompiled
    preamble fmt; return the PDF. Raises FormatStale when the format must be
    made again, a LatexError (or LimitReached) when TeX stopped."""
    sandbox = True if engine == "xelatex" else None  # pdfLaTeX: where bubblewrap is
    if engine == "xelatex":
        if not bwrap.available():
            raise ToolMissing("XeLaTeX runs only inside bubblewrap, which is not installed",
                              hint="install the Debian package bubblewrap ('make setup')")
        copy_style(style_dir, tex.parent)
    result = confine.run([engine, f"-fmt={fmt.stem}", "-interaction=nonstopmode",
                          "-halt-on-error", "-file-line-error", "-no-shell-escape", tex.name],
                         tex.parent, budget=budget, what=NAMES[engine], fmt=fmt, sandbox=sandbox)
    raise_if_stale(tex.with_suffix(".log"), result.stdout, fmt)
    pdf = tex.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise log.first_error(tex.with_suffix(".log"), tex.name, driver=result.stderr)
    return pdf


def version(engine: str) -> str:
    """The engine as a PDF's Producer names it: 'XeTeX 3.141592653-2.6-0.999994
    (TeX Live 2022/Debian)'; '' if it is not installed."""
    return probe(PROGRAMS[engine][0]).partition("\n")[0]


def identity(engine: str) -> str:
    """Everything --version says of the engine's programs (with the libraries
    they use: HarfBuzz, ICU, FreeType, libpng...): an upgrade of any changes it."""
    return "\n".join(probe(program) for program in PROGRAMS[engine])


@cache
def probe(program: str) -> str:
    """`program --version`, run once per process (about 5 ms each); '' if the
    program is missing or fails. Run as every TeX run finds it (bwrap.PATH)."""
    try:
        result = run([program, "--version"], cwd=Path("/"), env={"PATH": bwrap.PATH},
                     budget=_PROBE, what=f"{program} --version")
    except PipelineError:
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""
