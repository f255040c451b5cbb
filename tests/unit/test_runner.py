"""The process runner (pipeline/runner.py), the one way external programs run:
output and exit code returned, a missing program, the time limit (the whole
process group killed), the output-size and memory limits."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from pipeline.errors import LimitReached, ToolMissing
from pipeline.runner import Budget, run


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_time_out_kills_the_whole_process_group(tmp_path):
    started = time.monotonic()
    with pytest.raises(LimitReached) as caught:
        run(["sh", "-c", "sleep 30 & echo $! > child.pid; sleep 30"], cwd=tmp_path,
            budget=Budget(seconds=1))
    elapsed = time.monotonic() - started
    assert elapsed < 1 + 2, elapsed
    assert caught.value.exit_code == 7
    assert "1 s" in caught.value.message
    assert caught.value.hint
    child = int((tmp_path / "child.pid").read_text())
    deadline = time.monotonic() + 2
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the background child outlived the time-out"


def test_missing_program_raises_tool_missing(tmp_path):
    with pytest.raises(ToolMissing) as caught:
        run(["/nonexistent/bin/no-such-program-xyz"], cwd=tmp_path, budget=Budget(seconds=5))
    assert caught.value.exit_code == 4
    assert "no-such-program-xyz" in caught.value.message
    assert caught.value.hint


def test_runner_returns_output_and_exit_code(tmp_path):
    result = run(["sh", "-c", "echo out; echo err >&2; exit 3"], cwd=tmp_path,
                 budget=Budget(seconds=10))
    assert (result.returncode, result.stdout, result.stderr) == (3, "out\n", "err\n")


def test_output_size_limit_stops_a_program(tmp_path):
    with pytest.raises(LimitReached, match="over 1 MB"):
        run(["dd", "if=/dev/zero", f"of={tmp_path / 'big'}", "bs=1M", "count=5"],
            cwd=tmp_path, budget=Budget(seconds=10, output_mb=1))


def test_memory_limit_stops_a_program(tmp_path):
    hog = "x = bytearray(600 * 1024 * 1024); print(len(x))"
    with pytest.raises(LimitReached, match=r"ran out of memory at its limit of 300 MB "
                                           r"\(limits.memory_mb\)"):
        run([sys.executable, "-c", hog], cwd=tmp_path, budget=Budget(seconds=20, memory_mb=300))
