"""The recipe for one article: model -> Pandoc -> TeX engine -> checked, stamped PDF.

Everything happens in a fresh scratch folder; the finished PDF is moved
into place only when every step succeeded, so a failed build never leaves
a partial file nor replaces the last good one.
"""
from __future__ import annotations

import importlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import check, citations, engines, manuscript, metadata, pdfa, pdfscan, tex
from .errors import BuildFailed, InputError, InvalidOutput, LimitReached, Location
from .fields import FrontMatter
from .model import Article
from .paths import TEMPLATES, BuildDirs
from .runner import Budget
from .sources import MAX_FIGURE_BYTES, check_name, read_input
from .style import style_of
from .tools import pandoc

FIGURE_TYPES = {".png", ".jpg", ".jpeg", ".pdf"}
FIELDS = "fields.json"  # the front matter as rendered, written by filters/rendered.lua


@dataclass(frozen=True)
class BuildMode:
    """What a build makes. The final PDF (PDF/A), or a proof: marked for what it
    is by the class (watermark, line numbers, stamp), not PDF/A, its TeX log kept
    (dirs.log) and its .aux cached apart from the final one's."""

    proof: bool = False
    stamp: str = ""  # the proof's: round, build date, sources checksum (plain words)

    def class_keys(self, lines: bool = True) -> str:
        """The class keys this mode adds to \\journalsetup (after a comma);
        lines: number the lines (an article's body and notes, not the contents)."""
        if not self.proof:
            return ""
        return f",proof=true,proofstamp={{{self.stamp}}}" + (",prooflines=true" if lines else "")

    @property
    def aux_suffix(self) -> str:
        return "-proof" if self.proof else ""


FINAL = BuildMode()


@dataclass
class Built:
    """A finished article: where its PDF is, its pages, its front matter as
    rendered (for the contents, bookmarks and metadata), and what to look at."""

    article: Article
    pdf: Path
    first_page: int
    pages: int
    rendered: FrontMatter
    warnings: list[str] = field(default_factory=list)
    engine: str = ""  # the TeX engine that made its pages ('pdflatex', 'xelatex')

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1

    def to_json(self) -> dict:
        return {"first_page": self.first_page, "pages": self.pages,
                "rendered": self.rendered.to_json(), "warnings": self.warnings,
                "engine": self.engine}

    @classmethod
    def from_json(cls, article: Article, pdf: Path, data: dict) -> Built:
        return cls(article, pdf, data["first_page"], data["pages"],
                   FrontMatter.from_json(data["rendered"]), list(data.get("warnings", [])),
                   str(data.get("engine", "")))


def build_article(article: Article, first_page: int, output: Path, dirs: BuildDirs,
                  key: str | None = None, stage=lambda name: None,
                  figures: list[Figure] | None = None, mode: BuildMode = FINAL) -> Built:
    """Build article so that its first page is numbered first_page; write output.

    With a content key, Pandoc's LaTeX is cached under it: a build that only
    moves the article to other page numbers runs the TeX engine alone.
    figures are the issue's figures as read for that key (read now if None).
    stage(name) is told each step as it starts (for progress displays).
    mode: final or proof (BuildMode)."""
    warnings = list(article.warnings) + manuscript.stop_at_errors(manuscript.check(article))
    _import_pikepdf_meanwhile("pikepdf" if mode.proof else "pikepdf.pdfa")
    issue = article.issue
    budget = Budget.of(issue.limits)
    dirs.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{article.slug}-", dir=dirs.work))
    try:
        _copy_figures(figure_files(issue.folder, dirs) if figures is None else figures, work)
        (work / "pagesetup.tex").write_text(style_of(issue).setup(
            issue, article.language,
            f",firstpage={first_page},maxpages={issue.limits.pages}{mode.class_keys()}"))
        warnings += [line for line in _latex_source(article, work, budget, dirs.cache / "latex",
                                                    key, stage)
                     if "Note with key" not in line]  # the unused note: reported above
        made = _typeset(article, work / "article.tex", budget, dirs, first_page,
                        key and key + mode.aux_suffix, stage)
        warnings += _overfull_warnings(article, made)
        stage("checking and stamping")
        rendered = FrontMatter.from_json(json.loads((work / FIELDS).read_text(encoding="utf-8")))
        pages = _finish(article, rendered, made, first_page, work / "final.pdf", mode)
        if mode.proof:  # the preflight reads overfull lines and widows from it
            tex.keep_log(made.log, dirs.log(issue.slug, article.slug))
        output.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work / "final.pdf", output)
        return Built(article, output, first_page, pages, rendered, warnings, made.engine)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _import_pikepdf_meanwhile(module: str) -> None:
    """pikepdf takes 0.1-0.15 s to import, and pikepdf.pdfa (fontTools,
    jsonschema: for a final PDF's proof) 0.2 s more: do it while Pandoc and TeX
    run. Not a daemon: an exit in the middle of the import (a build that fails
    fast) would abort Python (nanobind's 'Critical nanobind error', exit -6); the exit waits."""
    if module not in sys.modules:
        threading.Thread(target=importlib.import_module, args=(module,)).start()


def _defaults(article: Article) -> list[Path]:
    """Pandoc's layers: the shared one, citations and raw LaTeX as the article
    needs, and last the style's (its template and filters; the endnotes filter)."""
    layers = [TEMPLATES / "pandoc.yaml"]
    if article.bibliography:
        layers.append(TEMPLATES / "citations.yaml")
    if article.issue.allow_raw_latex:
        layers.append(TEMPLATES / "raw-latex.yaml")
        if article.bibliography:  # each layer's `from` replaces the last: say both
            layers.append(TEMPLATES / "raw-latex-citations.yaml")
    return layers + style_of(article.issue).layers


def _copy_bibliography(article: Article, work: Path) -> dict:
    """The bibliography, copied into the work folder (citeproc reads it even
    under --sandbox, so it reads only this copy); the metadata naming it."""
    if not article.bibliography:
        return {}
    name = "references" + Path(article.bibliography).suffix.lower()
    shutil.copyfile(article.issue.folder / article.bibliography, work / name)
    return {"bibliography": name}


def _latex_source(article: Article, work: Path, budget: Budget, cache: Path,
                  key: str | None, stage) -> list[str]:
    """work/article.tex and work/fields.json from the cache or from Pandoc;
    return Pandoc's warnings."""
    cached, cached_warnings = cache / f"{key}.tex", cache / f"{key}.json"
    cached_fields = cache / f"{key}.{FIELDS}"
    if key and cached.exists() and cached_warnings.exists() and cached_fields.exists():
        shutil.copyfile(cached, work / "article.tex")
        shutil.copyfile(cached_fields, work / FIELDS)
        return json.loads(cached_warnings.read_text())
    stage("Pandoc")
    source = work / "article.md"  # padded so Pandoc's line numbers are the manuscript's
    source.write_text("\n" * (article.body_line - 1) + article.body, encoding="utf-8")
    variables = template_variables(article) | _copy_bibliography(article, work)
    (work / "meta.json").write_text(json.dumps(variables, ensure_ascii=False),
                                    encoding="utf-8")  # Pandoc's YAML refuses \ud84b-style escapes
    warnings = pandoc.to_latex(source, work / "article.tex", defaults=_defaults(article),
                               metadata=work / "meta.json", cwd=work, budget=budget,
                               manuscript=article.path)
    citations.check_keys(article, warnings)
    if article.bibliography != article.issue.bibliography:  # the issue's: `check` judges it
        warnings += citations.unused_entries([article], budget)
    if key:
        cache.mkdir(parents=True, exist_ok=True)
        for data, target in ((work / "article.tex").read_bytes(), cached), \
                            (json.dumps(warnings).encode(), cached_warnings), \
                            ((work / FIELDS).read_bytes(), cached_fields):
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
    return warnings


def template_variables(article: Article) -> dict:
    """Every value the template receives, from the model alone (the issue's
    reach the class as keys, in pagesetup.tex: Style.setup)."""
    return {"documentclass": article.issue.style} | style_of(article.issue).printed_values(article)


@dataclass(frozen=True)
class Figure:
    """An image file of the issue folder, read once: its issue-relative name and bytes."""

    name: str
    data: bytes


# TeX's own files in the work folder are article.* and final.pdf: a figure
# of that name would overwrite them or be overwritten.
RESERVED_STEMS = {"article", "final", "pagesetup", "meta"}


def figure_files(folder: Path, dirs: BuildDirs, articles: tuple[Article, ...] = ()
                 ) -> list[Figure]:
    """The issue folder's image files, each read once (nothing hidden, nothing
    built). A link, a FIFO or device, a file over MAX_FIGURE_BYTES, or a name
    TeX's own files use is an input error, at the line of articles that uses it."""
    figures = []
    for top, folders, names in os.walk(folder):
        top = Path(top)
        folders[:] = sorted(name for name in folders if not name.startswith(".")
                            and not (top / name).resolve().is_relative_to(dirs.root))
        for name in sorted(names):
            path = top / name
            if name.startswith(".") or path.suffix.lower() not in FIGURE_TYPES:
                continue
            relative = path.relative_to(folder).as_posix()
            try:
                if "/" not in relative and path.stem.lower() in RESERVED_STEMS:
                    raise InputError(f"the figure's name '{name}' is one TeX's own files use",
                                     where=Location(path), hint=f"rename it (e.g. "
                                     f"'figure-{name}') and the reference to it")
                check_name(path)
                figures.append(Figure(relative, read_input(path, MAX_FIGURE_BYTES)))
            except InputError as error:
                raise _at_use(error, relative, articles) from None
    return figures


def _at_use(error: InputError, relative: str, articles) -> InputError:
    """The error at the first manuscript line that uses the figure, if one does."""
    for article in articles:
        line = _line_with(article, [relative])
        if line:
            error.message = f"figure '{relative}': {error.message}"
            error.where = Location(article.path, line)
            break
    return error


def _copy_figures(figures: list[Figure], work: Path) -> None:
    """Write the issue's images, as read, into the work folder: TeX reads only its own folder."""
    for figure in figures:
        target = work / figure.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(figure.data)


def _typeset(article: Article, tex_file: Path, budget: Budget, dirs: BuildDirs,
             first_page: int, key: str | None, stage) -> tex.TexOutput:
    """Typeset, starting from the .aux of the same LaTeX built before (on
    whatever pages); point an error at its manuscript line."""
    try:
        return tex.typeset(tex_file, engines.article_text(article),
                           style_dir=style_of(article.issue).folder, budget=budget,
                           formats=dirs.cache / "formats",
                           raw_latex=article.issue.allow_raw_latex,
                           aux_cache=dirs.cache / "latex" / f"{key}.aux" if key else None,
                           first_page=first_page, stage=stage)
    except (BuildFailed, LimitReached) as error:
        raise _located(error, article, tex_file, dirs) from None


def _located(error: BuildFailed | LimitReached, article: Article, tex_file: Path,
             dirs: BuildDirs) -> BuildFailed | LimitReached:
    """Point a TeX error at the manuscript line it came from; keep the log."""
    error.log = tex.keep_log(error.log, dirs.log(article.issue.slug, article.slug)) or error.log
    tex_line = error.tex_line if isinstance(error, tex.LatexError) else None
    error.where = Location(article.path,
                           manuscript_line(article, tex_file, tex_line, error.message))
    return error


def manuscript_line(article: Article, tex_file: Path, tex_line: int | None,
                    message: str) -> int | None:
    """Best guess of the manuscript line that produced a TeX line or message."""
    named = re.search(r"(?:Unicode character|the character) (.) \(U\+|\(file \./([^)]+)\)"
                      r"|File `([^']+)' not found", message)
    if named:
        name = next(group for group in named.groups() if group)
        line = _line_with(article, [name]) or _line_with(article, [name.removesuffix(".tex")])
        if line:
            return line
    if not tex_line:
        return None
    tex_lines = tex_file.read_text(encoding="utf-8").split("\n")
    for shortest in (4, 2):  # words of 2-3 letters ('c30', 'H1') only where no longer ones match
        for nearby in tex_lines[tex_line - 1:tex_line + 5]:  # an environment's words come later
            words = re.findall(rf"[^\W_]{{{shortest},}}", re.sub(r"\\[a-zA-Z]+", " ", nearby))
            line = _line_with(article, sorted(words, key=len, reverse=True)[:6])
            if line:
                return line
    return None


def _line_with(article: Article, needles: list[str]) -> int | None:
    """The manuscript line holding the most of needles (the first such line)."""
    best, best_hits = None, 0
    for number, text in enumerate(article.body.split("\n")):
        hits = sum(needle in text for needle in needles)
        if hits > best_hits:
            best, best_hits = number + article.body_line, hits
    return best


def _overfull_warnings(article: Article, made: tex.TexOutput) -> list[str]:
    tex_file = made.log.with_suffix(".tex")
    return [f"{Location(article.path, manuscript_line(article, tex_file, item.tex_line, ''))}: "
            f"warning: a line runs {item.points:.1f} pt into the margin"
            for item in made.overfull]


def _finish(article: Article, rendered: FrontMatter, made: tex.TexOutput, first_page: int,
            output: Path, mode: BuildMode) -> int:
    """Check the PDF TeX made, stamp its metadata, save to output; return its pages."""
    import pikepdf

    limits = article.issue.limits
    try:
        pdf = pikepdf.open(made.pdf)
    except pikepdf.PdfError as exc:
        raise InvalidOutput(f"TeX wrote a PDF that cannot be read ({exc})",
                            where=Location(article.path)) from None
    with pdf:
        pdfscan.check(pdf, Location(article.path))
        pages = len(pdf.pages)
        if pages == 0:
            raise InvalidOutput("TeX wrote a PDF with no pages", where=Location(article.path),
                                hint="check that the article has printable text")
        if pages > limits.pages:
            raise LimitReached(f"the article has {pages} pages; the limit is {limits.pages}",
                               where=Location(article.path),
                               hint="raise limits.pages in issue.yaml if that is right")
        _check_fonts(article, pdf)
        record = metadata.article_record(article, rendered, first_page, first_page + pages - 1)
        metadata.apply(pdf, record, made_by={made.engine})
        # A viewer's page number is the printed one, whatever the engine did.
        pdf.Root.PageLabels = pikepdf.Dictionary(
            Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.D, St=first_page)])
        if mode.proof:
            save_plain(pdf, output)
        else:
            pdfa.save(pdf, output, where=article.path)
    return pages


def save_plain(pdf, output: Path) -> None:
    """Save a PDF that is not PDF/A (a proof): made in memory, written by Python,
    so a full disk is an OSError (exit 8), not QPDF's abort."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    output.write_bytes(buffer.getbuffer())


def _check_fonts(article: Article, pdf) -> None:
    """Every font embedded and mapped to Unicode, or no offprint."""
    problems = check.font_problems(pdf)
    if problems:
        raise InvalidOutput("the PDF's fonts would not print or copy right:\n    "
                            + "\n    ".join(problems), where=Location(article.path),
                            hint="this is a bug in the pipeline or its class; "
                                 "the last good PDF was kept")
