"""What can go wrong, each kind with a stable exit code and advice.

Every error the pipeline raises is one of these; the command line turns
them into a message in one place (cli.py) and never shows a traceback
unless asked with -v. ExitCode is the one list of exit codes: --help, the
error classes and the README table are all made from it.
"""
from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """The stable exit codes of build.py, with what each means."""

    SUCCESS = 0
    USAGE = 2
    INPUT = 3
    TOOL = 4
    BUILD = 5
    OUTPUT = 6
    LIMIT = 7
    ENVIRONMENT = 8
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        return _MEANINGS[self][0]

    @property
    def explanation(self) -> str:
        return _MEANINGS[self][1]

    @property
    def example(self) -> str:
        return _MEANINGS[self][2]


_MEANINGS = {  # code: (meaning, what --help says, README example)
    ExitCode.SUCCESS: ("success", "PDFs written, or everything already up to date",
                       "PDFs written, or everything already up to date"),
    ExitCode.USAGE: ("usage", "unknown command or option, or a --build-dir that is a file",
                     "unknown command or option; `--build-dir` names a file"),
    ExitCode.INPUT: ("input error", "manuscript, front matter, issue.yaml or figure "
                                    "(file:line says where); archiving changed sources over "
                                    "a deposited package (use --supersede)",
                     "front matter, issue.yaml, encoding, notes, a fourth heading level, a "
                     "citation or key not in the bibliography, an unsafe link or image path, a "
                     "missing or oversized figure, math outside the list, Markdown nested too "
                     "deep, a symlinked or special input file, a broken .docx"),
    ExitCode.TOOL: ("missing tool", "Pandoc, pdfLaTeX or poppler not installed (run 'make setup')",
                    "Pandoc, pdfLaTeX, XeLaTeX or poppler not installed"),
    ExitCode.BUILD: ("build failed", "Pandoc or LaTeX stopped (the message and log path say why)",
                     "a LaTeX error, a character no font has, a table wider than the page, "
                     "active content or attachments in a PDF (the scan)"),
    ExitCode.OUTPUT: ("invalid output", "a PDF made does not agree with the issue's data or "
                                        "is not PDF/A-2b, or `verify` found a problem",
                      "a PDF that disagrees with the issue (footers, contents, labels), "
                      "is not PDF/A-2b, or fails `verify`"),
    ExitCode.LIMIT: ("limit reached", "a program ran past its time, memory, size or page limit",
                     "`limits.seconds`, `memory_mb`, `output_mb` or `pages` passed"),
    ExitCode.ENVIRONMENT: ("environment", "the machine refused: disk full, read-only folder, "
                                          "file-size limit, no permission",
                           "disk full, a read-only build folder, `ulimit -f` reached"),
    ExitCode.INTERRUPTED: ("interrupted", "stopped by Ctrl-C or SIGTERM; finished outputs kept",
                           "Ctrl-C or SIGTERM: programs stopped, scratch removed"),
}


# Not a fault the pipeline knows: a bug (an exception no error class names).
# Kept out of ExitCode, whose every member is some error class's code.
INTERNAL_ERROR = 1


def help_table() -> str:
    """The exit codes as `build.py --help` lists them."""
    return "exit codes:\n" + "".join(f"  {code.value:<3} {code.meaning}: {code.explanation}\n"
                                     for code in ExitCode) + \
        f"  {INTERNAL_ERROR:<3} internal error: a bug in the pipeline (run again with -v)\n"


def readme_table() -> str:
    """The exit codes as the README's table lists them."""
    rows = [f"| {code.value} | {code.meaning} | {code.example} |" for code in ExitCode]
    return "\n".join(["| code | meaning | e.g. |", "|---|---|---|", *rows]) + "\n"


# Terminal control: C0 and C1 controls (but newline), DEL, and bidi overrides.
_UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """text with every terminal control character shown as an escape (\\x1b)."""
    def escape(match: re.Match) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return _UNPRINTABLE.sub(escape, text)


@dataclass
class Location:
    """A place in an input file; line and column count from 1."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class PipelineError(Exception):
    """Base class: a message, where it happened, and what to do about it."""

    exit_code = ExitCode.INPUT
    kind = "error"
    message: str
    where: Location | None   # set by whoever knows the input's place (the TeX step does not)
    hint: str
    log: Path | None          # the full log, once kept where the user finds it

    def __init__(self, message: str, *, where: Location | None = None,
                 hint: str = "", log: Path | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint
        self.log = log

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        lines = [f"{head}{self.kind}: {self.message}"]
        if self.hint:
            lines.append(f"  what to do: {self.hint}")
        if self.log:
            lines.append(f"  full log: {self.log}")
        return printable("\n".join(lines))


class UsageError(PipelineError):
    """The command line asks for something impossible."""

    exit_code = ExitCode.USAGE
    kind = "usage"


class InputError(PipelineError):
    """A manuscript, its front matter, a figure or an issue.yaml is wrong."""

    exit_code = ExitCode.INPUT
    kind = "input error"


class ToolMissing(PipelineError):
    """An external program the pipeline needs is not installed."""

    exit_code = ExitCode.TOOL
    kind = "missing tool"


class BuildFailed(PipelineError):
    """Pandoc or the TeX engine stopped with an error."""

    exit_code = ExitCode.BUILD
    kind = "build failed"


class InvalidOutput(PipelineError):
    """A finished PDF is not what was asked for (unreadable, wrong pages...)."""

    exit_code = ExitCode.OUTPUT
    kind = "invalid output"


class LimitReached(PipelineError):
    """An external program ran past its time, memory or size limit."""

    exit_code = ExitCode.LIMIT
    kind = "limit reached"


class MachineFault(PipelineError):
    """The machine refused: disk full, a read-only folder, a file-size limit."""

    exit_code = ExitCode.ENVIRONMENT
    kind = "environment"


class Interrupted(PipelineError):
    """Ctrl-C or SIGTERM: every program was stopped and scratch removed."""

    exit_code = ExitCode.INTERRUPTED
    kind = "interrupted"


_MACHINE_ADVICE = {
    errno.ENOSPC: "free some space on that disk, or build elsewhere with --build-dir",
    errno.EDQUOT: "free some space within your disk quota, or build elsewhere with --build-dir",
    errno.EROFS: "the folder is on a read-only file system: build elsewhere with --build-dir",
    errno.EACCES: "make the folder writable for you, or build elsewhere with --build-dir",
    errno.EPERM: "make the folder writable for you, or build elsewhere with --build-dir",
    errno.EFBIG: "a file-size limit (ulimit -f) is lower than the file: raise it "
                 "('ulimit -f unlimited') and build again",
    errno.EMFILE: "too many open files: raise 'ulimit -n' and build again",
    errno.ENOMEM: "the machine is out of memory: close other programs or lower -j",
}


def machine_fault(error: OSError, what: str = "") -> MachineFault | None:
    """The MachineFault an OSError means, or None if it is not the machine's doing."""
    advice = _MACHINE_ADVICE.get(error.errno)
    if advice is None:
        return None
    name = error.filename if isinstance(error.filename, (str, Path)) else ""
    if str(name).startswith("<"):  # a file object's repr, as pikepdf reports it
        name = ""
    who = f"{what} " if what else ""
    return MachineFault(f"{who}cannot write ({error.strerror or os.strerror(error.errno)})",
                        where=Location(Path(name)) if name else None, hint=advice)


def machine_fault_in(output: str, what: str) -> MachineFault | None:
    """The MachineFault a program's output reports (pdfTeX: 'fflush() failed (No space...)').
    Only space and size: a refusal to write (read-only, permission) inside the TeX sandbox
    is the sandbox doing its work, not the machine."""
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        if os.strerror(code) in output:
            return machine_fault(OSError(code, os.strerror(code)), what)
    return None
