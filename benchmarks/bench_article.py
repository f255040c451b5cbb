"""One article, not built before (the preamble format may be cached):
this pipeline against plain `pandoc in.md -o out.pdf --pdf-engine=pdflatex`,
alternating, and the median ratio. Target: ratio <= 0.7."""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import EDITOR_ENV, forget_outputs, write_issue  # noqa: E402
from pipeline.tools.pandoc import pandoc_path  # noqa: E402

RUNS = 7


def timed(argv, cwd) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, env=EDITOR_ENV)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        [manuscript] = write_issue(scratch / "issue", 1, words=1800, notes=10)
        build = scratch / "build"
        ours_argv = [sys.executable, str(ROOT / "build.py"), "--build-dir", str(build),
                     "article", str(manuscript)]
        plain_argv = [pandoc_path(), str(manuscript), "-o", str(scratch / "plain.pdf"),
                      "--pdf-engine=pdflatex"]
        subprocess.run(ours_argv, check=True, capture_output=True, env=EDITOR_ENV)  # warm caches
        ours, plain = [], []
        for _ in range(RUNS):
            forget_outputs(build)
            ours.append(timed(ours_argv, ROOT))
            plain.append(timed(plain_argv, scratch))
        pages = subprocess.run(["pdfinfo", str(scratch / "plain.pdf")], capture_output=True,
                               text=True).stdout
        print(f"article: {manuscript.stat().st_size} bytes; plain pandoc "
              f"{[l for l in pages.splitlines() if l.startswith('Pages')][0]}")
        print(f"this pipeline median {statistics.median(ours):.3f} s  "
              f"plain pandoc median {statistics.median(plain):.3f} s")
        print(f"ratio (pipeline / plain pandoc): {statistics.median(ours) / statistics.median(plain):.2f}"
              f"   target <= 0.70")


if __name__ == "__main__":
    main()
