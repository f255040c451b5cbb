"""What can go wrong, each kind with a stable exit code and advice.

Every error the pipeline raises is one of these; the command line turns
them into a message in one place (cli.py) and never shows a traceback
unless asked with -v.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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

    exit_code = 1
    kind = "error"

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
        return "\n".join(lines)


class InputError(PipelineError):
    """A manuscript, its front matter or an issue.yaml is wrong."""

    exit_code = 3
    kind = "input error"


class ToolMissing(PipelineError):
    """An external program the pipeline needs is not installed."""

    exit_code = 4
    kind = "missing tool"


class BuildFailed(PipelineError):
    """Pandoc or the TeX engine stopped with an error."""

    exit_code = 5
    kind = "build failed"


class InvalidOutput(PipelineError):
    """A finished PDF is not what was asked for (unreadable, wrong pages...)."""

    exit_code = 6
    kind = "invalid output"


class LimitReached(PipelineError):
    """An external program ran past its time, memory or size limit."""

    exit_code = 7
    kind = "limit reached"
