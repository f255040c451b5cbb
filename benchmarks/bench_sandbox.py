"""The cost of bubblewrap per TeX run, with and without the sandbox,
alternating, medians of RUNS each: the sandbox alone (around /usr/bin/true,
which shows its cost without TeX's noise) and one pdfLaTeX pass over a
two-page article. Target: the sandbox adds under 30 ms a run."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from pipeline.paths import STYLES  # noqa: E402
from pipeline.runner import Budget  # noqa: E402
from pipeline.tools import bwrap, latexformat, texrun  # noqa: E402

RUNS = 25
TEX = r"""\documentclass{spotlight}
\endofdump
\begin{document}
\section{Introduction}
%s
\end{document}
""" % ("Regional connectivity, water and energy security along the corridor. " * 200)


def nothing(work: Path, fmt: Path, sandbox: bool) -> float:
    started = time.perf_counter()
    texrun.run(["true"], work, budget=Budget(), what="true", fmt=fmt, sandbox=sandbox)
    return time.perf_counter() - started


def one_pass(work: Path, fmt: Path, sandbox: bool) -> float:
    started = time.perf_counter()
    result = texrun.run(["pdflatex", f"-fmt={fmt.stem}", "-interaction=nonstopmode",
                         "-halt-on-error", "article.tex"], work, budget=Budget(),
                        what="pdfLaTeX", fmt=fmt, sandbox=sandbox)
    seconds = time.perf_counter() - started
    assert result.returncode == 0 and (work / "article.pdf").exists(), result.stdout[-2000:]
    return seconds


def main() -> None:
    if not bwrap.available():
        sys.exit("bubblewrap is not installed: nothing to measure")
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        fmt = latexformat.format_for(STYLES / "spotlight", scratch / "formats", Budget())
        work = scratch / "work"
        work.mkdir()
        (work / "article.tex").write_text(TEX)
        one_pass(work, fmt, True), one_pass(work, fmt, False)  # warm the file cache
        for label, run in (("the sandbox alone (true)", nothing), ("a pdfLaTeX pass", one_pass)):
            times = {True: [], False: []}
            for _ in range(RUNS):
                for sandbox in (True, False):
                    times[sandbox].append(run(work, fmt, sandbox))
            inside, outside = statistics.median(times[True]), statistics.median(times[False])
            print(f"{label}, {RUNS} runs each, alternating: median with bubblewrap "
                  f"{inside * 1000:.1f} ms, without {outside * 1000:.1f} ms: bubblewrap costs "
                  f"{(inside - outside) * 1000:.1f} ms a run   target < 30 ms")


if __name__ == "__main__":
    main()
