"""The one validated model of an issue and its articles.

issue.yaml and each article's front matter are read once, checked here
against a small declarative schema, and turned into frozen dataclasses.
The Pandoc variables, the class keys, the footer, the contents page and
the PDF metadata are all derived from these objects, never from the files.
"""
from __future__ import annotations

import difflib
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .paths import STYLES
from .sources import (YamlData, check_name, decode_text, load_yaml, read_input, read_text,
                      split_front_matter, yaml_comment_warnings)

MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")
# BCP 47 tag -> Babel language the house class loads.
LANGUAGES = {"en": "british", "en-GB": "british", "en-US": "american"}


# ------------------------------------------------------------------ schema
@dataclass(frozen=True)
class Text:
    max_length: int = 300
    pattern: str | None = None
    example: str = ""

    def check(self, value, say):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            say(f"expected text, got {_kind(value)}")
        value = str(value).strip()
        if not value:
            say("must not be empty")
        if "\n" in value and self.max_length <= 300:
            say("must be on one line")
        if len(value) > self.max_length:
            say(f"is {len(value)} characters long; at most {self.max_length} are allowed")
        if self.pattern and not re.fullmatch(self.pattern, value):
            say(f"'{value}' is not of the form {self.example}")
        return value


@dataclass(frozen=True)
class Integer:
    low: int
    high: int

    def check(self, value, say):
        if isinstance(value, bool) or not isinstance(value, int):
            say(f"expected a whole number from {self.low} to {self.high}, got {_kind(value)}")
        if not self.low <= value <= self.high:
            say(f"{value} is out of range; expected {self.low} to {self.high}")
        return value


@dataclass(frozen=True)
class Boolean:
    def check(self, value, say):
        if not isinstance(value, bool):
            say(f"expected true or false, got {_kind(value)}")
        return value


@dataclass(frozen=True)
class Choice:
    choices: tuple

    def check(self, value, say):
        if value not in self.choices:
            say(f"'{value}' is not one of: {', '.join(map(str, self.choices))}")
        return value


@dataclass(frozen=True)
class ListOf:
    item: object
    min_items: int = 0
    max_items: int = 200

    def check(self, value, say, data=None, keys=()):
        if isinstance(value, str) and isinstance(self.item, Text):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list):
            say(f"expected a list, got {_kind(value)}")
        if not self.min_items <= len(value) <= self.max_items:
            say(f"has {len(value)} entries; expected {self.min_items} to {self.max_items}")
        return [_check_value(self.item, item, data, keys + (index,))
                for index, item in enumerate(value)]


@dataclass(frozen=True)
class Record:
    fields: dict            # name -> (rule, required, default)

    def check(self, value, say, data=None, keys=()):
        if not isinstance(value, dict):
            say(f"expected 'key: value' fields, got {_kind(value)}")
        for name in value:
            if name not in self.fields:
                close = difflib.get_close_matches(name, list(self.fields), n=1, cutoff=0.6)
                _fail_at_key(data, keys + (name,), f"unknown key '{name}'",
                      f"did you mean '{close[0]}'?" if close else
                      f"known keys here: {', '.join(self.fields)}")
        result = {}
        for name, (rule, required, default) in self.fields.items():
            if name in value and value[name] is not None:
                result[name] = _check_value(rule, value[name], data, keys + (name,))
            elif required:
                _fail(data, keys, f"required key '{name}' is missing",
                      f"add a line '{name}: ...'")
            else:
                result[name] = default() if callable(default) else default
        return result


def _kind(value) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text",
             list: "a list", dict: "a set of fields", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def _fail(data: YamlData, keys: tuple, message: str, hint: str = ""):
    raise InputError(message, where=data.where(*keys), hint=hint)


def _fail_at_key(data: YamlData, keys: tuple, message: str, hint: str = ""):
    raise InputError(message, where=data.where_key(*keys), hint=hint)


def _check_value(rule, value, data: YamlData, keys: tuple):
    field_name = ".".join(str(k) for k in keys)

    def say(problem):
        _fail(data, keys, f"'{field_name}' {problem}", _advice(rule, field_name))
    if isinstance(rule, (ListOf, Record)):
        return rule.check(value, say, data, keys)
    if isinstance(rule, Text) and isinstance(value, (int, float)):
        value = data.as_written(keys, value)  # a number or true/false meant as text
    return rule.check(value, say)


def _advice(rule, field_name: str) -> str:
    key = field_name.rsplit(".", 1)[-1]
    if getattr(rule, "example", ""):
        return f"write it as in: {key}: {rule.example}"
    if isinstance(rule, Choice):
        return f"use one of: {', '.join(map(str, rule.choices))}"
    if isinstance(rule, Integer):
        return f"write a plain number, e.g. {key}: {rule.low}"
    if isinstance(rule, ListOf):
        return f"write a list, one '- item' per line under '{key}:'"
    if isinstance(rule, Boolean):
        return f"write {key}: true or {key}: false"
    return f"write {key}: followed by the text on the same line (quote it if it has ': ')"


def _required(rule):
    return (rule, True, None)


def _optional(rule, default=None):
    return (rule, False, default)


AUTHOR = Record({
    "name": _required(Text(120)),
    "bio": _required(Text(600)),
    "affiliation": _optional(Text(300)),
    "orcid": _optional(Text(pattern=r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", example="0000-0002-1825-0097")),
    "email": _optional(Text(pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", example="name@example.org")),
})
DOI = Text(pattern=r"10\.\d{4,9}/\S+", example="10.1234/spotlight.2022.06.1")
PAGE_BUDGET = Integer(1, 2000)   # pages an article should not pass (issue.yaml: the default)
ARTICLE = Record({
    "title": _required(Text(300)),
    "subtitle": _optional(Text(300)),
    "authors": _required(ListOf(AUTHOR, min_items=1, max_items=12)),
    "keywords": _optional(ListOf(Text(80), max_items=30), list),
    "language": _optional(Choice(tuple(LANGUAGES))),
    "doi": _optional(DOI),
    "bibliography": _optional(Text(200)),
    "page_budget": _optional(PAGE_BUDGET),
    # Optional, for manuscripts that say where they belong: must agree with issue.yaml.
    "volume": _optional(Integer(1, 999)),
    "number": _optional(Integer(1, 99)),
    "year": _optional(Integer(1900, 2200)),
    "month": _optional(Integer(1, 12)),
})
EDITORIAL = Record({
    "patron": _optional(Text(200)),
    "editor": _optional(Text(200)),
    "board": _optional(ListOf(Text(200), max_items=40), list),
    "disclaimer": _optional(Text(2000)),
    "copyright": _optional(Text(300)),
})
DEPOSIT = Record({  # for archive deposit: bag-info.txt, Crossref, DOAJ
    "contact": _optional(Text(200)),
    "email": _optional(Text(pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", example="editor@example.org")),
    "url": _optional(Text(pattern=r"https://\S+", example="https://www.example.org/spotlight")),
})
LIMITS = Record({
    "seconds": _optional(Integer(5, 3600), 120),
    "memory_mb": _optional(Integer(256, 16384), 2048),
    "output_mb": _optional(Integer(1, 2048), 200),
    "pages": _optional(Integer(1, 2000), 300),
})
ISSUE = Record({
    "series": _required(Text(200)),
    "volume": _required(Integer(1, 999)),
    "number": _required(Integer(1, 99)),
    "month": _required(Integer(1, 12)),
    "year": _required(Integer(1900, 2200)),
    "publisher": _required(Text(300)),
    "issn": _optional(Text(pattern=r"\d{4}-\d{3}[\dX]", example="1234-5679")),
    "doi": _optional(DOI),
    "first_page": _optional(Integer(1, 99999), 1),
    "language": _optional(Choice(tuple(LANGUAGES)), "en"),
    "rights": _optional(Text(500)),
    "style": _optional(Text(60, pattern=r"[a-z][a-z0-9-]*", example="spotlight"), "spotlight"),
    "allow_raw_latex": _optional(Boolean(), False),
    "bibliography": _optional(Text(200)),
    "cover": _optional(Boolean(), False),
    "page_budget": _optional(PAGE_BUDGET),
    "articles": _required(ListOf(Text(200), min_items=1, max_items=100)),
    "editorial": _optional(EDITORIAL, dict),
    "deposit": _optional(DEPOSIT, dict),
    "limits": _optional(LIMITS, dict),
})


# ------------------------------------------------------------------- model
@dataclass(frozen=True)
class Author:
    name: str
    bio: str
    affiliation: str | None = None
    orcid: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Limits:
    seconds: int = 120
    memory_mb: int = 2048
    output_mb: int = 200
    pages: int = 300


@dataclass(frozen=True)
class Issue:
    folder: Path
    series: str
    volume: int
    number: int
    month: int
    year: int
    publisher: str
    articles: tuple[Path, ...]
    issn: str | None = None
    doi: str | None = None
    first_page: int = 1
    language: str = "en"
    rights: str | None = None
    style: str = "spotlight"
    allow_raw_latex: bool = False
    bibliography: str | None = None   # a file of the issue folder, for every article
    cover: bool = False
    page_budget: int | None = None    # the preflight warns of an article longer than this
    editorial: dict = field(default_factory=dict)
    deposit: dict = field(default_factory=dict)
    limits: Limits = Limits()
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


@dataclass(frozen=True)
class Article:
    path: Path
    issue: Issue
    title: str
    authors: tuple[Author, ...]
    body: str
    body_line: int
    subtitle: str | None = None
    keywords: tuple[str, ...] = ()
    language: str = "en"
    doi: str | None = None
    bibliography: str | None = None   # the article's, else the issue's
    page_budget: int | None = None    # the article's, else the issue's
    digest: str = ""  # sha256 of the manuscript bytes read: what is built is what is keyed
    warnings: tuple[str, ...] = ()  # about the front matter, printed with the build's
    placeholders: tuple[tuple[str, int], ...] = ()  # a proof's: (field, line) it filled in

    @property
    def slug(self) -> str:
        return self.path.stem

    def citation(self, first_page: int, last_page: int) -> str:
        """One line that says where the article was published."""
        issue = self.issue
        pages = f"pp. {first_page}-{last_page}" if last_page > first_page else f"p. {first_page}"
        return (f"{issue.series}, Vol.{issue.volume}, No.{issue.number}, "
                f"{issue.date_label}, {pages}")


def load_issue(folder: Path) -> Issue:
    """Read and validate <folder>/issue.yaml (the folder resolved: no '..', no links)."""
    folder = Path(folder).resolve()
    path = folder / "issue.yaml"
    raw = read_input(path)
    data = load_yaml(decode_text(path, raw), path)
    values = ISSUE.check(data.value, _say_top(data), data)
    if not (STYLES / values["style"] / f"{values['style']}.cls").is_file():
        known = sorted(p.name for p in STYLES.iterdir() if (p / f"{p.name}.cls").is_file())
        _fail(data, ("style",), f"there is no style '{values['style']}' (no folder "
                                f"styles/{values['style']}/ with its class)",
              f"use one of: {', '.join(known)}, or add the style's folder under styles/")
    articles = _article_paths(folder, values.pop("articles"), data)
    values["limits"] = Limits(**values["limits"])
    _check_bibliography(folder, values["bibliography"], data)
    return Issue(folder=folder, articles=articles, digest=hashlib.sha256(raw).hexdigest(),
                 **values)


def issue_limits(folder: Path) -> Limits:
    """Only the limits of <folder>/issue.yaml (for work before the issue is complete)."""
    path = folder / "issue.yaml"
    data = load_yaml(read_text(path), path)
    limits = data.value.get("limits") if isinstance(data.value, dict) else None
    return Limits(**LIMITS.check(limits or {}, _say_top(data), data, ("limits",)))


def _article_paths(folder: Path, names: list[str], data: YamlData) -> tuple[Path, ...]:
    """The listed articles: .md files of this folder, each once, each there."""
    seen: dict[str, str] = {}
    for index, name in enumerate(names):
        where = ("articles", index)
        if Path(name).name != name or not name.endswith(".md") or name.startswith("."):
            _fail(data, where, f"'{name}' is not the name of a .md file in this folder",
                  "list each article by its file name, e.g. 'kabul-river.md'")
        slug = Path(name).stem.lower()
        if slug in seen:
            again = "twice" if seen[slug] == name else f"with the same slug as '{seen[slug]}'"
            _fail(data, where, f"'{name}' is listed {again}",
                  "list each article once; rename one file if two differ only in case")
        seen[slug] = name
        if not os.path.lexists(folder / name):  # a link or FIFO is refused when read
            _fail(data, where, f"'{name}' is listed but there is no such file in {folder}",
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
        _fail(data, where, f"bibliography '{name}' is a URL; the pipeline reads no network",
              "download the file into the issue folder and name it, e.g. bibliography: refs.bib")
    if Path(name).is_absolute() or ".." in Path(name).parts or name.startswith("~"):
        _fail(data, where, f"bibliography '{name}' is outside the issue folder",
              "copy the file into the issue folder and name it relative to it, e.g. refs.bib")
    if Path(name).suffix.lower() not in BIBLIOGRAPHY_TYPES:
        _fail(data, where, f"bibliography '{name}' is not a .bib, .bibtex, .json or .yaml file",
              "export the references from Zotero as BibLaTeX (.bib) or CSL JSON (.json)")
    if any(part.is_symlink() for part in (path, *path.parents) if part.is_relative_to(folder)) \
            or not path.resolve().is_relative_to(folder.resolve()):
        _fail(data, where, f"bibliography '{name}' is a link; links are not followed",
              "put the file itself into the issue folder")
    if not path.is_file():
        _fail(data, where, f"bibliography '{name}' does not exist in {folder}",
              "check the spelling, or put the file into the issue folder")


def _say_top(data: YamlData):
    def say(problem):
        _fail(data, (), problem)
    return say


def load_article(path: Path, issue: Issue, *, proof: bool = False) -> Article:
    """Read and validate one manuscript against its issue. For a proof, a
    printed field still missing (title, an author's name or bio) prints as
    '[bio missing]' and is listed in Article.placeholders; a final build refuses it."""
    raw = read_input(path)
    manuscript = split_front_matter(path, decode_text(path, raw))
    data = load_yaml(manuscript.front_matter, path, first_line=2)
    placeholders = _fill_placeholders(data) if proof else []
    values = ARTICLE.check(data.value, _say_top(data), data)
    for key in ("volume", "number", "year", "month"):
        if values[key] is not None and values[key] != getattr(issue, key):
            _fail(data, (key,), f"'{key}: {values[key]}' contradicts issue.yaml, which says "
                                f"{key}: {getattr(issue, key)}",
                  "correct one of the two, or remove the key from the article")
    _check_bibliography(issue.folder, values["bibliography"], data)
    return Article(
        path=path, issue=issue, body=manuscript.body, body_line=manuscript.body_line,
        title=values["title"], subtitle=values["subtitle"],
        authors=tuple(Author(**author) for author in values["authors"]),
        keywords=tuple(values["keywords"]), language=values["language"] or issue.language,
        doi=values["doi"], bibliography=values["bibliography"] or issue.bibliography,
        page_budget=values["page_budget"] or issue.page_budget,
        digest=hashlib.sha256(raw).hexdigest(),
        warnings=tuple(yaml_comment_warnings(manuscript.front_matter, path, first_line=2)),
        placeholders=tuple(placeholders))


def _fill_placeholders(data: YamlData) -> list[tuple[str, int]]:
    """Put '[<key> missing]' (bold) where a printed field is missing or empty; return
    each such field's name and the front-matter line it belongs at."""
    front = data.value
    if not isinstance(front, dict):
        return []
    filled = []

    def fill(record: dict, key: str, name: str, *keys) -> None:
        if record.get(key) is None or str(record[key]).strip() == "":
            record[key] = f"**[{key} missing]**"  # Markdown: printed in bold
            filled.append((name, data.where(*keys).line))
    fill(front, "title", "title")
    if not front.get("authors"):
        front["authors"] = [{}]
    for index, author in enumerate(front["authors"] if isinstance(front["authors"], list) else []):
        if isinstance(author, dict):
            fill(author, "name", f"authors[{index}].name", "authors", index)
            fill(author, "bio", f"authors[{index}].bio", "authors", index)
    return filled
