"""The one validated model of an issue and its articles.

Each field of issue.yaml and of an article's front matter is declared once,
on its frozen dataclass, with declare.declared(rule, default, advice=...);
declare.check_record checks a YAML mapping against those declarations, with
messages at file:line:col, and the dataclasses are made from what it returns. Which article fields a house style requires besides
is a set of dotted names (`required`; a house style's fields.required).
The Pandoc variables, the class keys, the footer, the contents page and
the PDF metadata are all derived from these objects, never from the files.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import MISSING, dataclass
from pathlib import Path

from .declare import (Boolean, Choice, Integer, ListOf, Record, Text, check_record,
                      check_value, declarations, declared, fail, field_names)
from .paths import STYLES
from .style import STYLE_FILE, HouseLanguages, default_style, style_names
from .sources import (YamlData, check_name, decode_text, load_yaml, read_input, read_text,
                      split_front_matter, yaml_comment_warnings)

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
# The languages some house style sets (each style.yaml's `languages`); the
# article's own style narrows them (style.load_article).
LANGUAGES = HouseLanguages()
ARTICLE_TYPES = ("article", "commentary", "editors-note", "book-review")
UNSIGNED_TYPES = frozenset({"editors-note"})   # may have no author
# Article fields required unless a house style says otherwise.
DEFAULT_REQUIRED = frozenset({"title", "authors", "authors.name", "authors.bio"})


EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
DOI = Text(pattern=r"10\.\d{4,9}/\S+", example="10.1234/journal.2022.06.1")
PAGE_BUDGET = Integer(1, 2000)   # pages an article should not pass (issue.yaml: the default)


# ------------------------------------------------------------------- model
@dataclass(frozen=True, kw_only=True)
class Author:
    name: str = declared(Text(120))
    bio: str | None = declared(Text(600, multiline=True), None)  # required by DEFAULT_REQUIRED
    affiliation: str | None = declared(Text(300), None)
    orcid: str | None = declared(Text(pattern=r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]",
                                      example="0000-0002-1825-0097"), None)
    email: str | None = declared(Text(pattern=EMAIL, example="name@example.org"), None)
    degree: str | None = declared(Text(80), None)            # 'M.Phil'
    position: str | None = declared(Text(200), None)         # 'Research Officer at ...'


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What one build may use (issue.yaml `limits:`); the one home of their
    defaults: runner.Budget takes its own from here."""

    seconds: int = declared(Integer(5, 3600), 120)
    memory_mb: int = declared(Integer(256, 16384), 2048)
    output_mb: int = declared(Integer(1, 2048), 200)
    pages: int = declared(Integer(1, 2000), 300)


@dataclass(frozen=True, kw_only=True)
class Editorial:
    """The editorial matter of issue.yaml, printed with the contents."""

    patron: str | None = declared(Text(200), None)
    editor: str | None = declared(Text(200), None)
    board: tuple[str, ...] = declared(ListOf(Text(200), max_items=40), ())
    disclaimer: str | None = declared(Text(2000, multiline=True), None)
    copyright: str | None = declared(Text(300), None)


@dataclass(frozen=True, kw_only=True)
class Deposit:
    """Who deposits the archive and where articles live: bag-info.txt, Crossref, DOAJ."""

    contact: str | None = declared(Text(200), None)
    email: str | None = declared(Text(pattern=EMAIL, example="editor@example.org"), None)
    url: str | None = declared(Text(pattern=r"https://\S+",
                                    example="https://www.example.org/journal"), None)


@dataclass(frozen=True, kw_only=True)
class Issue:
    folder: Path
    series: str = declared(Text(200))
    volume: int = declared(Integer(1, 999))
    number: int = declared(Integer(1, 99))
    month: int = declared(Integer(1, 12))
    year: int = declared(Integer(1900, 2200))
    publisher: str = declared(Text(300))
    issn: str | None = declared(Text(pattern=r"\d{4}-\d{3}[\dX]", example="1234-5679"), None)
    doi: str | None = declared(DOI, None)
    first_page: int = declared(Integer(1, 99999), 1)
    language: str = declared(Choice(LANGUAGES), "en")
    rights: str | None = declared(Text(500, multiline=True), None)
    # The folder styles/<style>/; none: the style whose style.yaml says `default: true`.
    style: str = declared(Text(60, pattern=r"[a-z][a-z0-9-]*", example="my-journal"), None)
    allow_raw_latex: bool = declared(Boolean(), False)
    bibliography: str | None = declared(Text(200), None)  # a file of the folder, for every article
    cover: bool = declared(Boolean(), False)
    page_budget: int | None = declared(PAGE_BUDGET, None)  # the preflight warns past it
    # Declared as the file names issue.yaml lists; the model holds their paths.
    articles: tuple[Path, ...] = declared(
        ListOf(Text(200), min_items=1, max_items=100),
        advice="under 'articles:', one '- file-name.md' per article, in printed order")
    editorial: Editorial = declared(Record(Editorial), Editorial())
    deposit: Deposit = declared(Record(Deposit), Deposit())
    limits: Limits = declared(Record(Limits), Limits())
    digest: str = ""  # sha256 of the issue.yaml bytes read (and validated)

    @property
    def date_label(self) -> str:
        """'June 2022', as the footer prints it."""
        return f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def date_iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def rights_text(self) -> str:
        return self.rights or f"© {self.year} {self.publisher}. All rights reserved."

    @property
    def slug(self) -> str:
        return self.folder.name


@dataclass(frozen=True, kw_only=True)
class Article:
    path: Path
    issue: Issue
    body: str
    body_line: int
    title: str = declared(Text(300))
    subtitle: str | None = declared(Text(300), None)
    authors: tuple[Author, ...] = declared(
        ListOf(Record(Author), max_items=12), (),
        advice="under 'authors:', one '- name: ...' per author, with 'bio: ...' and the "
               "author's other fields below it, indented like 'name'")
    keywords: tuple[str, ...] = declared(ListOf(Text(80), max_items=30), ())
    language: str = declared(Choice(LANGUAGES), None)  # None in the file: the issue's
    doi: str | None = declared(DOI, None)
    bibliography: str | None = declared(Text(200), None)  # the article's, else the issue's
    page_budget: int | None = declared(PAGE_BUDGET, None)  # the article's, else the issue's
    # For manuscripts that say where they belong: must agree with issue.yaml.
    volume: int | None = declared(Integer(1, 999), None)
    number: int | None = declared(Integer(1, 99), None)
    year: int | None = declared(Integer(1900, 2200), None)
    month: int | None = declared(Integer(1, 12), None)
    type: str = declared(Choice(ARTICLE_TYPES), "article")  # an editors-note may be unsigned
    short_title: str | None = declared(Text(80), None)      # for running heads
    abstract: str | None = declared(Text(3000, multiline=True, max_words=400), None)  # Markdown
    digest: str = ""  # sha256 of the manuscript bytes read: what is built is what is keyed
    warnings: tuple[str, ...] = ()  # about the front matter, printed with the build's
    placeholders: tuple[tuple[str, int], ...] = ()  # a proof's: (field, line) it filled in

    @property
    def slug(self) -> str:
        return self.path.stem



ARTICLE_FIELDS = field_names(Article)   # what a house style may require


def load_issue(folder: Path) -> Issue:
    """Read and validate <folder>/issue.yaml (the folder resolved: no '..', no links)."""
    folder = Path(folder).resolve()
    path = folder / "issue.yaml"
    raw = read_input(path)
    data = load_yaml(decode_text(path, raw), path)
    values = check_record(Issue, data.value, data)
    values["style"] = values["style"] or default_style()
    if not (STYLES / values["style"] / STYLE_FILE).is_file():
        fail(data, ("style",), f"there is no style '{values['style']}' (no folder "
                                f"styles/{values['style']}/ with its {STYLE_FILE})",
              f"use one of: {', '.join(style_names())}, or add the style's folder under styles/")
    values["articles"] = _article_paths(folder, values["articles"], data)
    _check_bibliography(folder, values["bibliography"], data)
    return Issue(folder=folder, digest=hashlib.sha256(raw).hexdigest(), **values)


def issue_limits(folder: Path) -> Limits:
    """Only the limits of <folder>/issue.yaml (for work before the issue is complete)."""
    path = folder / "issue.yaml"
    data = load_yaml(read_text(path), path)
    limits = data.value.get("limits") if isinstance(data.value, dict) else None
    return Limits(**check_record(Limits, limits or {}, data, ("limits",)))


def _article_paths(folder: Path, names: list[str], data: YamlData) -> tuple[Path, ...]:
    """The listed articles: .md files of this folder, each once, each there."""
    seen: dict[str, str] = {}
    for index, name in enumerate(names):
        where = ("articles", index)
        if Path(name).name != name or not name.endswith(".md") or name.startswith("."):
            fail(data, where, f"'{name}' is not the name of a .md file in this folder",
                  "list each article by its file name, e.g. 'kabul-river.md'")
        slug = Path(name).stem.lower()
        if slug in seen:
            again = "twice" if seen[slug] == name else f"with the same slug as '{seen[slug]}'"
            fail(data, where, f"'{name}' is listed {again}",
                  "list each article once; rename one file if two differ only in case")
        seen[slug] = name
        if not os.path.lexists(folder / name):  # a link or FIFO is refused when read
            fail(data, where, f"'{name}' is listed but there is no such file in {folder}",
                  "check the spelling, or add the manuscript to the issue folder")
        check_name(folder / name)
    return tuple(folder / name for name in names)


BIBLIOGRAPHY_TYPES = {".bib": "biblatex", ".bibtex": "bibtex", ".json": "csljson",
                      ".yaml": "yaml", ".yml": "yaml"}


def _check_bibliography(folder: Path, name: str | None, data: YamlData) -> None:
    """A bibliography is a BibTeX/BibLaTeX/CSL file of the issue folder: Pandoc's
    citeproc reads it even under --sandbox, so nothing else may be named."""
    if name is None:
        return
    path, where = folder / name, ("bibliography",)
    if re.match(r"[a-zA-Z][\w+.-]*:", name):
        fail(data, where, f"bibliography '{name}' is a URL; the pipeline reads no network",
              "download the file into the issue folder and name it, e.g. bibliography: refs.bib")
    if Path(name).is_absolute() or ".." in Path(name).parts or name.startswith("~"):
        fail(data, where, f"bibliography '{name}' is outside the issue folder",
              "copy the file into the issue folder and name it relative to it, e.g. refs.bib")
    if Path(name).suffix.lower() not in BIBLIOGRAPHY_TYPES:
        fail(data, where, f"bibliography '{name}' is not a .bib, .bibtex, .json or .yaml file",
              "export the references from Zotero as BibLaTeX (.bib) or CSL JSON (.json)")
    if any(part.is_symlink() for part in (path, *path.parents) if part.is_relative_to(folder)) \
            or not path.resolve().is_relative_to(folder.resolve()):
        fail(data, where, f"bibliography '{name}' is a link; links are not followed",
              "put the file itself into the issue folder")
    if not path.is_file():
        fail(data, where, f"bibliography '{name}' does not exist in {folder}",
              "check the spelling, or put the file into the issue folder")


def load_article(path: Path, issue: Issue, *, proof: bool = False,
                 required: frozenset[str] = DEFAULT_REQUIRED,
                 style_name: str | None = None) -> Article:
    """Read and validate one manuscript against its issue. required: the dotted
    names of the fields the house style (style_name) requires besides those
    every article has (title; authors, unless an unsigned editors-note). For a
    proof, a required text field still missing prints as '[bio missing]' and is
    listed in Article.placeholders; a final build refuses it."""
    unknown = sorted(required - ARTICLE_FIELDS)
    if unknown:
        raise ValueError(f"no such article field: {', '.join(unknown)}")
    raw = read_input(path)
    manuscript = split_front_matter(path, decode_text(path, raw))
    data = load_yaml(manuscript.front_matter, path, first_line=2)
    required = _required_for(data, required)
    placeholders = _fill_placeholders(data, required) if proof else []
    values = check_record(Article, data.value, data, required=required, style=style_name or "")
    for key in ("volume", "number", "year", "month"):
        if values[key] is not None and values[key] != getattr(issue, key):
            fail(data, (key,), f"'{key}: {values[key]}' contradicts issue.yaml, which says "
                                f"{key}: {getattr(issue, key)}",
                  "correct one of the two, or remove the key from the article")
    _check_bibliography(issue.folder, values["bibliography"], data)
    values.update(language=values["language"] or issue.language,
                  bibliography=values["bibliography"] or issue.bibliography,
                  page_budget=values["page_budget"] or issue.page_budget)
    return Article(
        path=path, issue=issue, body=manuscript.body, body_line=manuscript.body_line,
        digest=hashlib.sha256(raw).hexdigest(),
        warnings=tuple(yaml_comment_warnings(manuscript.front_matter, path, first_line=2)),
        placeholders=tuple(placeholders), **values)


def _required_for(data: YamlData, required: frozenset[str]) -> frozenset[str]:
    """required, with 'authors' for every type but an unsigned one (an editors-note)."""
    kind = data.value.get("type") if isinstance(data.value, dict) else None
    if kind is not None:
        kind = check_value(declarations(Article)["type"].metadata["rule"], kind, data, ("type",))
    return required - {"authors"} if kind in UNSIGNED_TYPES else required | {"authors"}


def _fill_placeholders(data: YamlData, required: frozenset[str]) -> list[tuple[str, int]]:
    """Put '[<key> missing]' (bold) where a required text field (or list of texts)
    is missing or empty;
    return each such field's name and the front-matter line it belongs at."""
    front = data.value
    if not isinstance(front, dict):
        return []
    filled = []

    def fill(record: dict, cls, names, label: str, *keys) -> None:
        for key, declaration in declarations(cls).items():
            rule = declaration.metadata["rule"]
            text = rule.item if isinstance(rule, ListOf) else rule
            wanted = key in names or declaration.default is MISSING
            if not wanted or not isinstance(text, Text) or text.pattern:
                continue
            value = record.get(key)
            if value is None or value == [] or str(value).strip() == "":
                placeholder = f"**[{key} missing]**"  # Markdown: printed in bold
                record[key] = [placeholder] if isinstance(rule, ListOf) else placeholder
                filled.append((label.format(key), data.where(*keys).line))
    fill(front, Article, required, "{}")
    if "authors" in required:
        if not front.get("authors"):
            front["authors"] = [{}]
        inner = {name.split(".", 1)[1] for name in required if name.startswith("authors.")}
        for index, author in enumerate(front["authors"]
                                       if isinstance(front["authors"], list) else []):
            if isinstance(author, dict):
                fill(author, Author, inner, f"authors[{index}].{{}}", "authors", index)
    return filled
