"""The one way external programs are run.

No shell; argv is logged; every run gets a wall-clock limit that kills the
whole process group, plus CPU, memory and file-size limits; a missing
program, a time-out or a limit turns into a typed error.
"""
from __future__ import annotations

import logging
import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import LimitReached, ToolMissing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Budget:
    """Limits for one external program."""

    seconds: float = 120
    memory_mb: int | None = 2048   # address space; None for runtimes that reserve a lot
    output_mb: int = 200           # largest file the program may write

    @classmethod
    def of(cls, limits) -> "Budget":
        """The budget an issue's `limits:` give each program."""
        return cls(limits.seconds, limits.memory_mb, limits.output_mb)


@dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run(argv: list[str], *, cwd: Path, budget: Budget, env: dict | None = None,
        stdin: str | None = None, what: str = "") -> Result:
    """Run argv in cwd and return its output; raise on a missing tool or a limit."""
    what = what or Path(argv[0]).name
    log.debug("run (%s): %s", cwd, " ".join(argv))
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv, cwd=cwd, env=env, text=True, encoding="utf-8", errors="replace",
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True, preexec_fn=_limits(budget))
    except FileNotFoundError:
        raise ToolMissing(f"'{argv[0]}' is not installed or not on PATH",
                          hint="run 'make setup' (it lists the packages to install)") from None
    try:
        stdout, stderr = process.communicate(stdin, timeout=budget.seconds)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise LimitReached(f"{what} ran longer than {budget.seconds:g} s and was stopped",
                           hint="raise limits.seconds in issue.yaml if the document is "
                                "really that large; otherwise look for a loop in it") from None
    except BaseException:
        _kill_group(process)
        raise
    seconds = time.monotonic() - started
    if process.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and budget.memory_mb:
        raise LimitReached(f"{what} was killed by its CPU or memory limit",
                           hint="raise limits.memory_mb or limits.seconds in issue.yaml")
    if process.returncode == -signal.SIGXFSZ:
        raise LimitReached(f"{what} tried to write a file over {budget.output_mb} MB",
                           hint="raise limits.output_mb in issue.yaml")
    log.debug("%s finished in %.3f s with exit code %s", what, seconds, process.returncode)
    return Result(argv, process.returncode, stdout, stderr, seconds)


def _limits(budget: Budget):
    def apply():
        cpu = int(budget.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        size = budget.output_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        if budget.memory_mb:
            memory = budget.memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    return apply


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
