"""Archive deposit of the sample issue (manuscript/2022-06), measured in one run:
  archive from cold / final build from cold                    target <= 2.0
  PDF/A: pikepdf.pdfa validation of each final PDF (part of every final build)
  schema loading: JATS (once per archive run), DOAJ, Crossref (tests only)
The preamble format is cached in every case (it is built once per style)."""
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
from benchmarks.synthetic import EDITOR_ENV, forget_outputs  # noqa: E402
from pipeline import pdfa, schemas  # noqa: E402


def timed(*args: str, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "build.py"), *args], check=True,
                   capture_output=True, env=EDITOR_ENV, cwd=cwd)
    return time.perf_counter() - started


def seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        issue = scratch / "2022-06"
        shutil.copytree(ROOT / "manuscript" / "2022-06", issue)
        build = scratch / "build"
        timed("--build-dir", str(build), "issue", str(issue), cwd=scratch)  # warm the format
        builds, archives = [], []
        for _ in range(2):
            forget_outputs(build)
            builds.append(timed("--build-dir", str(build), "issue", str(issue), cwd=scratch))
            forget_outputs(build)
            archives.append(timed("--build-dir", str(build), "archive", str(issue), cwd=scratch))
        build_s, archive_s = min(builds), min(archives)
        print(f"final build {build_s:.2f} s; archive from cold (build included) {archive_s:.2f} s")
        print(f"archive ratio: {archive_s / build_s:.2f}   target <= 2.0")

        pdfs = sorted((build / "2022-06").rglob("*.pdf"))
        validation = [statistics.median(seconds(lambda p=p: pdfa.validate(p)) for _ in range(3))
                      for p in pdfs]
        print(f"PDF/A validation: {sum(validation):.2f} s for the {len(pdfs)} final PDFs "
              f"({max(validation):.2f} s the slowest), {100 * sum(validation) / build_s:.0f}% "
              "of the final build")
        print(f"schema loading: JATS {seconds(lambda: schemas.load(schemas.JATS)):.2f} s, "
              f"DOAJ {seconds(lambda: schemas.load(schemas.DOAJ)):.2f} s", end="")
        shared = schemas.shared_folder()
        if shared:
            print(f", Crossref {seconds(lambda: schemas.load(schemas.CROSSREF, shared)):.2f} s "
                  "(tests only)", end="")
        print("; each is loaded once per run")


if __name__ == "__main__":
    main()
