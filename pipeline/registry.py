"""Registration records for an issue: a Crossref 5.3.1 deposit and a DOAJ article file.

Both come from the model and the articles' pages. Crossref registers only
articles with a `doi:`; the others are reported as not registrable. The
build checks the structure it relies on (deposit settings, pages, DOIs);
the tests validate both files against the official schemas.
"""
from __future__ import annotations

import re

from lxml import etree

from .article import Built
from .errors import InputError, Location
from .jats import name_parts
from .model import Issue

CROSSREF = "http://www.crossref.org/schema/5.3.1"
CROSSREF_JATS = "http://www.ncbi.nlm.nih.gov/JATS1"  # Crossref's namespace for jats:abstract
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# BCP 47 primary language -> ISO 639-2/B, as DOAJ wants it.
ISO_639_2B = {"en": "eng"}


def landing_page(issue: Issue, slug: str) -> str:
    """Where an article lives on the web: deposit.url/<issue>/<article>."""
    return f"{issue.deposit.url.rstrip('/')}/{issue.slug}/{slug}"


def require_deposit(issue: Issue, *keys: str) -> None:
    missing = [key for key in keys if not getattr(issue.deposit, key)]
    if missing:
        raise InputError(f"issue.yaml has no deposit: {', '.join(missing)} (needed to archive "
                         "and register the issue)", where=Location(issue.folder / "issue.yaml"),
                         hint="add a 'deposit:' block with contact, email and url, e.g.\n"
                              "  deposit:\n    contact: Editor\n    email: editor@example.org\n"
                              "    url: https://www.example.org/journal")


def not_registrable(built: list[Built]) -> list[str]:
    """Slugs of the articles Crossref cannot register (no doi: in the front matter)."""
    return [item.article.slug for item in built if not item.article.doi]


def not_in_doaj(built: list[Built]) -> list[str]:
    """Slugs of the unsigned items (an editor's note): DOAJ takes no article
    without an author, so the DOAJ file leaves them out."""
    return [item.article.slug for item in built if not item.article.authors]


def _add(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


# ---------------------------------------------------------------- Crossref
def crossref(issue: Issue, built: list[Built], timestamp: str) -> bytes | None:
    """The Crossref deposit for the articles with a DOI (None if none has one)."""
    registrable = [item for item in built if item.article.doi]
    if not registrable:
        return None
    require_deposit(issue, "contact", "email", "url")
    c = f"{{{CROSSREF}}}"
    namespaces = {None: CROSSREF, "xsi": XSI}
    if any(item.rendered.abstract for item in registrable):
        namespaces["jats"] = CROSSREF_JATS
    batch = etree.Element(c + "doi_batch", nsmap=namespaces, version="5.3.1")
    batch.set(f"{{{XSI}}}schemaLocation",
              f"{CROSSREF} https://www.crossref.org/schemas/crossref5.3.1.xsd")
    head = _add(batch, c + "head")
    _add(head, c + "doi_batch_id", f"{issue.style}-{issue.slug}-{timestamp}")
    _add(head, c + "timestamp", timestamp)
    depositor = _add(head, c + "depositor")
    _add(depositor, c + "depositor_name", issue.deposit.contact)
    _add(depositor, c + "email_address", issue.deposit.email)
    _add(head, c + "registrant", issue.publisher)
    journal = _add(_add(batch, c + "body"), c + "journal")
    journal_metadata = _add(journal, c + "journal_metadata", language=issue.language[:2])
    _add(journal_metadata, c + "full_title", issue.series)
    if issue.issn:
        _add(journal_metadata, c + "issn", issue.issn, media_type="print")
    journal_issue = _add(journal, c + "journal_issue")
    _crossref_date(journal_issue, issue)
    _add(_add(journal_issue, c + "journal_volume"), c + "volume", str(issue.volume))
    _add(journal_issue, c + "issue", str(issue.number))
    if issue.doi:
        _doi_data(journal_issue, issue.doi, f"{issue.deposit.url.rstrip('/')}/{issue.slug}")
    for item in registrable:
        _crossref_article(journal, item)
    return _serialise(batch)


def _crossref_date(parent, issue: Issue) -> None:
    c = f"{{{CROSSREF}}}"
    date = _add(parent, c + "publication_date", media_type="print")
    _add(date, c + "month", f"{issue.month:02d}")
    _add(date, c + "year", str(issue.year))


def _doi_data(parent, doi: str, resource: str) -> None:
    c = f"{{{CROSSREF}}}"
    data = _add(parent, c + "doi_data")
    _add(data, c + "doi", doi)
    _add(data, c + "resource", resource)


def _crossref_article(journal, item: Built) -> None:
    c = f"{{{CROSSREF}}}"
    article = item.article
    entry = _add(journal, c + "journal_article", publication_type="full_text",
                 language=article.language[:2])
    titles = _add(entry, c + "titles")
    _add(titles, c + "title", item.rendered.title.plain)
    if item.rendered.subtitle:
        _add(titles, c + "subtitle", item.rendered.subtitle.plain)
    if article.authors:  # an unsigned item has no contributors (the element needs one)
        _crossref_contributors(_add(entry, c + "contributors"), item)
    if item.rendered.abstract:
        _crossref_abstract(entry, item.rendered.abstract.plain)
    _crossref_date(entry, article.issue)
    pages = _add(entry, c + "pages")
    _add(pages, c + "first_page", str(item.first_page))
    _add(pages, c + "last_page", str(item.last_page))
    _doi_data(entry, article.doi, landing_page(article.issue, article.slug))


def _crossref_contributors(contributors, item: Built) -> None:
    c = f"{{{CROSSREF}}}"
    for index, (author, name) in enumerate(zip(item.article.authors, item.rendered.names)):
        person = _add(contributors, c + "person_name", contributor_role="author",
                      sequence="first" if index == 0 else "additional")
        given, surname = name_parts(name.plain)
        if given:
            _add(person, c + "given_name", given)
        _add(person, c + "surname", surname)
        if author.affiliation:
            institution = _add(_add(person, c + "affiliations"), c + "institution")
            _add(institution, c + "institution_name", author.affiliation)
        if author.orcid:
            _add(person, c + "ORCID", f"https://orcid.org/{author.orcid}")


def _crossref_abstract(entry, plain: str) -> None:
    """jats:abstract, one jats:p per paragraph of the abstract as a reader sees it."""
    j = f"{{{CROSSREF_JATS}}}"
    abstract = _add(entry, j + "abstract")
    for paragraph in re.split(r"\n\s*\n", plain.strip()):
        _add(abstract, j + "p", " ".join(paragraph.split()))


# -------------------------------------------------------------------- DOAJ
def doaj(issue: Issue, built: list[Built]) -> bytes:
    """DOAJ's article XML: one record per signed article (see not_in_doaj),
    languages as ISO 639-2/B."""
    require_deposit(issue, "url")
    records = etree.Element("records")
    for item in built:
        article = item.article
        if not article.authors:
            continue
        language = ISO_639_2B[article.language.split("-")[0]]
        record = _add(records, "record")
        _add(record, "language", language)
        _add(record, "publisher", issue.publisher)
        _add(record, "journalTitle", issue.series)
        if issue.issn:
            _add(record, "issn", issue.issn)
        _add(record, "publicationDate", issue.date_iso)
        _add(record, "volume", str(issue.volume))
        _add(record, "issue", str(issue.number))
        _add(record, "startPage", str(item.first_page))
        _add(record, "endPage", str(item.last_page))
        if article.doi:
            _add(record, "doi", article.doi)
        _add(record, "publisherRecordId", f"{issue.slug}/{article.slug}")
        _add(record, "documentType", article.type)
        _add(record, "title", item.rendered.full_title.plain, language=language)
        _doaj_authors(record, item)
        if item.rendered.abstract:
            _add(record, "abstract", item.rendered.abstract.plain, language=language)
        _add(record, "fullTextUrl", landing_page(issue, article.slug), format="pdf")
        if article.keywords:
            keywords = _add(record, "keywords", language=language)
            for keyword in article.keywords:
                _add(keywords, "keyword", keyword)
    return _serialise(records)


def _doaj_authors(record, item: Built) -> None:
    article = item.article
    affiliations = list(dict.fromkeys(a.affiliation for a in article.authors if a.affiliation))
    authors = _add(record, "authors")
    for author, name in zip(article.authors, item.rendered.names):
        entry = _add(authors, "author")
        _add(entry, "name", name.plain)
        if author.email:
            _add(entry, "email", author.email)
        if author.affiliation:
            _add(entry, "affiliationId", str(affiliations.index(author.affiliation) + 1))
        if author.orcid:
            _add(entry, "orcid_id", f"https://orcid.org/{author.orcid}")
    if affiliations:
        listing = _add(record, "affiliationsList")
        for number, name in enumerate(affiliations, start=1):
            _add(listing, "affiliationName", name, affiliationId=str(number))


def _serialise(root) -> bytes:
    etree.indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"
