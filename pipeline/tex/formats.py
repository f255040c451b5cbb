"""The precompiled preamble (mylatexformat).

The house class and its packages are dumped once per engine into a format
kept in the build cache, keyed by the content of the style folder and of
the shared LaTeX package (paths.SHARED_LATEX), and by the engine's version
(an upgraded TeX makes its own); every run then starts from it (pdfLaTeX
0.35 -> 0.2 s; XeLaTeX 0.8 -> 0.4 s of CPU). XeTeX cannot dump OpenType
fonts: the class loads them per run. The dump runs confined like every TeX
run (confine.py).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from ..paths import SHARED_LATEX
from ..runner import Budget
from . import confine, log

_STALE = ("Fatal format file error", "---! ", "I can't find the format file",
          "made by different executable")


class FormatStale(Exception):
    """The cached format was made by another TeX (an upgrade): make it again."""


_INI = {"pdflatex": "pdftex", "xelatex": "xetex"}


def format_for(style_dir: Path, cache_dir: Path, budget: Budget, rebuild: bool = False,
               engine: str = "pdflatex", identity: str = "") -> Path:
    """The cached format of the class's preamble for engine, made if missing;
    identity: what the engine's --version says (engine.identity)."""
    class_name = style_dir.name
    fmt = format_path(style_dir, cache_dir, engine, identity)
    if fmt.exists() and not rebuild:
        return fmt
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as scratch:
        work = Path(scratch)
        copy_style(style_dir, work)
        (work / "preamble.tex").write_text(
            f"\\documentclass{{{class_name}}}\n\\endofdump\n\\begin{{document}}\n\\end{{document}}\n")
        result = confine.run([_INI[engine], "-ini", "-interaction=nonstopmode", "-halt-on-error",
                              f"-jobname={fmt.stem}", f"&{engine}", "mylatexformat.ltx",
                              "preamble.tex"], work, budget=budget,
                             what=f"{_INI[engine]} (format)")
        made = work / fmt.name
        if result.returncode != 0 or not made.exists():
            raise log.first_error(log.keep_log(work / f"{fmt.stem}.log", fmt.with_suffix(".log")),
                                  "preamble.tex")
        os.replace(made, fmt)
    return fmt


def format_path(style_dir: Path, cache_dir: Path, engine: str, identity: str) -> Path:
    """Where the format is cached: named by the style, the engine, and a digest
    of the style folder's files, the shared LaTeX package and the engine's identity."""
    digest = hashlib.sha256(identity.encode())
    for path in [*sorted(style_dir.rglob("*")), *sorted(SHARED_LATEX.iterdir())]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return cache_dir / f"{style_dir.name}-{engine}-{digest.hexdigest()[:16]}.fmt"


def copy_style(style_dir: Path, work: Path) -> None:
    """The style's files and the shared LaTeX package (never links) into a TeX
    working folder."""
    for path in [*SHARED_LATEX.iterdir(), *style_dir.iterdir()]:
        if path.is_file() and not path.is_symlink():
            shutil.copyfile(path, work / path.name)


def raise_if_stale(tex_log: Path, stdout: str, fmt: Path) -> None:
    if any(marker in log.read(tex_log) + stdout for marker in _STALE):
        raise FormatStale(str(fmt))
