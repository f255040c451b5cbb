"""What the PDF/A proof (pdfa.validate: pikepdf.pdfa.validate_written) costs,
step by step, on the sample issue (manuscript/2022-06), each figure in a
fresh process and as CPU time of that process (a figure a busy machine
barely moves), median of RUNS, the two ways alternating:

  import pikepdf.pdfa                        (article.py does it while TeX runs)
  each offprint, validated in a new process  (what `build.py article` pays)
  the issue PDF, nothing parsed before       (a rebuild whose offprints were reused)
  the issue PDF after its offprints          (a cold build: their font programs kept)
  of which parsing font programs             (pikepdf.pdfa via fontTools)

"shipped" is pikepdf.pdfa as installed; "pipeline" adds what pdfa.py does
for speed (font programs kept by content, the faster Type 1 decryption)."""
from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.synthetic import EDITOR_ENV  # noqa: E402

RUNS = 5

PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
way, first, then = sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
cpu = time.process_time()
import pikepdf.pdfa
from pikepdf.pdfa import _fontprogram
figures = {"import": time.process_time() - cpu}
parsing = [0.0]
for name in ("Type1Program", "CFFProgram", "TrueTypeProgram"):
    cls = getattr(_fontprogram, name)
    def timed_init(self, data, _init=cls.__init__):
        started = time.process_time()
        try:
            _init(self, data)
        finally:
            parsing[0] += time.process_time() - started
    cls.__init__ = timed_init
from pipeline import pdfa
if way == "shipped":  # the same verdict, without the speed-ups
    pdfa._install_speed_ups = lambda: None


def validate(path):
    return pdfa.validate(__import__("pathlib").Path(path)).passed


for path in first:
    assert validate(path), path
parsing[0] = 0.0
cpu = time.process_time()
assert validate(then), then
figures["validate"] = time.process_time() - cpu
figures["parse"] = parsing[0]
print(json.dumps(figures))
"""


def probe(way: str, first: list[Path], then: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT), way,
                           json.dumps([str(p) for p in first]), str(then)],
                          capture_output=True, text=True, env=EDITOR_ENV)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        shutil.copytree(ROOT / "manuscript" / "2022-06", scratch / "2022-06")
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--build-dir",
                        str(scratch / "build"), "issue", str(scratch / "2022-06")],
                       check=True, capture_output=True, env=EDITOR_ENV)
        built = scratch / "build" / "2022-06"
        offprints = sorted((built / "articles").glob("*.pdf"))
        cases = [(f"offprint {p.stem}", [], p) for p in offprints] + [
            ("issue PDF, nothing parsed before", [], built / "issue.pdf"),
            ("issue PDF after its offprints", offprints, built / "issue.pdf")]
        results: dict = {}
        for _ in range(RUNS):
            for name, first, then in cases:
                for way in ("shipped", "pipeline"):
                    results.setdefault((name, way), []).append(probe(way, first, then))
        print(f"CPU seconds, median of {RUNS} fresh processes "
              "(shipped pikepdf.pdfa -> with pdfa.py's speed-ups):")
        imports = [run["import"] for runs in results.values() for run in runs]
        print(f"  import pikepdf.pdfa: {statistics.median(imports) * 1000:.0f} ms")
        for name, _, _ in cases:
            line = []
            for key in ("validate", "parse"):
                before, after = (statistics.median(run[key] for run in results[(name, way)])
                                 for way in ("shipped", "pipeline"))
                line.append(f"{key} {before * 1000:5.0f} -> {after * 1000:4.0f} ms")
            print(f"  {name:40} " + ";  of which ".join(line).replace("parse", "font parsing"))


if __name__ == "__main__":
    main()
