"""Proofs: marked PDFs of an issue or one article, kept in numbered rounds.

build/<issue>/proofs/round-N/ holds one round, never overwritten:

    proof.pdf                 the whole issue (an issue proof only)
    articles/<slug>.pdf       each article's proof
    logs/<slug>.log           its TeX log (overfull lines, widows: for the preflight)
    pages/<slug>-<k>.png      a thumbnail of each page (k from 1)
    pages/<slug>-sheet.png    all of an article's pages at a glance
    sources/                  issue.yaml, the manuscripts and figures of the round
    round.json                {"round", "date", "checksum", "articles", "issue_pdf", ...}

A new round is made only when the sources changed (their checksum is made
from the same bytes as the cache key). A round is built in a scratch
folder and renamed into place when complete. Watch mode builds into
proofs/live/ instead, replaced at each save (a save is not a round).

A proof may be built where the final build refuses: a printed field still
missing prints as '[bio missing]' and is listed in round.json's placeholders.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .article import Built, BuildMode, Figure, figure_files
from .errors import InputError, Location
from .issue import State, build_articles, figures_digest, issue_lock
from .model import Article, Issue, load_issue
from .paths import BuildDirs, ProofDirs
from .sources import read_input
from .style import load_article
from .tools import poppler

THUMBNAIL = 600       # pixels, the longest side of a page thumbnail
SHEET_CELL = 260      # pixels, the height of a page on a contact sheet
SHEET_COLUMNS = 6
LIVE = "live"


@dataclass(frozen=True)
class ProofArticle:
    slug: str
    pdf: Path
    first_page: int
    pages: int
    log: Path


@dataclass(frozen=True)
class Round:
    """One proof round as round.json records it (number 0: the live proof of watch mode)."""

    number: int
    folder: Path
    date: str
    checksum: str
    articles: tuple[ProofArticle, ...]
    issue_pdf: Path | None
    placeholders: tuple[dict, ...] = ()
    warnings: tuple[str, ...] = ()
    new: bool = True  # False: the sources had not changed, this is the last round

    def to_json(self) -> dict:
        return {"round": self.number, "date": self.date, "checksum": self.checksum,
                "articles": [{"slug": a.slug, "first_page": a.first_page, "pages": a.pages,
                              "pdf": a.pdf.relative_to(self.folder).as_posix(),
                              "log": a.log.relative_to(self.folder).as_posix()}
                             for a in self.articles],
                "issue_pdf": self.issue_pdf.name if self.issue_pdf else None,
                "placeholders": list(self.placeholders), "warnings": list(self.warnings)}

    @classmethod
    def read(cls, folder: Path, new: bool = True) -> Round:
        data = json.loads((folder / "round.json").read_text(encoding="utf-8"))
        articles = tuple(ProofArticle(a["slug"], folder / a["pdf"], a["first_page"], a["pages"],
                                      folder / a["log"]) for a in data["articles"])
        return cls(data["round"], folder, data["date"], data["checksum"], articles,
                   folder / data["issue_pdf"] if data["issue_pdf"] else None,
                   tuple(data.get("placeholders", [])), tuple(data.get("warnings", [])), new)


def rounds(dirs: BuildDirs, issue_slug: str) -> list[Round]:
    """The issue's proof rounds, oldest first (the live proof of watch mode is not one)."""
    found = []
    for folder in dirs.proofs(issue_slug).glob("round-*"):
        number = folder.name.removeprefix("round-")
        if number.isdigit() and (folder / "round.json").is_file():
            found.append(Round.read(folder, new=False))
    return sorted(found, key=lambda r: r.number)


def build_proof(target: Path, dirs: BuildDirs, jobs: int, *, live: bool = False) -> Round:
    """Proof an issue folder, or one manuscript (listed in issue.yaml or not).

    A new round when the sources changed since the last one, else that last
    round (Round.new False). live: build into proofs/live/ (watch mode)."""
    issue, articles = _load(Path(target))
    figures = figure_files(issue.folder, dirs, tuple(articles))
    checksum = sources_checksum(issue, articles, figures)
    proofs = dirs.proofs(issue.slug)
    with issue_lock(dirs.issue(issue.slug)):
        earlier = rounds(dirs, issue.slug)
        if not live and earlier and earlier[-1].checksum == checksum:
            return earlier[-1]
        number = 0 if live else (earlier[-1].number + 1 if earlier else 1)
        final = proofs / (LIVE if live else f"round-{number}")
        scratch = proofs / f".{final.name}.{os.getpid()}.tmp"
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            _build_round(issue, articles, figures, ProofDirs(dirs.root, folder=scratch),
                         number, checksum, jobs, whole_issue=Path(target).suffix != ".md",
                         thumbnails=not live)
            _move_into_place(scratch, final)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return Round.read(final)


def _load(target: Path) -> tuple[Issue, list[Article]]:
    """The issue and the articles to proof; printed fields still missing become placeholders."""
    if target.suffix == ".md":
        issue = load_issue(target.parent)
        path = target.resolve()
        if not path.is_file():
            raise InputError(f"there is no manuscript {target}", where=Location(target),
                             hint="give the path of a .md file in an issue folder")
        return issue, [load_article(path, issue, proof=True)]
    issue = load_issue(target)
    return issue, [load_article(path, issue, proof=True) for path in issue.articles]


def sources_checksum(issue: Issue, articles: list[Article], figures: list[Figure]) -> str:
    """Short checksum of what the round is made from: the bytes the cache key
    uses (issue.yaml, manuscripts, figures, bibliographies), as read."""
    digest = hashlib.sha256(issue.digest.encode())
    for article in articles:
        digest.update(f"\0{article.slug}\0{article.digest}".encode())
    digest.update(figures_digest(figures).encode())
    for name in sorted({a.bibliography for a in articles if a.bibliography}):
        digest.update(hashlib.sha256(read_input(issue.folder / name)).digest())
    return digest.hexdigest()[:8]


def _build_round(issue: Issue, articles: list[Article], figures: list[Figure], dirs: ProofDirs,
                 number: int, checksum: str, jobs: int, *, whole_issue: bool,
                 thumbnails: bool) -> None:
    """Build every article's proof (and the issue's) into dirs.folder, with its
    sources, thumbnails and round.json. Raise the first article's error."""
    date = datetime.date.today().isoformat()
    label = f"Round {number}" if number else "Live proof"
    mode = BuildMode(proof=True, stamp=f"{label}\\quad {date}\\quad sources {checksum}")
    built = _proof_articles(issue, articles, dirs, mode, jobs, whole_issue)
    issue_pdf = dirs.issue_pdf(issue.slug) if whole_issue else None
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:  # pdftoppm, TeX: processes
        tasks = [pool.submit(_previews, b.pdf, dirs.folder / "pages", b.article.slug,
                             b.first_page) for b in built if thumbnails]
        if issue_pdf:
            from . import compose
            tasks.append(pool.submit(compose.assemble, issue, built, dirs, issue_pdf, mode))
        _copy_sources(issue, articles, figures, dirs.folder / "sources")
        for task in tasks:
            task.result()  # an error of any of them is raised here
    made = Round(number, dirs.folder, date, checksum,
                 tuple(ProofArticle(b.article.slug, b.pdf, b.first_page, b.pages,
                                    dirs.log(issue.slug, b.article.slug)) for b in built),
                 issue_pdf,
                 tuple({"slug": a.slug, "field": name, "file": str(a.path), "line": line}
                       for a in articles for name, line in a.placeholders),
                 tuple(w for b in built for w in b.warnings))
    (dirs.folder / "round.json").write_text(json.dumps(made.to_json(), indent=1,
                                                       ensure_ascii=False), encoding="utf-8")


def _proof_articles(issue: Issue, articles: list[Article], dirs: ProofDirs, mode: BuildMode,
                    jobs: int, whole_issue: bool) -> list[Built]:
    """The articles' proofs, paginated as in the issue (one alone: at its issue
    pages if the final build placed it, else at page 1); the first error raised."""
    final = State(BuildDirs(dirs.root).issue(issue.slug) / "state.json")
    if not whole_issue:
        first = final.article(articles[0].slug).get("first_page", 1) \
            if articles[0].path in issue.articles else 1
        issue = replace(issue, first_page=first)
    state = State(dirs.proofs(issue.slug) / "state.json")  # proofs' own, apart from finals'
    state.data["pages"] = final.data["pages"] | state.data["pages"]  # lineno moves no page
    result = build_articles(issue, articles, dirs, jobs=jobs, state=state, mode=mode)
    if result.failures:
        _, error = result.failures[0]
        if len(result.failures) > 1:
            error.message += (" (and " + ", ".join(a.slug for a, _ in result.failures[1:])
                              + " failed too)")
        raise error
    return result.built


def _copy_sources(issue: Issue, articles: list[Article], figures: list[Figure],
                  target: Path) -> None:
    """issue.yaml, the round's manuscripts, bibliographies and figures, as the diff reads them."""
    target.mkdir(parents=True, exist_ok=True)
    names = ["issue.yaml", *(a.path.name for a in articles),
             *sorted({a.bibliography for a in articles if a.bibliography})]
    for name in names:
        shutil.copyfile(issue.folder / name, target / name)
    for figure in figures:
        (target / figure.name).parent.mkdir(parents=True, exist_ok=True)
        (target / figure.name).write_bytes(figure.data)


def _previews(pdf: Path, folder: Path, slug: str, first_page: int) -> None:
    """pages/<slug>-<k>.png for each page, and pages/<slug>-sheet.png with them all."""
    from PIL import Image, ImageDraw

    images = poppler.page_images(pdf, folder, slug, THUMBNAIL)
    columns = min(len(images), SHEET_COLUMNS)
    rows = -(-len(images) // columns)
    gap, label = 12, 18
    cells = []
    for image in images:
        with Image.open(image) as page:
            width = round(page.width * SHEET_CELL / page.height)
            cells.append(page.convert("RGB").resize((width, SHEET_CELL), Image.LANCZOS))
    cell_width = max(c.width for c in cells)
    sheet = Image.new("RGB", (gap + columns * (cell_width + gap),
                              gap + rows * (SHEET_CELL + label + gap)), (225, 225, 225))
    draw = ImageDraw.Draw(sheet)
    for index, cell in enumerate(cells):
        x = gap + (index % columns) * (cell_width + gap)
        y = gap + (index // columns) * (SHEET_CELL + label + gap)
        sheet.paste(cell, (x, y))
        draw.rectangle((x - 1, y - 1, x + cell.width, y + SHEET_CELL), outline=(150, 150, 150))
        draw.text((x + cell.width // 2, y + SHEET_CELL + 3), f"p. {first_page + index}",
                  fill=(60, 60, 60), anchor="ma")
    sheet.save(folder / f"{slug}-sheet.png")


def _move_into_place(scratch: Path, final: Path) -> None:
    """A finished round takes its name; the live proof replaces the last one."""
    if final.exists():  # only the live proof: a round's number is always new
        old = final.with_name(f".{final.name}.old.{os.getpid()}")
        os.replace(final, old)
        os.replace(scratch, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(scratch, final)



def summary(made: Round) -> str:
    """What an editor needs to know of a round, for the terminal."""
    lines = [f"new proof round {made.number}: {made.folder}" if made.new else
             f"sources unchanged since round {made.number}; no new round: {made.folder}"]
    lines += [f"  {made.issue_pdf}"] if made.issue_pdf else []
    lines += [f"  {a.pdf} (pp. {a.first_page}-{a.first_page + a.pages - 1})" for a in made.articles]
    lines += [f"  {placeholder_line(p)}" for p in made.placeholders]
    return "\n".join(lines + [f"  {w}" for w in made.warnings])


def placeholder_line(placeholder: dict) -> str:
    """'file:line: warning: ...' for one placeholder a proof printed."""
    return (f"{placeholder['file']}:{placeholder['line']}: warning: {placeholder['field']} is "
            f"missing; the proof prints [{placeholder['field'].rsplit('.', 1)[-1]} missing] and "
            "the final build refuses it")
