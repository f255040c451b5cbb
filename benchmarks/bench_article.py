"""One article, not built before (the preamble formats may be cached): this
pipeline against plain `pandoc in.md -o out.pdf --pdf-engine=...`,
alternating in one run, and the median ratio. Three articles:

  plain English prose and notes, against pdflatex          target <= 0.70
  Latin script with transliterated names (Ṣiddīqī, Ḥusayn,
  Shīʿa) and a table, against pdflatex                      target <= 0.50
  English with Urdu, Persian and Pashto words, against
  xelatex                                                   target <= 0.40

Plain Pandoc gets the same text, except where it cannot: with pdflatex it
stops at a letter with a dot or line below ("Unicode character not set
up"), so it gets those letters without the mark (Ṣ -> S) and ʿ ʾ as quotes;
with xelatex it sets no Urdu (Latin Modern has no Arabic script; it only
warns). Both make plain Pandoc faster, not slower. The TeX passes each
route needs are printed with the figures.
"""
from __future__ import annotations

import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import EDITOR_ENV, article, forget_outputs, write_issue  # noqa: E402
from pipeline.tools.pandoc import pandoc_path  # noqa: E402

RUNS = 7

TABLE = """
| Project | Type | Capacity | Commercial operation |
|---|---|---|---|
| Sahiwal, Punjab | Imported coal | 1,320 MW | 2017 |
| Port Qasim, Karachi | Imported coal | 1,320 MW | 2018 |
| Suki Kinari, Khyber Pakhtunkhwa | Hydropower | 884 MW | 2022 |
| Matiari–Lahore | HVDC transmission | 660 kV | 2021 |

Table: Selected CPEC energy projects.
"""
TRANSLITERATED = ("As Farīda Ṣiddīqī and Shehzad Ḥusayn note, the Shīʿa ʿulamāʾ of the "
                  "Ṭālibān era and the ṣulḥ councils of Jalālābād ")
URDU = "The *jirga* ([جرگہ]{lang=ur}), the *mirab* (میراب) and the *shura* (شورا) of "


def variant(kind: str) -> str:
    """The synthetic article, with transliteration and a table, or Urdu words."""
    text = article(1, words=1800, notes=10)
    paragraphs = text.split("\n\n")
    if kind == "transliterated":
        for index in range(2, len(paragraphs), 3):
            if not paragraphs[index].startswith(("#", "[^")):
                paragraphs[index] = TRANSLITERATED + paragraphs[index][0].lower() + paragraphs[index][1:]
        paragraphs.insert(4, TABLE)
    elif kind == "urdu":
        for index in range(2, len(paragraphs), 4):
            if not paragraphs[index].startswith(("#", "[^")):
                paragraphs[index] = URDU + paragraphs[index][0].lower() + paragraphs[index][1:]
    return "\n\n".join(paragraphs)


def settable_by_plain_pdflatex(text: str) -> str:
    """Text without the marks below that LaTeX's own utf8 tables lack."""
    text = unicodedata.normalize("NFD", text.replace("ʿ", "‘").replace("ʾ", "’"))
    return unicodedata.normalize("NFC", text.replace("\u0323", "").replace("\u0331", ""))


def timed(argv, cwd) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the program and its children).
    CPU time is the fairer figure on a shared machine: waiting for a core
    is not work."""
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, env=EDITOR_ENV)
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(scratch: Path, kind: str, engine: str, target: float) -> None:
    folder = scratch / kind
    [manuscript] = write_issue(folder, 1, words=1800, notes=10)
    manuscript.write_text(variant(kind), encoding="utf-8")
    build = scratch / f"build-{kind}"
    ours_argv = [sys.executable, str(ROOT / "build.py"), "--build-dir", str(build),
                 "article", str(manuscript)]
    plain_source = folder / "plain.md"
    plain_source.write_text(settable_by_plain_pdflatex(variant(kind)) if engine == "pdflatex"
                            else variant(kind), encoding="utf-8")
    plain_argv = [pandoc_path(), str(plain_source), "-o", str(folder / "plain.pdf"),
                  f"--pdf-engine={engine}"]
    subprocess.run(ours_argv, check=True, capture_output=True, env=EDITOR_ENV)  # warm caches
    forget_outputs(build)
    verbose = subprocess.run([*ours_argv[:2], "-v", *ours_argv[2:]], capture_output=True,
                             text=True, env=EDITOR_ENV)
    ours_engine = "XeLaTeX" if "xelatex" in verbose.stderr else "pdfLaTeX"
    ours_passes = len(re.findall(r"(?m)^.*\b(?:pdflatex|xelatex) .*-interaction", verbose.stderr))
    ours, plain = [], []
    for _ in range(RUNS):
        forget_outputs(build)
        ours.append(timed(ours_argv, ROOT))
        plain.append(timed(plain_argv, folder))
    plain_verbose = subprocess.run([*plain_argv, "--verbose"], capture_output=True, text=True,
                                   cwd=folder, env=EDITOR_ENV).stderr
    plain_passes = len(re.findall(r"\[makePDF\] LaTeX run number \d", plain_verbose))
    print(f"{kind}: this pipeline ({ours_engine}, {ours_passes} pass(es)) against plain pandoc "
          f"--pdf-engine={engine} ({plain_passes} pass(es)); target <= {target:.2f}")
    for index, what in enumerate(("wall", "CPU")):
        mine = statistics.median(run[index] for run in ours)
        theirs = statistics.median(run[index] for run in plain)
        print(f"  {what:4}: median {mine:.3f} s against {theirs:.3f} s, ratio {mine / theirs:.2f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        measure(scratch, "plain", "pdflatex", 0.70)
        measure(scratch, "transliterated", "pdflatex", 0.50)
        measure(scratch, "urdu", "xelatex", 0.40)


if __name__ == "__main__":
    main()
