"""Two checkouts of the pipeline, A and B (say, before and after a change),
timed alternately in one run on the same inputs, so that a busy machine
weighs on both alike:

  python benchmarks/bench_ab.py /path/to/checkout-A /path/to/checkout-B

Scenarios: one new article of each kind of benchmarks/bench_article.py
(`build.py article`, outputs forgotten, preamble format cached); an issue of
8 synthetic articles built cold, then rebuilt after an edit to one article.
Wall and CPU seconds (the build and its children), median of RUNS."""
from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_article import variant  # noqa: E402
from benchmarks.synthetic import EDITOR_ENV, forget_outputs, write_issue  # noqa: E402

RUNS = 3


def timed(checkout: Path, *args: str) -> tuple[float, float]:
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, str(checkout / "build.py"), *args], check=True,
                   capture_output=True, cwd=checkout, env=EDITOR_ENV)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def article_scenario(scratch: Path, kind: str):
    folder = scratch / kind
    [manuscript] = write_issue(folder, 1, words=1800, notes=10)
    manuscript.write_text(variant(kind), encoding="utf-8")

    def run(checkout: Path, build: Path):
        forget_outputs(build) if build.exists() else None
        return timed(checkout, "--build-dir", str(build), "article", str(manuscript))
    return run


def issue_scenario(scratch: Path):
    folder = scratch / "issue-8"
    articles = write_issue(folder, 8)
    edited = articles[3]

    def cold(checkout: Path, build: Path):
        edited.write_text(edited.read_text().replace("## Section Two", "## Section 2"))
        forget_outputs(build) if build.exists() else None
        return timed(checkout, "--build-dir", str(build), "issue", str(folder))

    def edit(checkout: Path, build: Path):
        text = edited.read_text()
        edited.write_text(text.replace("## Section 2", "## Section Two") if "## Section 2" in text
                          else text.replace("## Section Two", "## Section 2"))
        return timed(checkout, "--build-dir", str(build), "issue", str(folder))
    return cold, edit


def main() -> None:
    checkouts = {"A": Path(sys.argv[1]).resolve(), "B": Path(sys.argv[2]).resolve()}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        scenarios = {f"article, {kind}": article_scenario(scratch, kind)
                     for kind in ("plain", "transliterated", "urdu")}
        cold, edit = issue_scenario(scratch)
        figures = {}
        for name, run in scenarios.items():
            for label, checkout in checkouts.items():
                run(checkout, scratch / f"build-{label}-{name}")  # format cached
            for _ in range(RUNS):
                for label, checkout in checkouts.items():
                    figures.setdefault((name, label), []).append(
                        run(checkout, scratch / f"build-{label}-{name}"))
        for _ in range(RUNS):
            for label, checkout in checkouts.items():
                build = scratch / f"build-{label}-issue"
                figures.setdefault(("issue of 8, cold", label), []).append(cold(checkout, build))
                figures.setdefault(("issue of 8, one article edited", label), []).append(
                    edit(checkout, build))
        print(f"A = {checkouts['A']}\nB = {checkouts['B']}\nmedian of {RUNS}, alternating:")
        for name in dict.fromkeys(key[0] for key in figures):
            a, b = ([statistics.median(run[i] for run in figures[(name, label)]) for i in (0, 1)]
                    for label in "AB")
            print(f"  {name:32} wall A {a[0]:6.2f} s  B {b[0]:6.2f} s ({b[0] / a[0]:.2f}x);"
                  f"  CPU A {a[1]:6.2f} s  B {b[1]:6.2f} s ({b[1] / a[1]:.2f}x)")


if __name__ == "__main__":
    main()
