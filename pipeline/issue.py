"""The recipe for a whole issue: articles in parallel, continuous pages,
contents and cover, the issue PDF, and a check of everything made.

Incremental: each article's PDF is reused while the content key of its
inputs and its first page are unchanged (state.json beside the outputs).
Page counts do not depend on the first page, so articles build in parallel
with the first page predicted from the last build; the few whose
prediction was wrong are built once more.

Every input is read once (model.py, figure_files) and the key is made from
those bytes, so a file saved during a build is built again next time. One
build of an issue runs at a time: the next waits for its lock.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version as metadata_version
from pathlib import Path

from . import __version__, pdfa, tex
from .article import FINAL, Built, BuildMode, Figure, build_article, figure_files
from .errors import InputError, InvalidOutput, Location, PipelineError, printable
from .model import Article, Issue, load_issue
from .paths import ROOT, STYLES, TEMPLATES, BuildDirs
from .sources import read_input
from .style import load_article
from .tools import pandoc


@dataclass
class IssueResult:
    issue: Issue
    built: list[Built] = field(default_factory=list)
    failures: list[tuple[Article, PipelineError]] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    issue_pdf: Path | None = None
    notes: list[str] = field(default_factory=list)  # about the build itself (a damaged state)

    @property
    def warnings(self) -> list[str]:
        return self.notes + [w for b in self.built for w in b.warnings]


def load(folder: Path, proof: bool = False) -> tuple[Issue, list[Article]]:
    """Issue and articles, all validated, before anything is built (for a
    proof, printed fields still missing are placeholders)."""
    issue = load_issue(folder)
    return issue, [load_article(path, issue, proof=proof) for path in issue.articles]


# ------------------------------------------------------------- content keys
def _shared_digest(*folders: Path) -> str:
    """The pipeline's own inputs: its code, template, class, and the tools'
    versions (probed once per run), so that an upgrade of any rebuilds."""
    digest = hashlib.sha256(__version__.encode())
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    digest.update("\0".join(tool_versions()).encode())
    return digest.hexdigest()


def tool_versions() -> tuple[str, ...]:
    """What each tool that makes a PDF says it is: Pandoc, both TeX engines
    (with their libraries and xdvipdfmx), pikepdf (its wheel carries its qpdf).
    The probes run side by side (each is a process start): a no-op build waits
    for the slowest, not for their sum."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        probes = [pool.submit(pandoc.version), pool.submit(tex.identity, "pdflatex"),
                  pool.submit(tex.identity, "xelatex")]
        versions = tuple(probe.result() for probe in probes)
    return (*versions, f"pikepdf {metadata_version('pikepdf')}")


def figures_digest(figures: list[Figure]) -> str:
    """The issue's figures by issue-relative name and content (never by how a path is spelled)."""
    digest = hashlib.sha256()
    for figure in sorted(figures, key=lambda f: f.name):
        digest.update(figure.name.encode() + b"\0" + hashlib.sha256(figure.data).digest())
    return digest.hexdigest()


def content_key(article: Article, shared: str, figures: str) -> str:
    """What an article's pages depend on, except its first page: the bytes of the
    manuscript and issue.yaml as they were read, the figures, the bibliography
    and the pipeline."""
    bibliography = ""
    if article.bibliography:
        bibliography = hashlib.sha256(read_input(article.issue.folder / article.bibliography)).hexdigest()
    parts = (shared, article.digest, article.issue.digest, figures, bibliography,
             *(name for name, _ in article.placeholders))  # a proof's '[bio missing]'
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class State:
    """build/<issue>/state.json: what each output was built from. One that is
    damaged (not JSON, another shape) is set aside with a warning: all is rebuilt."""

    def __init__(self, path: Path):
        self.path = path
        self.warning = ""
        self.data = self._load(path)
        self._lock = threading.Lock()

    def _load(self, path: Path) -> dict:
        empty = {"articles": {}, "pages": {}}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return empty
        except (OSError, ValueError) as exc:
            self.warning = f"{path}: warning: cannot be read ({exc}); every article is rebuilt"
            return empty
        if not _well_formed(data):
            self.warning = (f"{path}: warning: not a state file this pipeline wrote; "
                            "every article is rebuilt")
            return empty
        return data

    def article(self, slug: str) -> dict:
        return self.data["articles"].get(slug, {})

    def pages_of(self, key: str) -> int | None:
        return self.data["pages"].get(key)

    def record(self, slug: str, key: str, built: Built) -> None:
        with self._lock:
            self.data["articles"][slug] = {"key": key, **built.to_json()}
            self.data["pages"][key] = built.pages

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_text(json.dumps(self.data, indent=1, sort_keys=True))
            os.replace(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)


def _well_formed(data) -> bool:
    """The shape State writes: {"articles": {slug: {...}}, "pages": {key: n}, "issue_key"?}."""
    def entry(value) -> bool:
        return (isinstance(value, dict) and isinstance(value.get("key"), str)
                and all(type(value.get(name)) is int for name in ("first_page", "pages"))
                and isinstance(value.get("warnings", []), list)
                and all(isinstance(w, str) for w in value.get("warnings", [])))
    return (isinstance(data, dict) and isinstance(data.get("articles"), dict)
            and isinstance(data.get("pages"), dict)
            and isinstance(data.get("issue_key", ""), str)
            and all(entry(v) for v in data["articles"].values())
            and all(type(n) is int for n in data["pages"].values()))


@contextmanager
def issue_lock(folder: Path):
    """Hold build/<issue>/.lock: a second build of the issue waits until the first ends."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(printable(f"{folder.name}: another build of this issue is running; "
                            "waiting for it"), file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # the lock ends with the file's closing (or the process)


# ---------------------------------------------------------------- building
def build_issue(folder: Path, dirs: BuildDirs, *, jobs: int,
                only: set[str] | None = None) -> IssueResult:
    """Build an issue's offprints and, unless only some articles were asked
    for, its issue PDF; check everything made before it replaces anything."""
    from . import preflight
    issue, articles = load(folder)
    if only and not only & {a.slug for a in articles}:
        raise InputError(f"{', '.join(only)} is not listed in issue.yaml",
                         where=Location(folder / "issue.yaml"),
                         hint="add the file to 'articles' in issue.yaml")
    preflight.refuse_errors(preflight.gate([a for a in articles if not only or a.slug in only]))
    progress = Progress()
    with issue_lock(dirs.issue(issue.slug)):
        state = State(dirs.issue(issue.slug) / "state.json")
        try:
            result = build_articles(issue, articles, dirs, jobs=jobs, progress=progress,
                                    only=only, state=state)
            if not result.failures and not only:
                result.issue_pdf = _issue_pdf(issue, articles, result, dirs, progress, state)
                result.notes += _remove_stale(issue, dirs)
        finally:
            progress.close()
    return result


def _issue_pdf(issue: Issue, articles: list[Article], result: IssueResult, dirs: BuildDirs,
               progress: Progress, state: State) -> Path | None:
    """Assemble, check and move the issue PDF into place; None if it was up to date."""
    issue_key = hashlib.sha256(json.dumps(
        [state.article(a.slug) for a in articles], sort_keys=True).encode()).hexdigest()
    output = dirs.issue_pdf(issue.slug)
    if state.data.get("issue_key") == issue_key and output.exists() and not result.rebuilt:
        return None
    from . import check, compose  # PyLaTeX, pikepdf, poppler: only to make the issue PDF
    temporary = output.with_name(f".issue.pdf.{os.getpid()}.tmp")
    try:
        progress.stage("issue", "cover, contents and assembly")
        compose.assemble(issue, result.built, dirs, temporary, proven=False)
        progress.stage("issue", "checking every page")
        with ThreadPoolExecutor(max_workers=1) as pool:  # pikepdf.pdfa in Python, poppler beside it
            proof = pool.submit(pdfa.prove, temporary, where=issue.folder / "issue.yaml")
            try:
                check.check_issue(issue, result.built, temporary)
            finally:
                proof.result()  # a PDF/A failure (exit 6, its rules) is told first
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    state.data["issue_key"] = issue_key
    state.save()
    return output


def _remove_stale(issue: Issue, dirs: BuildDirs) -> list[str]:
    """Offprints and logs of articles issue.yaml no longer lists go with the final build."""
    from .preflight import stale_outputs
    removed = []
    for path in stale_outputs(issue, dirs):
        path.unlink(missing_ok=True)
        removed.append(f"{path}: removed (its article is no longer in issue.yaml)")
    return removed


def build_articles(issue: Issue, articles: list[Article], dirs: BuildDirs, *, jobs: int,
                   progress=None, only: set[str] | None = None,
                   state: State | None = None, mode: BuildMode = FINAL) -> IssueResult:
    """Build (or reuse) every article with its issue page numbers (as final PDFs or proofs)."""
    state = state or State(dirs.issue(issue.slug) / "state.json")
    shared = _shared_digest(TEMPLATES, STYLES / issue.style, ROOT / "pipeline")
    figures = figure_files(issue.folder, dirs, tuple(articles))
    figures_key = figures_digest(figures)
    keys = {a.slug: content_key(a, shared, figures_key) for a in articles}
    result = IssueResult(issue, notes=[state.warning] if state.warning else [])
    progress = progress or Progress()

    def predicted_first_pages() -> dict[str, int]:
        page, firsts = issue.first_page, {}
        for a in articles:
            firsts[a.slug] = page
            page += state.pages_of(keys[a.slug]) or state.article(a.slug).get("pages", 1)
        return firsts

    def up_to_date(a: Article, first: int) -> bool:
        old = state.article(a.slug)
        return (old.get("key") == keys[a.slug] and old.get("first_page") == first
                and dirs.article_pdf(issue.slug, a.slug).exists())

    def build(a: Article, first: int):
        progress.start(a.slug)
        try:
            built = build_article(a, first, dirs.article_pdf(issue.slug, a.slug), dirs,
                                  key=keys[a.slug], stage=lambda name: progress.stage(a.slug, name),
                                  figures=figures, mode=mode)
        except PipelineError as error:
            progress.done(a.slug, failed=True)
            return a, error
        state.record(a.slug, keys[a.slug], built)
        if a.slug not in result.rebuilt:  # a fix-up round may build it twice
            result.rebuilt.append(a.slug)
        progress.done(a.slug)
        return a, built

    needed = [a for a in articles if only is None or _needed(a, articles, only)]
    for _round in range(3):  # one fix-up round suffices; a third means a page count flip-flops
        firsts = predicted_first_pages()
        todo = [a for a in needed if not up_to_date(a, firsts[a.slug])]
        if not todo:
            break
        progress.plan(len(todo))
        if not mode.proof:  # fonts met again: in the issue PDF, in the articles rebuilt
            reused = [a for a in needed if a not in todo] if only is None else []
            last_issue = [dirs.issue_pdf(issue.slug)] if only is None else []  # cover, contents
            pdfa.parse_fonts_meanwhile([*(dirs.article_pdf(issue.slug, a.slug)
                                          for a in reused + todo), *last_issue])
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            outcomes = list(pool.map(lambda a: build(a, firsts[a.slug]), todo))
        state.save()
        failed = [(a, o) for a, o in outcomes if isinstance(o, PipelineError)]
        if failed:
            result.failures = failed
            break
    firsts = predicted_first_pages()
    unsettled = [a.slug for a in needed if not up_to_date(a, firsts[a.slug])]
    if unsettled and not result.failures:
        raise InvalidOutput(f"the page numbers of {', '.join(unsettled)} did not settle after "
                            "three rounds (an article's page count changes with its first page)",
                            where=Location(issue.folder / "issue.yaml"),
                            hint="report this with the issue folder; it is a bug in the class")
    for a in needed:
        old = state.article(a.slug)
        if old and up_to_date(a, firsts[a.slug]):
            result.built.append(Built.from_json(a, dirs.article_pdf(issue.slug, a.slug), old))
    return result


def _needed(article: Article, articles: list[Article], only: set[str]) -> bool:
    """An article is needed for `only` if it is one of them or comes before one."""
    last = max(i for i, a in enumerate(articles) if a.slug in only)
    return articles.index(article) <= last


class Progress:
    """Which article is at which stage: a live line on a terminal, log lines otherwise."""

    def __init__(self, stream=sys.stderr):
        self.total, self.finished, self.running = 0, 0, {}
        self.stream, self.live = stream, stream.isatty()
        self._lock = threading.Lock()

    def plan(self, count: int) -> None:
        self.total += count

    def start(self, slug: str) -> None:
        self.stage(slug, "starting")

    def stage(self, slug: str, name: str) -> None:
        with self._lock:
            self.running[slug] = name
            self._show(f"{slug}: {name}")

    def done(self, slug: str, failed: bool = False) -> None:
        with self._lock:
            self.running.pop(slug, None)
            self.finished += 1
            self._show(f"{'FAILED' if failed else 'built'} {slug}")

    def _show(self, event: str) -> None:
        event = printable(event)
        if self.live:
            running = printable(", ".join(f"{slug} ({name})"
                                          for slug, name in sorted(self.running.items())))
            self.stream.write(f"\r\033[K[{self.finished}/{self.total} done] {running or '-'}")
            self.stream.flush()
        else:
            self.stream.write(f"[{self.finished}/{self.total}] {event}\n")

    def close(self) -> None:
        if self.live:
            self.stream.write("\r\033[K")
