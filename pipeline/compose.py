"""The issue PDF: cover and contents (generated with PyLaTeX), then the
offprints' own pages, with bookmarks, page labels and issue metadata."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pylatex import Command, Document, NoEscape
from pylatex.utils import escape_latex

from . import engines, metadata, pdfscan
from .article import Built, typeset
from .errors import InvalidOutput, Location, PipelineError
from .model import Issue
from .paths import BuildDirs
from .runner import Budget


def front_matter_source(issue: Issue, built: list[Built]) -> str:
    """LaTeX of the cover (if the issue has one) and the contents page."""
    doc = Document()  # only its content is used: the preamble must match the format's
    doc.append(Command("pagenumbering", "roman"))  # cover i, contents ii, as the page labels
    setup = (f"series={{{escape_latex(issue.series)}}},volume={issue.volume},"
             f"number={issue.number},date={{{issue.date_label}}}")
    if issue.cover:
        doc.append(Command("spotlightcover", [
            escape_latex(issue.publisher), escape_latex(f"ISSN {issue.issn}" if issue.issn else "")]))
    doc.append(NoEscape(r"\begin{spotlightcontents}"))
    for item in built:
        authors = ", ".join(metadata.plain(a.name) for a in item.article.authors)
        doc.append(Command("spotlightcontentsentry", [
            escape_latex(metadata.record_title(item.article)), escape_latex(authors),
            str(item.first_page)]))
    doc.append(NoEscape(r"\end{spotlightcontents}"))
    doc.append(Command("spotlighteditorial", [escape_latex(_editorial(issue))]))
    return (f"\\documentclass{{{issue.style}}}\n\\endofdump\n\\spotlightsetup{{{setup}}}\n"
            f"\\begin{{document}}\n{doc.dumps_content()}\n\\end{{document}}\n")


def _editorial(issue: Issue) -> str:
    """Editorial matter as lines 'Label: value' (a newline between)."""
    editorial = issue.editorial
    lines = []
    for label, key in (("Patron", "patron"), ("Editor", "editor")):
        if editorial.get(key):
            lines.append(f"{label}: {editorial[key]}")
    if editorial.get("board"):
        lines.append("Editorial Board: " + "; ".join(editorial["board"]))
    for key in ("disclaimer", "copyright"):
        if editorial.get(key):
            lines.append(editorial[key])
    return "\n".join(lines)


def front_matter_pdf(issue: Issue, built: list[Built], dirs: BuildDirs) -> Path:
    """Typeset cover and contents in a scratch folder; return the PDF's path there."""
    budget = Budget.of(issue.limits)
    dirs.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="front-", dir=dirs.work))
    tex = work / "front.tex"
    source = front_matter_source(issue, built)
    tex.write_text(source, encoding="utf-8")
    try:
        return typeset(engines.engine_for_text(source), issue.style, tex, budget, dirs)
    except PipelineError as error:
        kept = dirs.log(issue.slug, "front-matter")
        kept.parent.mkdir(parents=True, exist_ok=True)
        if error.log and error.log.exists():
            shutil.copyfile(error.log, kept)
            error.log = kept
        error.where = Location(issue.folder / "issue.yaml")
        shutil.rmtree(work, ignore_errors=True)
        raise


def assemble(issue: Issue, built: list[Built], dirs: BuildDirs, output: Path) -> None:
    """Write the issue PDF (front matter, then the offprints' pages) to output."""
    import pikepdf

    front = front_matter_pdf(issue, built, dirs)
    try:
        with pikepdf.new() as pdf:
            with pikepdf.open(front) as front_pdf:
                pdf.add_pages_from(front_pdf, outlines="ignore")
                front_pages = len(front_pdf.pages)
            starts = []
            for item in built:
                starts.append(len(pdf.pages))
                with pikepdf.open(item.pdf) as part:
                    pdf.add_pages_from(part, outlines="ignore")  # keeps the notes' links
            _outline(pdf, issue, built, front_pages, starts)
            pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[
                0, pikepdf.Dictionary(S=pikepdf.Name.r),
                front_pages, pikepdf.Dictionary(S=pikepdf.Name.D, St=issue.first_page)])
            pdf.Root.PageMode = pikepdf.Name.UseOutlines
            metadata.apply(pdf, metadata.issue_record(issue, built))
            pdfscan.check(pdf, Location(issue.folder / "issue.yaml"))
            pdf.save(output, deterministic_id=True)
    except pikepdf.PdfError as exc:
        raise InvalidOutput(f"could not assemble the issue PDF ({exc})",
                            where=Location(issue.folder / "issue.yaml")) from None
    finally:
        shutil.rmtree(front.parent, ignore_errors=True)


def _outline(pdf, issue: Issue, built: list[Built], front_pages: int, starts: list[int]) -> None:
    import pikepdf

    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Contents", front_pages - 1))
        for item, start in zip(built, starts):
            outline.root.append(pikepdf.OutlineItem(metadata.record_title(item.article), start))
