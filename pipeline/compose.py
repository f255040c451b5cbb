"""The issue PDF: cover and contents (generated with PyLaTeX), then the
offprints' own pages, with bookmarks, page labels and issue metadata."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from pylatex import Command, Document, NoEscape
from pylatex.utils import escape_latex

from . import metadata, pdfa, pdfscan, tex
from .article import FINAL, Built, BuildMode, save_plain
from .errors import InvalidOutput, Location, PipelineError
from .model import Issue
from .paths import TEMPLATES, BuildDirs
from .runner import Budget
from .style import style_of
from .tools import pandoc

FRAGMENT = TEMPLATES / "fragment.yaml"  # layered over pandoc.yaml: the body alone


def front_matter_source(issue: Issue, built: list[Built], editorial: str,
                        mode: BuildMode = FINAL) -> str:
    """LaTeX of the cover (if the issue has one) and the contents pages."""
    doc = Document()  # only its content is used: the preamble must match the format's
    doc.append(Command("pagenumbering", "roman"))  # cover i, contents ii, as the page labels
    if issue.cover:
        doc.append(Command("journalcover", [
            escape_latex(issue.publisher),
            escape_latex(f"ISSN {issue.issn}" if issue.issn else "")]))
    doc.append(NoEscape(r"\begin{journalcontents}"))
    for item in built:  # title and names in the very LaTeX the article's first page has
        rendered = item.rendered
        doc.append(NoEscape(f"\\journalcontentsentry[{item.article.type}]"
                            f"{{{rendered.full_title.latex}}}"
                            f"{{{rendered.byline.latex}}}{{{item.first_page}}}"))
    doc.append(NoEscape(r"\end{journalcontents}"))
    doc.append(NoEscape(f"\\journaleditorial{{{editorial}}}"))
    setup = style_of(issue).setup(issue, issue.language, mode.class_keys(lines=False))
    return (f"\\documentclass{{{issue.style}}}\n\\endofdump\n{setup}"
            f"\\begin{{document}}\n{doc.dumps_content()}\n\\end{{document}}\n")


def editorial_latex(issue: Issue, dirs: BuildDirs, budget: Budget) -> str:
    """issue.yaml's editorial matter in LaTeX, one paragraph a line, rendered by
    Pandoc with the articles' filters (so it prints as their text does)."""
    lines = _editorial(issue)
    if not lines:
        return ""
    work = Path(tempfile.mkdtemp(prefix="editorial-", dir=dirs.work))
    source, meta, output = work / "editorial.md", work / "meta.json", work / "editorial.tex"
    source.write_text("\n\n".join(lines), encoding="utf-8")
    meta.write_text("{}", encoding="utf-8")
    try:
        pandoc.to_latex(source, output, defaults=[TEMPLATES / "pandoc.yaml",
                                                  *style_of(issue).layers, FRAGMENT],
                        metadata=meta, cwd=work, budget=budget,
                        manuscript=issue.folder / "issue.yaml")
        return output.read_text(encoding="utf-8")
    except PipelineError as error:
        error.where = Location(issue.folder / "issue.yaml")  # not a line of editorial.md
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _editorial(issue: Issue) -> list[str]:
    """Editorial matter as lines 'Label: value', labelled as the style says."""
    editorial, labels = issue.editorial, style_of(issue).labels
    lines = [f"{getattr(labels, key)}: {value}" for key, value in
             (("patron", editorial.patron), ("editor", editorial.editor)) if value]
    if editorial.board:
        lines.append(f"{labels.board}: " + "; ".join(editorial.board))
    return lines + [text for text in (editorial.disclaimer, editorial.copyright) if text]


def front_matter_pdf(issue: Issue, built: list[Built], dirs: BuildDirs,
                     mode: BuildMode = FINAL) -> tex.TexOutput:
    """Typeset cover and contents in a scratch folder (the PDF is made there)."""
    budget = Budget.of(issue.limits)
    dirs.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="front-", dir=dirs.work))
    tex_file = work / "front.tex"
    source = front_matter_source(issue, built, editorial_latex(issue, dirs, budget), mode)
    tex_file.write_text(source, encoding="utf-8")
    try:
        return tex.typeset(tex_file, source, style_dir=style_of(issue).folder, budget=budget,
                           formats=dirs.cache / "formats")
    except PipelineError as error:
        error.log = tex.keep_log(error.log, dirs.log(issue.slug, "front-matter")) or error.log
        error.where = Location(issue.folder / "issue.yaml")
        shutil.rmtree(work, ignore_errors=True)
        raise


def assemble(issue: Issue, built: list[Built], dirs: BuildDirs, output: Path,
             mode: BuildMode = FINAL, proven: bool = True) -> None:
    """Write the issue PDF (front matter, then the offprints' pages) to output:
    PDF/A, or for a proof a plain PDF whose front matter is marked too.
    proven=False: the caller proves the PDF/A (pdfa.prove)."""
    import pikepdf

    front = front_matter_pdf(issue, built, dirs, mode)
    try:
        with pikepdf.new() as pdf:
            with pikepdf.open(front.pdf) as front_pdf:
                pdf.add_pages_from(front_pdf, outlines="ignore")
                front_pages = len(front_pdf.pages)
            starts = []
            for item in built:
                starts.append(len(pdf.pages))
                with pikepdf.open(item.pdf) as part:
                    pdf.add_pages_from(part, outlines="ignore")  # keeps the notes' links
            _outline(pdf, issue, built, starts)
            pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[
                0, pikepdf.Dictionary(S=pikepdf.Name.r),
                front_pages, pikepdf.Dictionary(S=pikepdf.Name.D, St=issue.first_page)])
            pdf.Root.PageMode = pikepdf.Name.UseOutlines
            metadata.apply(pdf, metadata.issue_record(issue, built),
                           made_by={front.engine, *(item.engine for item in built)})
            pdfscan.check(pdf, Location(issue.folder / "issue.yaml"))
            if mode.proof:
                save_plain(pdf, output)
            else:
                pdfa.save(pdf, output, where=issue.folder / "issue.yaml", proven=proven)
    except pikepdf.PdfError as exc:
        raise InvalidOutput(f"could not assemble the issue PDF ({exc})",
                            where=Location(issue.folder / "issue.yaml")) from None
    finally:
        shutil.rmtree(front.pdf.parent, ignore_errors=True)


def _outline(pdf, issue: Issue, built: list[Built], starts: list[int]) -> None:
    import pikepdf

    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(style_of(issue).labels.contents,
                                                int(issue.cover)))  # its first page
        for item, start in zip(built, starts):
            outline.root.append(pikepdf.OutlineItem(item.rendered.full_title.plain, start))
