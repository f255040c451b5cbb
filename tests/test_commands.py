"""The commands as the README writes them: `python build.py ...` started by
a Python other than the project's own still builds (it switches to .venv)."""
from __future__ import annotations

import shutil
import subprocess

from helpers import BUILD_PY, FRONT_MATTER, ONE_ARTICLE_ISSUE, seed_cache


def test_build_py_started_by_the_system_python_builds_a_pdf(tmp_path, built_sample):
    system_python = shutil.which("python3", path="/usr/bin:/bin")
    folder = tmp_path / "2022-06"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ONE_ARTICLE_ISSUE)
    (folder / "article.md").write_text(FRONT_MATTER + "\n## Introduction\n\nText.\n")
    build = tmp_path / "build"
    seed_cache(build, built_sample.dirs.root)

    done = subprocess.run([system_python, str(BUILD_PY), "--build-dir", str(build),
                           "article", str(folder / "article.md")],
                          capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})

    assert done.returncode == 0, done.stderr
    assert (build / "2022-06" / "articles" / "article.pdf").read_bytes().startswith(b"%PDF-")
