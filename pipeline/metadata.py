"""What every PDF says about itself: DocInfo and XMP, stamped with pikepdf.

All values come from the model, and the texts (title, names) from the one
rendering Pandoc made of them for the page (fields.FrontMatter), so the
metadata and the page cannot disagree. Dublin Core carries the bibliographic
core; PRISM carries series, volume, number and pages; the journal-author
schema (AUTHOR_NS) carries each author's affiliation, ORCID iD and e-mail.
pdfa.py declares both in the PDF/A extension schema.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from . import NAME, __version__, tex
from .fields import FrontMatter
from .model import Article, Author, Issue
from .style import style_of

PRISM = "http://prismstandard.org/namespaces/basic/3.0/"
# The Institute's own schema for what Dublin Core cannot say of a creator:
# each property an rdf:Seq parallel to dc:creator (same order, empty where
# that author gave none), written only if some author gave one.
AUTHOR_NS = "http://ns.example.org/journal-author/1.0/"
AUTHOR_PREFIX = "jauthor"
AUTHOR_PROPERTIES = {
    "affiliation": "Affiliation of each dc:creator, in the same order (empty if not given)",
    "orcid": "ORCID iD (https://orcid.org/...) of each dc:creator, in the same order "
             "(empty if not given)",
    "email": "E-mail address of each dc:creator, in the same order (empty if not given)",
}
TOOL = f"{NAME} {__version__}"


@dataclass(frozen=True)
class Record:
    """The metadata of one PDF, derived from the model."""

    title: str
    creators: tuple[str, ...]
    description: str
    keywords: tuple[str, ...]
    language: str
    issue: Issue
    first_page: int
    last_page: int
    doi: str | None = None
    authors: tuple[Author, ...] = ()   # the model's, one for each creator

    @property
    def page_range(self) -> str:
        return f"{self.first_page}-{self.last_page}"


def article_record(article: Article, rendered: FrontMatter, first_page: int,
                   last_page: int) -> Record:
    return Record(
        title=rendered.full_title.plain,
        creators=tuple(name.plain for name in rendered.names),
        description=style_of(article.issue).cited(article.issue, first_page, last_page),
        keywords=article.keywords, language=article.language, issue=article.issue,
        first_page=first_page, last_page=last_page, doi=article.doi, authors=article.authors)


def issue_record(issue: Issue, built) -> Record:
    """The whole issue: every author in order of appearance, every keyword."""
    creators = {}
    for item in built:
        for name, author in zip(item.rendered.names, item.article.authors):
            creators.setdefault(name.plain, author)
    keywords = dict.fromkeys(k for b in built for k in b.article.keywords)
    first, last = built[0].first_page, built[-1].last_page
    style = style_of(issue)
    return Record(
        title=style.text("citation", issue),
        creators=tuple(creators), keywords=tuple(keywords), language=issue.language,
        description=style.cited(issue, first, last),
        issue=issue, first_page=first, last_page=last, doi=issue.doi,
        authors=tuple(creators.values()))


def producer(made_by: Iterable[str] = ()) -> str:
    """What made a PDF: the TeX engines of made_by ('pdflatex', 'xelatex') by
    their probed versions, then pikepdf and the pipeline."""
    import pikepdf

    engines = [tex.version(engine) or engine for engine in ("pdflatex", "xelatex")
               if engine in made_by]
    return "; ".join([*engines, f"pikepdf {pikepdf.__version__}", TOOL])


def apply(pdf, record: Record, made_by: Iterable[str] = ()) -> None:
    """Write record into an open pikepdf.Pdf's DocInfo, XMP and catalog;
    made_by: the TeX engines that made its pages (for the Producer)."""
    import pikepdf  # imported by the caller already; 0.15 s, so only when needed

    produced_by = producer(made_by)
    issue = record.issue
    when = datetime(issue.year, issue.month, 1, tzinfo=timezone.utc).isoformat()
    pdf.Root.Lang = pikepdf.String(record.language)
    for unwanted in ("/Trapped", "/PTEX.Fullbanner"):  # TeX's, with no XMP twin
        if unwanted in pdf.docinfo:
            del pdf.docinfo[unwanted]
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta.load_from_docinfo(pdf.docinfo)
        meta.register_xml_namespace(PRISM, "prism")
        meta["dc:title"] = record.title
        meta["dc:creator"] = list(record.creators)
        meta["dc:description"] = record.description
        meta["dc:subject"] = set(record.keywords)
        meta["dc:language"] = {record.language}
        meta["dc:publisher"] = {issue.publisher}
        meta["dc:rights"] = issue.rights_text
        meta["dc:date"] = [issue.date_iso]
        meta["dc:format"] = "application/pdf"
        if record.doi:
            meta["dc:identifier"] = f"doi:{record.doi}"
        meta["pdf:Keywords"] = "; ".join(record.keywords)
        meta["pdf:Producer"] = produced_by
        meta["xmp:CreatorTool"] = TOOL
        for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
            meta[key] = when
        _prism(meta, record)
        _author_details(meta, record)
    pdf.docinfo["/Creator"] = TOOL
    pdf.docinfo["/Producer"] = produced_by
    pdf.docinfo["/Author"] = "; ".join(record.creators)


def _prism(meta, record: Record) -> None:
    issue = record.issue
    values = {
        "publicationName": issue.series, "volume": str(issue.volume),
        "number": str(issue.number), "coverDate": issue.date_iso,
        "coverDisplayDate": style_of(issue).date(issue), "startingPage": str(record.first_page),
        "endingPage": str(record.last_page), "pageRange": record.page_range,
        "issn": issue.issn, "doi": record.doi,
    }
    for key, value in values.items():
        if value:
            meta[f"{{{PRISM}}}{key}"] = value


def author_details(authors: tuple[Author, ...]) -> dict[str, list[str]]:
    """AUTHOR_PROPERTIES name -> one value per author ('' if none), for those some author has."""
    details = {"affiliation": [a.affiliation or "" for a in authors],
               "orcid": [f"https://orcid.org/{a.orcid}" if a.orcid else "" for a in authors],
               "email": [a.email or "" for a in authors]}
    return {name: values for name, values in details.items() if any(values)}


def _author_details(meta, record: Record) -> None:
    details = author_details(record.authors)
    if details:
        meta.register_xml_namespace(AUTHOR_NS, AUTHOR_PREFIX)
    for name, values in details.items():
        meta[f"{{{AUTHOR_NS}}}{name}"] = values
