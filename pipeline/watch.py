"""Watch mode: `build.py proof TARGET --watch` rebuilds the live proof
(build/<issue>/proofs/live/) at every save of its sources, until Ctrl-C.

File events come from watchfiles (inotify); a burst of events (an editor's
save writes a temporary file, then renames it) is one rebuild. A failing
build prints its error and leaves the previous live proof as it was.
"""
from __future__ import annotations

import sys
import time
from contextlib import closing
from pathlib import Path

from .article import FIGURE_TYPES
from .errors import ExitCode, PipelineError, machine_fault, printable
from .model import BIBLIOGRAPHY_TYPES
from .paths import BuildDirs
from .proof import Round, build_proof, placeholder_line

STEP_MS = 50        # quiet time that ends a burst of file events
DEBOUNCE_MS = 400   # the longest a burst is grouped
WAKE_MS = 500       # watchfiles hands back control this often with no event (none lost)


def watch(target: Path, dirs: BuildDirs, *, jobs: int) -> int:
    """Build the live proof of target now and after each save; return 0 on Ctrl-C."""
    import watchfiles

    target = Path(target).resolve()
    folder = target.parent if target.suffix == ".md" else target
    wanted = _source_filter(target)
    saves = watchfiles.watch(folder, watch_filter=lambda _, path: wanted(Path(path)),
                             step=STEP_MS, debounce=DEBOUNCE_MS, rust_timeout=WAKE_MS,
                             yield_on_timeout=True, raise_interrupt=True)
    try:
        with closing(saves):
            next(saves)  # inotify watches from here: no save during the first build is lost
            shown = _rebuild(target, dirs, jobs, saved=None, shown=set())
            say(f"watching {folder} (Ctrl-C to stop)")
            for changes in saves:
                if changes:
                    shown = _rebuild(target, dirs, jobs, saved=_latest_save(changes),
                                     shown=shown)
    except KeyboardInterrupt:
        say("stopped watching")
    return ExitCode.SUCCESS


def _source_filter(target: Path):
    """Which changed paths are sources of target's proof (no editor swap files)."""
    issue_wide = {".yaml", ".yml", *FIGURE_TYPES, *BIBLIOGRAPHY_TYPES}

    def wanted(path: Path) -> bool:
        if path.name.startswith(".") or path.name.endswith("~"):
            return False
        if path.suffix == ".md":
            return target.suffix != ".md" or path == target
        return path.suffix.lower() in issue_wide
    return wanted


def _latest_save(changes) -> float | None:
    """When the newest changed file was written (its mtime), if it still exists."""
    times = []
    for _change, path in changes:
        try:
            times.append(Path(path).stat().st_mtime)
        except OSError:
            pass
    return max(times) if times else None


def _rebuild(target: Path, dirs: BuildDirs, jobs: int, saved: float | None,
             shown: set[str]) -> set[str]:
    """One live proof, then the findings on it not shown after the last save,
    or its error (never a traceback); return the findings now shown."""
    started = time.time()
    try:
        made = build_proof(target, dirs, jobs, live=True)
    except PipelineError as error:
        say(str(error))
        say("build failed; the previous proof is kept")
        return shown
    except OSError as error:
        fault = machine_fault(error)
        if not fault:
            raise
        say(str(fault))
        return shown
    since = f"{time.time() - saved:.2f} s after the save" if saved else \
        f"in {time.time() - started:.2f} s"
    say(f"proof rebuilt {since}: " + ", ".join(str(a.pdf) for a in made.articles))
    now = findings(made, target, dirs)
    for finding in now:
        if finding not in shown:
            say(f"  new: {finding}")
    gone = len(shown - set(now))
    if now or gone:
        say(f"  {len(now)} finding(s) in all"
            + (f", {gone} gone since the last save" if gone else ""))
    return set(now)


def findings(made: Round, target: Path, dirs: BuildDirs) -> list[str]:
    """What to look at after this save: the build's warnings and placeholders,
    then the preflight's findings in the sources (house style, names, files...)."""
    from . import preflight
    from .model import load_issue
    from .style import load_article

    lines = [*made.warnings, *map(placeholder_line, made.placeholders)]
    folder = target.parent if target.suffix == ".md" else target
    try:
        issue = load_issue(folder)
        paths = [target] if target.suffix == ".md" else list(issue.articles)
        found = preflight.sources(issue, [load_article(p, issue, proof=True) for p in paths], dirs)
    except PipelineError:  # the build itself said what is wrong
        return lines
    return lines + [text for text in map(str, found) if text not in lines]


def say(line: str) -> None:
    print(printable(line), flush=True)
    sys.stdout.flush()
