"""How every TeX program runs: an explicit environment and, where bubblewrap
is installed, a sandbox.

Nothing of the builder's environment reaches TeX (no tokens, no keys):
HOME and TeX's own trees point into the work folder, kpathsea makes no
fonts (mktexpk and friends are off), TeX opens files only in its folder
and its installation (openin_any/openout_any = p) and runs no programs.
Inside bubblewrap the work folder is /work and nothing else of the machine
but the TeX installation and fonts is visible (read-only).
"""
from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import ToolMissing
from ..runner import Budget, Result, run as run_program
from ..tools import bwrap

HOME = ".home"          # in the work folder; nothing should ever be written there
FORMATS = "/formats"    # where a sandboxed run sees the precompiled format


def environment(work: str, formats: str | None = None) -> dict[str, str]:
    """The whole environment of a TeX run whose folder is work (as TeX sees it)."""
    home = f"{work}/{HOME}"
    env = {"PATH": bwrap.PATH, "HOME": home, "TEXMFHOME": f"{home}/texmf",
           "TEXMFVAR": f"{home}/texmf-var", "TEXMFCONFIG": f"{home}/texmf-config",
           "MKTEXPK": "0", "MKTEXTFM": "0", "MKTEXMF": "0", "MKTEXTEX": "0", "MKTEXFMT": "0",
           "openin_any": "p", "openout_any": "p", "shell_escape": "f",
           "TEXINPUTS": ".:", "TEXMFOUTPUT": work,
           "max_print_line": "10000", "error_line": "254", "half_error_line": "238",
           "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    if formats:
        env["TEXFORMATS"] = formats
    return env


def run(argv: list[str], work: Path, *, budget: Budget, what: str, fmt: Path | None = None,
        sandbox: bool | None = None) -> Result:
    """Run a TeX program in work, confined; fmt (a precompiled format) is made
    visible read-only and found by its name (-fmt=<stem>). sandbox: bubblewrap
    or not (default: where it is installed)."""
    if shutil.which(argv[0]) is None or shutil.which(argv[0], path=bwrap.PATH) is None:
        raise ToolMissing(f"'{argv[0]}' is not installed (or not on PATH, or not in /usr/bin, "
                          f"where the pipeline runs TeX from)",
                          hint="run 'make setup' (it installs Debian's TeX Live)")
    if sandbox is None:
        sandbox = bwrap.available()
    if sandbox:
        files = {f"{FORMATS}/{fmt.name}": fmt} if fmt else {}
        argv = bwrap.sandboxed(argv, work, read_only=files)
        env = environment(bwrap.INSIDE, FORMATS if fmt else None)
    else:
        env = environment(str(work), str(fmt.parent) if fmt else None)
    result = run_program(argv, cwd=work, env=env, budget=budget, what=what)
    if sandbox and result.returncode != 0 and result.stderr.startswith("bwrap:"):
        raise ToolMissing(f"bubblewrap cannot make its sandbox here: {result.stderr.strip()}",
                          hint="allow unprivileged user namespaces "
                               "(sysctl kernel.unprivileged_userns_clone=1), or run where they are")
    return result
