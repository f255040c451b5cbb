"""XeLaTeX, for articles pdfLaTeX cannot print exactly; always sandboxed.

XeLaTeX embeds images from anywhere despite openin_any=p, so it runs under
bubblewrap: the TeX installation and fonts read-only, the work folder (with
a copy of the class) writable, nothing else visible, no network."""
from __future__ import annotations

import shutil
from pathlib import Path

from .. import texlog
from ..runner import Budget, run
from . import bwrap
from .latexformat import confined_env, copy_style, raise_if_stale


def compile(tex: Path, *, style_dir: Path, fmt: Path, budget: Budget) -> Path:
    """One XeLaTeX pass over tex in its own folder, from the precompiled
    preamble fmt (copied into the folder, the only one the sandbox shows: a
    copy, not a link, so that the run cannot change the shared format);
    return the PDF. Raises FormatStale when the format must be made again."""
    work = tex.parent
    copy_style(style_dir, work)
    shutil.copyfile(fmt, work / fmt.name)
    argv = bwrap.sandboxed(["xelatex", f"-fmt={fmt.stem}", "-interaction=nonstopmode",
                            "-halt-on-error", "-file-line-error", "-no-shell-escape", tex.name],
                           work)
    env = confined_env(Path(bwrap.INSIDE))
    env["PATH"] = "/usr/bin:/bin"
    result = run(argv, cwd=work, env=env, budget=budget, what="XeLaTeX")
    raise_if_stale(tex.with_suffix(".log"), result.stdout, fmt)
    pdf = tex.with_suffix(".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise texlog.first_error(tex.with_suffix(".log"), tex.name)
    return pdf

