"""A synthetic issue of 8 articles (about 2,000 words and 10 notes each),
measured in one run:
  cold issue build / sum of the 8 articles built one by one   target <= 0.6
  no-op rebuild, seconds                                       target <= 0.3
  rebuild after editing one article / one article's build      target <= 1.5
and one of 50 articles:
  no-op rebuild, by absolute path, relative path and `all`     target <= 0.3
The preamble format is cached in every case (it is built once per style)."""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import EDITOR_ENV, forget_outputs, write_issue  # noqa: E402


def timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), *args], check=True, cwd=ROOT,
                   capture_output=True, env=EDITOR_ENV)
    return time.perf_counter() - started


def noop_of_50() -> None:
    """A no-op rebuild of 50 articles, named three ways (the cache key ignores how)."""
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        folder = scratch / "manuscript" / "issue-50"
        write_issue(folder, 50)
        build = ["--build-dir", str(scratch / "build")]
        timed(*build, "issue", str(folder))  # cold
        ways = {"absolute": ("issue", str(folder)),
                "relative": ("issue", os.path.relpath(folder, ROOT)),
                "all": ("all", str(folder.parent))}
        for name, args in ways.items():
            again = subprocess.run([sys.executable, str(ROOT / "build.py"), *build, *args],
                                   cwd=ROOT, capture_output=True, text=True, env=EDITOR_ENV)
            assert "up to date" in again.stdout, (name, again.stdout, again.stderr)
            noop = statistics.median(timed(*build, *args) for _ in range(7))
            print(f"50 articles, no-op rebuild by {name} path (median of 7): {noop:.3f} s   "
                  "target <= 0.3")


def main() -> None:
    noop_of_50()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        articles = write_issue(scratch / "issue", 8)
        build = scratch / "build"
        timed("--build-dir", str(build), "issue", str(scratch / "issue"))  # warm format
        one_by_one = []
        for path in articles:  # each alone, as its own single-article issue
            alone = scratch / f"alone-{path.stem}"
            write_issue(alone, 1)
            shutil.copyfile(path, alone / "article-1.md")
            forget_outputs(build)
            one_by_one.append(timed("--build-dir", str(build), "issue", str(alone)))
        forget_outputs(build)
        cold = timed("--build-dir", str(build), "issue", str(scratch / "issue"))
        noop = statistics.median(timed("--build-dir", str(build), "issue", str(scratch / "issue"))
                                 for _ in range(7))
        edited = articles[3]
        edited.write_text(edited.read_text().replace("## Section 2", "## Section Two"))
        edit = timed("--build-dir", str(build), "issue", str(scratch / "issue"))
        single = sorted(one_by_one)[len(one_by_one) // 2]
        print(f"sum of one-by-one builds {sum(one_by_one):.2f} s; cold issue build {cold:.2f} s")
        print(f"cold ratio: {cold / sum(one_by_one):.2f}   target <= 0.6")
        print(f"no-op rebuild (median of 7): {noop:.3f} s   target <= 0.3")
        print(f"one-article edit: {edit:.2f} s vs one article {single:.2f} s; "
              f"ratio {edit / single:.2f}   target <= 1.5")


if __name__ == "__main__":
    main()
