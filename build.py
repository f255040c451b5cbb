#!/usr/bin/env python3
"""Typeset the journals of the pipeline, each in its house style: see `python build.py --help`.

Started by any Python, it runs in the project's own environment (.venv,
made by `make setup`), so `python build.py ...` works as the README says."""
import os
import sys
from pathlib import Path

VENV_PYTHON = Path(__file__).resolve().parent / ".venv" / "bin" / "python"


def _in_project_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV_PYTHON.parent.parent.resolve()


if __name__ == "__main__" and VENV_PYTHON.exists() and not _in_project_venv():
    os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])

from pipeline.cli import main  # noqa: E402  (after the switch to the project's Python)

if __name__ == "__main__":
    sys.exit(main())
