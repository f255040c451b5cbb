"""Command line: `python build.py {all,issue,article,check} ...`.

Errors become one readable message and a stable exit code here, and only
here; -v shows the program runs and, on a bug, the traceback.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from . import __version__
from .errors import PipelineError
from .paths import MANUSCRIPT, ROOT, BuildDirs

EXIT_CODES = """exit codes:
  0  success
  2  usage: unknown command or option (see --help)
  3  input error: manuscript, front matter or issue.yaml (file:line says where)
  4  missing tool: Pandoc, pdfLaTeX or poppler not installed (run 'make setup')
  5  build failed: Pandoc or LaTeX stopped (the message and log path say why)
  6  invalid output: a PDF made does not agree with the issue's data
  7  limit reached: a program ran past its time, memory, size or page limit
"""


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="build.py", description="Typeset Spotlight on Regional Affairs from Markdown.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    main.add_argument("-v", "--verbose", action="store_true",
                      help="log every program run; show tracebacks of internal errors")
    main.add_argument("--build-dir", type=Path, default=ROOT / "build",
                      help="where PDFs, logs and caches go (default: build/)")
    main.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                      help="articles built at once (default: one per core)")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    every = commands.add_parser("all", help="build every issue under manuscript/")
    every.add_argument("root", nargs="?", type=Path, default=MANUSCRIPT)
    issue = commands.add_parser("issue", help="build one issue: offprints and issue.pdf")
    issue.add_argument("folder", type=Path, help="an issue folder holding issue.yaml")
    article = commands.add_parser("article", help="build one article's offprint")
    article.add_argument("manuscript", type=Path, help="a .md file listed in its issue.yaml")
    check = commands.add_parser("check", help="validate issue.yaml and front matter; build nothing")
    check.add_argument("folder", type=Path)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(message)s")
    dirs = BuildDirs(args.build_dir)
    try:
        return _dispatch(args, dirs)
    except PipelineError as error:
        print(error, file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted; finished outputs were kept", file=sys.stderr)
        return 130
    except Exception:
        if args.verbose:
            raise
        print("internal error: this is a bug in the pipeline; run again with -v and "
              "report what it prints", file=sys.stderr)
        return 1


def _dispatch(args, dirs: BuildDirs) -> int:
    from . import issue as issues, manuscript

    if args.command == "check":
        issue, articles = issues.load(args.folder)
        for article in articles:
            for line in [*article.warnings, *manuscript.stop_at_errors(manuscript.check(article))]:
                print(line, file=sys.stderr)
        print(f"{issue.folder}: {len(articles)} articles, all valid")
        return 0
    if args.command == "article":
        path = args.manuscript
        return _report(issues.build_issue(path.parent, dirs, jobs=args.jobs, only={path.stem}))
    folders = [args.folder] if args.command == "issue" else _issue_folders(args.root)
    worst = 0
    for folder in folders:
        worst = max(worst, _report(issues.build_issue(folder, dirs, jobs=args.jobs)))
    return worst


def _issue_folders(root: Path) -> list[Path]:
    folders = sorted(path.parent for path in root.glob("*/issue.yaml"))
    if not folders:
        raise PipelineError(f"no issue folders (with an issue.yaml) under {root}")
    return folders


def _report(result) -> int:
    for line in result.warnings:
        print(line, file=sys.stderr)
    for article, error in result.failures:
        print(error, file=sys.stderr)
    made = [str(b.pdf) for b in result.built if b.article.slug in result.rebuilt]
    if result.issue_pdf:
        made.append(str(result.issue_pdf))
    status = "up to date" if not made and not result.failures else f"{len(made)} PDF(s) written"
    print(f"{result.issue.folder}: {status}" + "".join(f"\n  {m}" for m in made))
    if result.failures:
        print(f"{len(result.failures)} article(s) failed; the issue PDF was not replaced",
              file=sys.stderr)
        return max(error.exit_code for _, error in result.failures)
    return 0
