"""Command line: `python build.py {all,issue,article,check,import,archive,verify} ...`.

Errors become one readable message and a stable exit code here, and only
here; -v shows the program runs and, on a bug, the traceback.
"""
from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from . import __version__, runner
from .errors import (INTERNAL_ERROR, ExitCode, InputError, Interrupted, Location, PipelineError,
                     UsageError, help_table, machine_fault, printable)
from .paths import MANUSCRIPT, ROOT, BuildDirs

EXIT_CODES = help_table()


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="build.py",
        description="Typeset the Institute's journals from Markdown, each in its house style.",
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
    proof = commands.add_parser("proof", help="marked proofs in a new round under "
                                "build/<issue>/proofs/round-N/ if the sources changed")
    proof.add_argument("target", nargs="?", type=Path, default=MANUSCRIPT,
                       help="an issue folder, one .md manuscript (listed or not), or a folder "
                            "of issues (default: every issue under manuscript/)")
    proof.add_argument("--watch", action="store_true",
                       help="rebuild a live proof on every save until Ctrl-C "
                            "(build/<issue>/proofs/live/)")
    check = commands.add_parser("check", help="the preflight: every finding in the sources "
                                "(and a proof round's logs and PDFs); writes report.html")
    check.add_argument("folder", type=Path)
    check.add_argument("--round", metavar="N", help="also read proof round N ('last': the latest)")
    diff = commands.add_parser("diff", help="what changed between two proof rounds "
                               "(default: the last two); writes round-M/diff-N-M.html")
    diff.add_argument("folder", type=Path)
    diff.add_argument("--from", dest="old", type=int, metavar="N")
    diff.add_argument("--to", dest="new", type=int, metavar="M")
    office = commands.add_parser("import", help="bring a .docx or .odt manuscript into an issue")
    office.add_argument("file", type=Path, help="the author's .docx or .odt file")
    office.add_argument("--into", type=Path, required=True, help="the issue folder")
    office.add_argument("--slug", help="the article's file name (default: from the title)")
    office.add_argument("--force", action="store_true", help="replace an existing manuscript")
    office.add_argument("--no-manifest", action="store_true",
                        help="do not add the article to issue.yaml; print the line instead")
    changes = office.add_mutually_exclusive_group()
    changes.add_argument("--accept-changes", dest="changes", action="store_const",
                         const="accept", help="accept the file's tracked changes")
    changes.add_argument("--reject-changes", dest="changes", action="store_const",
                         const="reject", help="reject the file's tracked changes")
    deposit = commands.add_parser("archive", help="build final issues and package them for "
                                  "deposit: build/archive/<series>-v<vol>-n<no>/ (a bag) and .zip")
    deposit.add_argument("folders", nargs="*", type=Path,
                         help="issue folders (default: every issue under manuscript/)")
    deposit.add_argument("--supersede", action="store_true",
                         help="the sources changed since deposit: write a new version (-v2...)")
    verify = commands.add_parser("verify", help="check a PDF (PDF/A-2b, metadata against the "
                                 "page, fonts) or a bag (checksums, then every PDF)")
    verify.add_argument("path", type=Path, help="a PDF, a bag folder or a bag's .zip")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(message)s")
    previous = _stop_on_signals()
    try:
        return _dispatch(args, _build_dirs(args.build_dir))
    except PipelineError as error:
        return _fail(error)
    except KeyboardInterrupt:
        return _fail(Interrupted("stopped; every program it ran was ended, scratch folders "
                                 "removed, finished outputs kept"))
    except OSError as error:  # the machine's (disk full, read-only...) or a bug
        fault = machine_fault(error)
        if fault:
            return _fail(fault)
        if args.verbose:
            raise
        return _internal_error()
    except Exception:
        if args.verbose:
            raise
        return _internal_error()
    finally:
        _restore_signals(previous)


def _fail(error: PipelineError) -> int:
    print(error, file=sys.stderr)
    return int(error.exit_code)


def _internal_error() -> int:
    print("internal error: this is a bug in the pipeline; run again with -v and "
          "report what it prints", file=sys.stderr)
    return INTERNAL_ERROR


def _build_dirs(root: Path) -> BuildDirs:
    """The build folder: a folder, or a path where one can be made."""
    for folder in (root, *root.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise UsageError(f"--build-dir {root}: {folder} is not a folder",
                                 hint="give --build-dir a folder (it is made if missing)")
            break
    return BuildDirs(root)


def _stop_on_signals() -> dict:
    """SIGTERM and SIGINT end every program the build runs, then unwind as
    KeyboardInterrupt so that scratch folders are removed on the way out."""
    def stop(signum, frame):
        runner.stop_all()
        raise KeyboardInterrupt
    previous = {}
    for signum in (signal.SIGTERM, signal.SIGINT):
        try:
            previous[signum] = signal.signal(signum, stop)
        except ValueError:  # not the main thread (tests calling main())
            pass
    return previous


def _restore_signals(previous: dict) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    runner.resume()


def _dispatch(args, dirs: BuildDirs) -> int:
    from . import issue as issues

    if args.command == "import":
        from .intake import import_manuscript
        print(import_manuscript(args.file, args.into, slug=args.slug, force=args.force,
                                manifest=not args.no_manifest, changes=args.changes).report())
        return ExitCode.SUCCESS
    if args.command == "check":
        return _check(args, dirs)
    if args.command == "diff":
        from . import diff
        made = diff.diff_rounds(args.folder, dirs, args.old, args.new)
        print(printable(diff.summary(made)))
        return ExitCode.SUCCESS
    if args.command == "archive":
        return _archive(args, dirs)
    if args.command == "proof":
        return _proof(args, dirs)
    if args.command == "verify":
        return _verify(args.path)
    if args.command == "article":
        path = args.manuscript
        return _report(issues.build_issue(path.parent, dirs, jobs=args.jobs, only={path.stem}))
    folders = [args.folder] if args.command == "issue" else _issue_folders(args.root)
    worst = ExitCode.SUCCESS
    for folder in folders:
        worst = max(worst, _report(issues.build_issue(folder, dirs, jobs=args.jobs)))
    return worst


def _check(args, dirs: BuildDirs) -> int:
    """The preflight: warnings on stderr, notes and the report's place on stdout;
    errors stop with exit 3, every one named."""
    from . import preflight

    round_folder = preflight.round_folder(dirs, args.folder, args.round) if args.round else None
    found = _preflight(args.folder, dirs, round_folder)
    preflight.refuse_errors(found.findings)
    return ExitCode.SUCCESS


def _archive(args, dirs: BuildDirs) -> int:
    from . import issue as issues, package, schemas

    schemas.preload(schemas.JATS)  # while the final build runs
    worst = ExitCode.SUCCESS
    for folder in args.folders or _issue_folders(MANUSCRIPT):
        result = issues.build_issue(folder, dirs, jobs=args.jobs)
        code = _report(result)
        if code:
            worst = max(worst, code)
            continue
        archived = package.archive(result, dirs, supersede=args.supersede)
        state = "written" if archived.written else "unchanged (already deposited)"
        print(f"{folder}: archive {state}\n  {archived.bag}\n  {archived.zip}")
        if archived.superseded:
            print(f"  supersedes {archived.superseded.name}, which is kept")
        for slug in archived.not_registrable:
            print(f"  not registrable with Crossref: {slug} has no doi:", file=sys.stderr)
        for slug in archived.not_in_doaj:
            print(f"  left out of the DOAJ file: {slug} has no author (DOAJ requires one)",
                  file=sys.stderr)
    return worst


def _proof(args, dirs: BuildDirs) -> int:
    from . import proof, watch

    single = args.target.suffix == ".md" or (args.target / "issue.yaml").exists()
    if args.watch:
        if not single:
            raise UsageError(f"--watch needs one issue folder or one manuscript, not {args.target}",
                             hint="e.g. build.py proof manuscript/2022-06/x.md --watch")
        return watch.watch(args.target, dirs, jobs=args.jobs)
    for target in [args.target] if single else _issue_folders(args.target):
        made = proof.build_proof(target, dirs, jobs=args.jobs)
        print(printable(proof.summary(made)))
        if target.suffix != ".md":  # an issue's round gets its preflight and report
            _preflight(target, dirs, made.folder)
    return ExitCode.SUCCESS


def _preflight(folder: Path, dirs: BuildDirs, round_folder: Path | None):
    """Run the preflight, print its summary and write report.json and report.html."""
    from . import preflight, report

    found = preflight.run(folder, dirs, round_folder)
    written = report.write(found, round_folder or dirs.issue(found.issue.slug))
    for line in report.warnings(found):
        print(printable(line), file=sys.stderr)
    print(printable(report.summary(found, written)))
    return found


def _verify(path: Path) -> int:
    from .verify import verify

    results = verify(path)
    for findings in results:
        print("\n".join(findings.lines()))
    return ExitCode.OUTPUT if any(f.problems for f in results) else ExitCode.SUCCESS


def _issue_folders(root: Path) -> list[Path]:
    """The issue folders under root; one that links out of root is refused."""
    root = root.resolve()
    folders = []
    for found in sorted(path.parent for path in root.glob("*/issue.yaml")):
        if found.resolve().parent != root:
            raise InputError(f"the issue folder is a link to {found.resolve()}, outside {root}",
                             where=Location(found),
                             hint="move the issue into the folder, or build it by name with "
                                  "'build.py issue FOLDER'")
        folders.append(found)
    if not folders:
        raise InputError(f"no issue folders (with an issue.yaml) under {root}",
                         where=Location(root), hint="give the folder that holds the issue folders")
    return folders


def _report(result) -> int:
    for line in result.warnings:
        print(printable(line), file=sys.stderr)
    for article, error in result.failures:
        print(error, file=sys.stderr)
    made = [str(b.pdf) for b in result.built if b.article.slug in result.rebuilt]
    if result.issue_pdf:
        made.append(str(result.issue_pdf))
    status = "up to date" if not made and not result.failures else f"{len(made)} PDF(s) written"
    print(printable(f"{result.issue.folder}: {status}" + "".join(f"\n  {m}" for m in made)))
    if result.failures:
        print(f"{len(result.failures)} article(s) failed; the issue PDF was not replaced",
              file=sys.stderr)
        return max(error.exit_code for _, error in result.failures)
    return ExitCode.SUCCESS
