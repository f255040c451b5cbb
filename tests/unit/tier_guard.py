"""What the unit tier refuses to start (tests/unit/conftest.py applies it)."""
from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path

# Pandoc, the TeX engines and their helpers, and build.py (which would start them).
FORBIDDEN = {"pandoc", "pdflatex", "xelatex", "lualatex", "pdftex", "xetex", "luatex", "tex",
             "latex", "mktexfmt", "fmtutil", "kpsewhich", "build.py"}


def forbidden_in(args) -> str | None:
    """The forbidden program an argv names (anywhere: bwrap or python may come first)."""
    argv = [args] if isinstance(args, (str, bytes, Path)) else list(args)
    for part in argv:
        name = Path(str(part)).name
        if name in FORBIDDEN:
            return name
    return None


@contextmanager
def refusing_slow_programs(started: list[str]):
    """subprocess.Popen (so runner.run and subprocess.run too) refuses the FORBIDDEN."""
    real = subprocess.Popen

    class Guarded(real):
        def __init__(self, args, *more, **options):
            program = forbidden_in(args)
            if program:
                started.append(program)
                raise RuntimeError(f"a unit test started {program}: it belongs in tests/, "
                                   "not tests/unit/")
            super().__init__(args, *more, **options)

    subprocess.Popen = Guarded
    try:
        yield
    finally:
        subprocess.Popen = real
