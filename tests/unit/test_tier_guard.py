"""The unit tier's guard: Pandoc and TeX cannot start here, other programs can."""
from __future__ import annotations

import pytest

from pipeline.runner import Budget, run
from .tier_guard import forbidden_in, refusing_slow_programs


@pytest.mark.parametrize("argv, program", [
    (["/venv/pypandoc/files/pandoc", "+RTS", "-M2048m"], "pandoc"),
    (["bwrap", "--unshare-all", "--", "pdflatex", "article.tex"], "pdflatex"),
    (["xelatex", "-ini"], "xelatex"),
    (["/usr/bin/python3", "/project/build.py", "article", "a.md"], "build.py"),
    (["pdftotext", "-layout", "a.pdf", "-"], None),
    ("true", None),
])
def test_forbidden_programs_are_found_anywhere_in_argv(argv, program):
    assert forbidden_in(argv) == program


def test_the_runner_cannot_start_tex_in_a_unit_test(tmp_path):
    started = []
    with refusing_slow_programs(started), pytest.raises(RuntimeError, match="pdflatex"):
        run(["bwrap", "--die-with-parent", "--", "pdflatex", "x.tex"], cwd=tmp_path,
            budget=Budget(seconds=5))
    assert started == ["pdflatex"]


def test_other_programs_still_run(tmp_path):
    started = []
    with refusing_slow_programs(started):
        result = run(["echo", "fast"], cwd=tmp_path, budget=Budget(seconds=5))
    assert (result.returncode, result.stdout, started) == (0, "fast\n", [])
