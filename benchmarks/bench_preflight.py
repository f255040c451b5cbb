"""The preflight and the round diff of the sample issue (manuscript/2022-06):
  source preflight (`build.py check`, no TeX): in process       target <= 0.5 s
      and as a command, with Python's start and the report written
  diff of two rounds (one sentence changed in one article)     target <= 3 s
The two rounds are laid out from two final builds (tests/helpers.make_round),
in the form `build.py proof` writes them."""
from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from helpers import ROUND_EDIT, make_round  # noqa: E402
from pipeline import diff, preflight, report  # noqa: E402
from pipeline.issue import build_issue  # noqa: E402
from pipeline.paths import BuildDirs  # noqa: E402


def best_of(action, times: int = 5) -> tuple[float, float]:
    """(median, best) seconds of action."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent), min(spent)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        issue = scratch / "2022-06"
        shutil.copytree(ROOT / "manuscript" / "2022-06", issue)
        dirs = BuildDirs(scratch / "build")

        median, best = best_of(lambda: report.write(preflight.run(issue, dirs),
                                                    dirs.issue("2022-06")))
        print(f"source preflight + report, in process:   median {median:.3f} s, best {best:.3f} s"
              f"   (target <= 0.5 s)")
        median, best = best_of(lambda: subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--build-dir", str(dirs.root), "check",
             str(issue)], check=True, capture_output=True), 3)
        print(f"build.py check (Python start included):  median {median:.3f} s, best {best:.3f} s")

        build_issue(issue, dirs, jobs=2)
        make_round(issue, dirs.root, 1, dpi=60)
        manuscript = issue / "sco-summit.md"
        manuscript.write_text(manuscript.read_text(encoding="utf-8").replace(*ROUND_EDIT, 1),
                              encoding="utf-8")
        build_issue(issue, dirs, jobs=2)
        make_round(issue, dirs.root, 2, dpi=60)
        median, best = best_of(lambda: diff.diff_rounds(issue, dirs), 3)
        print(f"diff of two rounds (3 articles, 14 pages): median {median:.3f} s, best {best:.3f} s"
              f"   (target <= 3 s)")


if __name__ == "__main__":
    main()
