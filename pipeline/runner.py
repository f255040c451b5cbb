"""The one way external programs are run.

No shell; argv is logged; every run gets a wall-clock limit that kills the
whole process group, plus CPU, memory and file-size limits; a missing
program, a time-out or a limit turns into a typed error.
"""
from __future__ import annotations

import errno
import logging
import os
import re
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import (Interrupted, LimitReached, MachineFault, ToolMissing, machine_fault,
                     machine_fault_in)
from .model import Limits

log = logging.getLogger(__name__)

# Every program running now, so that a signal can end them all (stop_all).
_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()
_stopping = threading.Event()
# What programs print when an allocation fails under their memory limit.
# (web2c's xmalloc, xdvipdfmx, C++, Python: never words a document could print)
_OUT_OF_MEMORY = re.compile(r"fatal: (?:memory exhausted|[Oo]ut of memory)|std::bad_alloc|"
                            r"^MemoryError", re.MULTILINE)


@dataclass(frozen=True)
class Budget:
    """Limits for one external program; the defaults are model.Limits' (issue.yaml's)."""

    seconds: float = Limits.seconds
    memory_mb: int | None = Limits.memory_mb  # address space; None for runtimes that reserve a lot
    output_mb: int = Limits.output_mb          # largest file the program may write

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
    limits = effective_limits(budget)
    log.debug("run (%s): %s", cwd, " ".join(argv))
    started = time.monotonic()
    with _running_lock:
        if _stopping.is_set():
            raise Interrupted(f"{what} was not started: the build is being stopped")
        try:
            process = subprocess.Popen(
                argv, cwd=cwd, env=env, text=True, encoding="utf-8", errors="replace",
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                start_new_session=True, preexec_fn=lambda: _apply(limits))
        except FileNotFoundError:
            raise ToolMissing(f"'{argv[0]}' is not installed or not on PATH",
                              hint="run 'make setup' (it lists the packages to install)") from None
        _running.add(process)
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
    finally:
        with _running_lock:
            _running.discard(process)
    seconds = time.monotonic() - started
    if _stopping.is_set():
        raise Interrupted(f"{what} was stopped")
    _raise_if_limited(what, _as_signal(argv, process.returncode), stdout + stderr, budget, limits)
    if process.returncode and _disk_full(cwd):  # pdfTeX says only "fwrite() failed"
        raise machine_fault(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), what)
    log.debug("%s finished in %.3f s with exit code %s", what, seconds, process.returncode)
    return Result(argv, process.returncode, stdout, stderr, seconds)


def _as_signal(argv: list[str], returncode: int) -> int:
    """The exit code, with bubblewrap's 128+N for a child killed by signal N
    turned into -N, as Python reports a signal for a direct child."""
    if Path(argv[0]).name == "bwrap" and returncode > 128:
        return 128 - returncode
    return returncode


def _raise_if_limited(what: str, returncode: int, output: str, budget: Budget,
                      limits: dict) -> None:
    """A program ended by one of its limits raises LimitReached naming that limit, or
    MachineFault when the limit was the lower one the shell passed down (ulimit)."""
    wanted = _wanted(budget)
    inherited = {kind for kind, value in limits.items() if value < wanted[kind]}
    memory = limits.get(resource.RLIMIT_AS)
    if returncode == -signal.SIGXCPU or (returncode == -signal.SIGKILL and memory):
        if inherited & {resource.RLIMIT_CPU, resource.RLIMIT_AS}:
            raise MachineFault(f"{what} was killed by the CPU or memory limit it inherited "
                               "(ulimit -t, ulimit -v)", hint="raise them and build again")
        raise LimitReached(f"{what} was killed by its CPU or memory limit",
                           hint="raise limits.memory_mb or limits.seconds in issue.yaml")
    if returncode and memory and _OUT_OF_MEMORY.search(output):
        if resource.RLIMIT_AS in inherited:
            raise MachineFault(f"{what} ran out of memory at {_size(memory)}, the memory limit "
                               "it inherited (ulimit -v)", hint="raise it and build again")
        raise LimitReached(f"{what} ran out of memory at its limit of {memory >> 20} MB "
                           f"(limits.memory_mb)",
                           hint="raise limits.memory_mb in issue.yaml if the document is "
                                "really that large; otherwise look for a runaway loop in it")
    if returncode == -signal.SIGXFSZ:
        size = limits[resource.RLIMIT_FSIZE]
        if resource.RLIMIT_FSIZE in inherited:
            raise MachineFault(f"{what} tried to write a file over {_size(size)}, the "
                               "file-size limit it inherited (ulimit -f)",
                               hint="raise it ('ulimit -f unlimited') and build again")
        raise LimitReached(f"{what} tried to write a file over {size >> 20} MB",
                           hint="raise limits.output_mb in issue.yaml")
    fault = machine_fault_in(output, what) if returncode else None
    if fault:
        raise fault


def _disk_full(folder: Path) -> bool:
    """Less than 64 KB left for a program that wrote in folder."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 64 * 1024


def effective_limits(budget: Budget) -> dict[int, int]:
    """The limits a program gets: the budget's, or the inherited hard limit if lower
    (which is said once, as a warning)."""
    return {kind: _lower(kind, value) for kind, value in _wanted(budget).items()}


def _wanted(budget: Budget) -> dict[int, int]:
    wanted = {resource.RLIMIT_CPU: int(budget.seconds) + 1,
              resource.RLIMIT_FSIZE: budget.output_mb * 1024 * 1024}
    if budget.memory_mb:
        wanted[resource.RLIMIT_AS] = budget.memory_mb * 1024 * 1024
    return wanted


_LIMIT_NAMES = {resource.RLIMIT_CPU: ("CPU time (ulimit -t)", "limits.seconds"),
                resource.RLIMIT_FSIZE: ("file size (ulimit -f)", "limits.output_mb"),
                resource.RLIMIT_AS: ("memory (ulimit -v)", "limits.memory_mb")}


@lru_cache(maxsize=None)
def _lower(kind: int, wanted: int) -> int:
    hard = resource.getrlimit(kind)[1]
    if hard == resource.RLIM_INFINITY or hard >= wanted:
        return wanted
    name, setting = _LIMIT_NAMES[kind]
    shown = (lambda n: f"{n} s") if kind == resource.RLIMIT_CPU else _size
    log.warning("warning: the inherited hard limit on %s is %s, lower than %s (%s); "
                "programs run with the lower one", name, shown(hard), setting, shown(wanted))
    return hard


def _size(count: int) -> str:
    return f"{count >> 20} MB" if count >= 1 << 20 else f"{count >> 10} KB"


def _apply(limits: dict[int, int]) -> None:
    """In the child, before exec: soft limit, and one second more for CPU's hard."""
    for kind, value in limits.items():
        hard = resource.getrlimit(kind)[1]
        spare = value + 1 if kind == resource.RLIMIT_CPU else value
        if hard != resource.RLIM_INFINITY:
            spare = min(spare, hard)
        resource.setrlimit(kind, (value, spare))


def stop_all() -> None:
    """End every program running now and refuse to start new ones (a signal came)."""
    with _running_lock:
        _stopping.set()
        for process in list(_running):
            _signal_group(process)


def resume() -> None:
    """Allow programs again (after a stopped build, in the same process)."""
    _stopping.clear()


def _signal_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_group(process: subprocess.Popen) -> None:
    _signal_group(process)
    process.wait()
