"""One JATS 1.3 (Journal Publishing) XML file per article.

Pandoc's jats_publishing writer turns the same Markdown into body and
back (endnotes as fn-group); the front (journal-meta, article-meta) is
built here from the model and the article's pages, so the XML says what
the PDF prints. Every file is validated against schemas/jats-1.3.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from lxml import etree

from . import schemas
from .article import Built
from .errors import InputError, Location
from .paths import TEMPLATES, BuildDirs
from .runner import Budget
from .tools import pandoc

# The model's article types as JATS article-type values.
ARTICLE_TYPES = {"article": "research-article", "commentary": "commentary",
                 "editors-note": "editorial", "book-review": "book-review"}
DOCTYPE = ('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD with '
           'MathML3 v1.3 20210610//EN" "JATS-journalpublishing1-3-mathml3.dtd">')


def name_parts(name: str) -> tuple[str, str]:
    """(given names, surname) of a name as printed (its rendered plain text):
    the surname is the last word."""
    words = name.split()
    return " ".join(words[:-1]), words[-1]


def write(item: Built, output: Path, dirs: BuildDirs) -> None:
    """output <- the article's JATS, validated."""
    article = item.article
    if not article.issue.issn:
        raise InputError("an archived issue needs an ISSN (JATS, Crossref and DOAJ require one)",
                         where=Location(article.issue.folder / "issue.yaml"),
                         hint="add a line 'issn: 1234-5679' with the journal's ISSN")
    root = schemas.parse(_pandoc_jats(item, dirs))
    root.set("dtd-version", "1.3")
    root.set("article-type", ARTICLE_TYPES[article.type])
    root.set("{http://www.w3.org/XML/1998/namespace}lang", article.language)
    pandoc_meta = root.find("front/article-meta")  # Pandoc's: keeps *italics*
    root.replace(root.find("front"), front(item, pandoc_meta.find("title-group"),
                                           pandoc_meta.find("abstract")))
    schemas.require_valid(schemas.load(schemas.JATS), root, "the JATS XML", article.path)
    output.write_bytes(etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8",
                                     doctype=DOCTYPE) + b"\n")


def _pandoc_jats(item: Built, dirs: BuildDirs) -> bytes:
    article = item.article
    dirs.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"jats-{article.slug}-", dir=dirs.work))
    try:
        source = work / "article.md"  # padded so Pandoc's line numbers are the manuscript's
        source.write_text("\n" * (article.body_line - 1) + article.body, encoding="utf-8")
        fields = {"title": article.title, "subtitle": article.subtitle,
                  "abstract": article.abstract}  # Markdown, rendered by the same Pandoc
        (work / "meta.json").write_text(json.dumps({k: v for k, v in fields.items() if v},
                                                   ensure_ascii=False), encoding="utf-8")
        pandoc.to_jats(source, work / "article.xml", defaults=[TEMPLATES / "jats.yaml"],
                       metadata=work / "meta.json", cwd=work,
                       budget=Budget.of(article.issue.limits), manuscript=article.path)
        return (work / "article.xml").read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _add(parent, tag: str, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def front(item: Built, titles, abstract=None):
    """journal-meta and article-meta from the model; titles is Pandoc's title-group,
    abstract Pandoc's <abstract> (None if the article has none)."""
    article, issue = item.article, item.article.issue
    front = etree.Element("front")
    journal = _add(front, "journal-meta")
    _add(journal, "journal-id", issue.series, journal_id_type="publisher-id")
    _add(_add(journal, "journal-title-group"), "journal-title", issue.series)
    _add(journal, "issn", issue.issn, pub_type="ppub")
    _add(_add(journal, "publisher"), "publisher-name", issue.publisher)

    meta = _add(front, "article-meta")
    if article.doi:
        _add(meta, "article-id", article.doi, pub_id_type="doi")
    placeholder = _add(meta, "title-group")  # Pandoc's takes its place once indented
    if article.authors:  # an unsigned item (an editor's note) has no contrib-group
        contributors = _add(meta, "contrib-group")
        for author, name, bio in zip(article.authors, item.rendered.names, item.rendered.bios):
            _contributor(contributors, author, name.plain, bio.plain)
    date = _add(meta, "pub-date", publication_format="print", date_type="pub")
    _add(date, "month", f"{issue.month:02d}")
    _add(date, "year", str(issue.year))
    _add(meta, "volume", str(issue.volume))
    _add(meta, "issue", str(issue.number))
    _add(meta, "fpage", str(item.first_page))
    _add(meta, "lpage", str(item.last_page))
    permissions = _add(meta, "permissions")
    _add(permissions, "copyright-statement", issue.rights_text)
    _add(permissions, "copyright-year", str(issue.year))
    _add(permissions, "copyright-holder", issue.publisher)
    abstract_at = _add(meta, "abstract") if abstract is not None else None
    if article.keywords:
        keywords = _add(meta, "kwd-group", kwd_group_type="author")
        for keyword in article.keywords:
            _add(keywords, "kwd", keyword)
    etree.indent(front)
    front.tail = "\n"
    for pandocs, mine in ((titles, placeholder), (abstract, abstract_at)):
        if mine is not None:  # Pandoc's own whitespace is kept inside its elements
            pandocs.tail = mine.tail
            meta.replace(mine, pandocs)
    return front


def _contributor(group, author, name: str, bio: str) -> None:
    contrib = _add(group, "contrib", contrib_type="author")
    if author.orcid:
        _add(contrib, "contrib-id", f"https://orcid.org/{author.orcid}", contrib_id_type="orcid")
    given, surname = name_parts(name)
    parts = _add(contrib, "name")
    _add(parts, "surname", surname)
    if given:
        _add(parts, "given-names", given)
    if author.degree:
        _add(contrib, "degrees", author.degree)
    if author.affiliation:
        _add(contrib, "aff", author.affiliation)
    if author.position:
        _add(contrib, "role", author.position)
    if author.email:
        _add(contrib, "email", author.email)
    if bio:
        _add(_add(contrib, "bio"), "p", bio)
