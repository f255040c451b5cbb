"""The recipe for one article: model -> Pandoc -> TeX engine -> checked, stamped PDF.

Everything happens in a fresh scratch folder; the finished PDF is moved
into place only when every step succeeded, so a failed build never leaves
a partial file nor replaces the last good one.
"""
from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import engines, metadata, texlog
from .errors import BuildFailed, InvalidOutput, LimitReached, Location
from .model import LANGUAGES, Article
from .paths import STYLES, TEMPLATES, BuildDirs
from .runner import Budget
from .tools import latexformat, pandoc, pdflatex, xelatex

FIGURE_TYPES = {".png", ".jpg", ".jpeg", ".pdf"}


@dataclass
class Built:
    """A finished article: where its PDF is, its pages, and what to look at."""

    article: Article
    pdf: Path
    first_page: int
    pages: int
    warnings: list[str] = field(default_factory=list)

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1


def build_article(article: Article, first_page: int, output: Path, dirs: BuildDirs,
                  key: str | None = None, stage=lambda name: None) -> Built:
    """Build article so that its first page is numbered first_page; write output.

    With a content key, Pandoc's LaTeX is cached under it: a build that only
    moves the article to other page numbers runs the TeX engine alone.
    stage(name) is told each step as it starts (for progress displays)."""
    _import_pikepdf_meanwhile()
    issue = article.issue
    budget = Budget.of(issue.limits)
    dirs.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{article.slug}-", dir=dirs.work))
    try:
        _copy_figures(issue.folder, work, dirs)
        (work / "pagesetup.tex").write_text(
            f"\\spotlightsetup{{firstpage={first_page},maxpages={issue.limits.pages}}}\n")
        warnings = _latex_source(article, work, budget, dirs.cache / "latex", key, stage)
        engine = engines.engine_for(article)
        stage(engines.NAMES[engine])
        raw_pdf = _typeset(article, engine, work / "article.tex", budget, dirs)
        warnings += _overfull_warnings(article, work / "article.tex")
        stage("checking and stamping")
        pages = _finish(article, raw_pdf, first_page, work / "final.pdf")
        output.parent.mkdir(parents=True, exist_ok=True)
        os.replace(work / "final.pdf", output)
        return Built(article, output, first_page, pages, warnings)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _import_pikepdf_meanwhile() -> None:
    """pikepdf takes 0.1-0.15 s to import: do it while Pandoc and TeX run."""
    if "pikepdf" not in sys.modules:
        threading.Thread(target=importlib.import_module, args=("pikepdf",), daemon=True).start()


def _defaults(article: Article) -> list[Path]:
    layers = [TEMPLATES / "pandoc.yaml"]
    if article.issue.allow_raw_latex:
        layers.append(TEMPLATES / "raw-latex.yaml")
    return layers


def _latex_source(article: Article, work: Path, budget: Budget, cache: Path,
                  key: str | None, stage) -> list[str]:
    """work/article.tex from the cache or from Pandoc; return Pandoc's warnings."""
    cached, cached_warnings = cache / f"{key}.tex", cache / f"{key}.json"
    if key and cached.exists() and cached_warnings.exists():
        shutil.copyfile(cached, work / "article.tex")
        return json.loads(cached_warnings.read_text())
    stage("Pandoc")
    source = work / "article.md"  # padded so Pandoc's line numbers are the manuscript's
    source.write_text("\n" * (article.body_line - 1) + article.body, encoding="utf-8")
    (work / "meta.json").write_text(json.dumps(template_variables(article), ensure_ascii=False),
                                    encoding="utf-8")  # Pandoc's YAML refuses \ud84b-style escapes
    warnings = pandoc.to_latex(source, work / "article.tex", defaults=_defaults(article),
                               metadata=work / "meta.json", cwd=work, budget=budget,
                               manuscript=article.path)
    if key:
        cache.mkdir(parents=True, exist_ok=True)
        for data, target in ((work / "article.tex").read_bytes(), cached), \
                            (json.dumps(warnings).encode(), cached_warnings):
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(data)
            os.replace(temporary, target)
    return warnings


def template_variables(article: Article) -> dict:
    """Every value the template and the class receive, from the model alone."""
    issue = article.issue
    return {
        "documentclass": issue.style,
        "series": issue.series, "volume": str(issue.volume), "number": str(issue.number),
        "date": issue.date_label,
        "babel-language": LANGUAGES[article.language],
        "title": article.title, "subtitle": article.subtitle,
        "authors": [{"name": author.name, "bio": author.bio} for author in article.authors],
    }


def figure_files(folder: Path, dirs: BuildDirs) -> list[Path]:
    """The issue folder's image files: no links, nothing hidden, nothing built."""
    return sorted(path for path in folder.rglob("*")
                  if path.suffix.lower() in FIGURE_TYPES and path.is_file()
                  and not path.is_symlink() and not path.is_relative_to(dirs.root)
                  and not any(part.startswith(".") for part in path.relative_to(folder).parts))


def _copy_figures(folder: Path, work: Path, dirs: BuildDirs) -> None:
    """Copy the issue's images so that TeX reads only its own folder."""
    for path in figure_files(folder, dirs):
        target = work / path.relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _typeset(article: Article, engine: str, tex: Path, budget: Budget, dirs: BuildDirs) -> Path:
    """Typeset with engine; point an error at the manuscript line it came from."""
    try:
        return typeset(engine, article.issue.style, tex, budget, dirs)
    except (BuildFailed, LimitReached) as error:
        raise _located(error, article, tex, dirs) from None


def typeset(engine: str, style: str, tex: Path, budget: Budget, dirs: BuildDirs) -> Path:
    """tex -> PDF with the given engine; a glyph no font has is an error too."""
    pdf = _from_format(engine, STYLES / style, tex, budget, dirs.cache / "formats")
    missing = texlog.missing_glyphs(tex.with_suffix(".log"))
    if missing:
        raise missing
    return pdf


def _from_format(engine: str, style_dir: Path, tex: Path, budget: Budget, formats: Path) -> Path:
    """One pass of engine from the precompiled preamble, made again if TeX was upgraded."""
    def compile(fmt: Path) -> Path:
        if engine == "xelatex":
            return xelatex.compile(tex, style_dir=style_dir, fmt=fmt, budget=budget)
        return pdflatex.compile(tex, fmt=fmt, budget=budget)
    try:
        return compile(latexformat.format_for(style_dir, formats, budget, engine=engine))
    except latexformat.FormatStale:
        return compile(latexformat.format_for(style_dir, formats, budget, rebuild=True,
                                              engine=engine))


def _located(error: BuildFailed, article: Article, tex: Path, dirs: BuildDirs) -> BuildFailed:
    """Point a TeX error at the manuscript line it came from; keep the log."""
    kept = dirs.log(article.issue.slug, article.slug)
    kept.parent.mkdir(parents=True, exist_ok=True)
    if error.log and error.log.exists():
        shutil.copyfile(error.log, kept)
    error.log = kept
    line = manuscript_line(article, tex, getattr(error, "tex_line", None), error.message)
    error.where = Location(article.path, line)
    return error


def manuscript_line(article: Article, tex: Path, tex_line: int | None, message: str) -> int | None:
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
    tex_lines = tex.read_text(encoding="utf-8").split("\n")
    for nearby in tex_lines[tex_line - 1:tex_line + 5]:  # an environment's words come later
        words = re.findall(r"[^\W_]{4,}", re.sub(r"\\[a-zA-Z]+", " ", nearby))
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


def _overfull_warnings(article: Article, tex: Path) -> list[str]:
    return [f"{Location(article.path, manuscript_line(article, tex, item.tex_line, ''))}: "
            f"warning: a line runs {item.points:.1f} pt into the margin"
            for item in texlog.overfull_lines(tex.with_suffix(".log"))]


def _finish(article: Article, raw_pdf: Path, first_page: int, output: Path) -> int:
    """Check the PDF TeX made, stamp its metadata, save to output; return its pages."""
    import pikepdf

    limits = article.issue.limits
    try:
        pdf = pikepdf.open(raw_pdf)
    except pikepdf.PdfError as exc:
        raise InvalidOutput(f"TeX wrote a PDF that cannot be read ({exc})",
                            where=Location(article.path)) from None
    with pdf:
        pages = len(pdf.pages)
        if pages == 0:
            raise InvalidOutput("TeX wrote a PDF with no pages", where=Location(article.path),
                                hint="check that the article has printable text")
        if pages > limits.pages:
            raise LimitReached(f"the article has {pages} pages; the limit is {limits.pages}",
                               where=Location(article.path),
                               hint="raise limits.pages in issue.yaml if that is right")
        record = metadata.article_record(article, first_page, first_page + pages - 1)
        metadata.apply(pdf, record)
        # A viewer's page number is the printed one, whatever the engine did.
        pdf.Root.PageLabels = pikepdf.Dictionary(
            Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.D, St=first_page)])
        pdf.save(output, deterministic_id=True)
    return pages
