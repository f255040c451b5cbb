"""A house style: the folder styles/<name>/ that issue.yaml's `style:` names.

The folder holds everything of one journal: its class (<name>.cls), its
Pandoc template and defaults layer (defaults.yaml), its own filters, and
style.yaml, declared here as frozen dataclasses (Labels, IssueWriting, Forms,
Checks, Fields, HouseLimits, Fonts, Script; Style holds them) with the same
declare.declared and check_record as the issue's model: labels, how the
issue is written (forms), which front-matter fields are required and
printed, notes (endnotes layer templates/endnotes.yaml), fonts and
languages, and what the post-build check reads from the page. Every label,
footer, running head and citation the pipeline writes comes from a Style,
so that no Python names a journal.
"""
from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from .declare import (Boolean, Choice, Form, Integer, ListOf, MapOf, Record, Text, check_record,
                      check_value, closest, declarations, declared, fail)
from .errors import InputError, Location
from .paths import STYLES, TEMPLATES
from .sources import YamlData, decode_text, load_yaml, read_input

STYLE_FILE = "style.yaml"
AUTHOR_PRINTABLE = ("bio", "degree", "affiliation", "position")
DEFAULTS_FILE = "defaults.yaml"
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")


# ------------------------------------------------------ style.yaml, declared
ISSUE_FIELDS = ("series", "SERIES", "volume", "number", "date", "year", "month")
PAGE_FIELDS = ("first", "last")
# Fields of the article a page belongs to, for its head and footer: the class
# gets them from the template (\journalsetup{title=..., shorttitle=...}).
ARTICLE_FIELDS = {"title": r"\journalget{title}", "short_title": r"\journalget{shorttitle}"}
FURNITURE_FIELDS = ISSUE_FIELDS + ("issue", "page", *ARTICLE_FIELDS)
LABEL = Text(100)
NUMERALS = Choice(("arabic", "roman"))
FIELD_NAMES = ListOf(Text(60))   # front-matter fields, dotted for an author's


@dataclass(frozen=True, kw_only=True)
class Labels:
    notes: str = declared(LABEL)      # heading of the notes after the text
    contents: str = declared(LABEL)   # the contents page's title and its bookmark
    patron: str = declared(LABEL)     # editorial matter: "Patron: <name>"
    editor: str = declared(LABEL)
    board: str = declared(LABEL)


@dataclass(frozen=True, kw_only=True)
class IssueWriting:
    """How the issue's numbers and date are written (style.yaml `issue:`)."""

    volume: str = declared(NUMERALS)
    number: str = declared(NUMERALS)
    date: str = declared(Choice(("month", "season")))
    seasons: tuple[str, ...] = declared(ListOf(Text(40), min_items=12, max_items=12))  # January first


@dataclass(frozen=True, kw_only=True)
class Forms:
    """Text with fields in braces, filled in by Style.text and Style.latex."""

    issue: str = declared(Form(fields=ISSUE_FIELDS))
    citation: str = declared(Form(fields=ISSUE_FIELDS + ("issue",)))
    page: str = declared(Form(fields=PAGE_FIELDS))
    pages: str = declared(Form(fields=PAGE_FIELDS))
    cited: str = declared(Form(fields=ISSUE_FIELDS + ("issue", "citation", "pages")))
    footer: str = declared(Form(fields=FURNITURE_FIELDS))
    head: str = declared(Form(fields=FURNITURE_FIELDS))
    head_even: str = declared(Form(fields=FURNITURE_FIELDS), "")  # none: as head


@dataclass(frozen=True, kw_only=True)
class Checks:
    """What the post-build check reads from each page."""

    footer: str = declared(Choice(("every", "first", "none")))
    head: str = declared(Choice(("following", "none")))


@dataclass(frozen=True, kw_only=True)
class Fields:
    """Front-matter fields (dotted names) a manuscript must give and the template prints."""

    required: tuple[str, ...] = declared(FIELD_NAMES)
    printed: tuple[str, ...] = declared(FIELD_NAMES)
    required_by_type: dict[str, tuple[str, ...]] | None = declared(MapOf(FIELD_NAMES), None)


@dataclass(frozen=True, kw_only=True)
class HouseLimits:
    abstract_words: tuple[int, int] = declared(
        ListOf(Integer(0, 10000), min_items=2, max_items=2), (0, 0))  # (least, most); 0: none
    keywords: int = declared(Integer(0, 100), 0)                      # at most; 0: no limit


@dataclass(frozen=True, kw_only=True)
class Script:
    """A script's XeLaTeX font (the filters name the script: scripts.lua)."""

    font: str = declared(Text(100))
    direction: str = declared(Choice(("ltr", "rtl")))
    features: str = declared(Text(200), "")


@dataclass(frozen=True, kw_only=True)
class Fonts:
    main: str = declared(Text(100))   # XeLaTeX's body, sans and typewriter
    sans: str = declared(Text(100))
    mono: str = declared(Text(100))
    pdflatex: str = declared(Text(4000))  # hex ranges: what the class's pdfLaTeX fonts print
    scripts: dict[str, Script] = declared(MapOf(Record(Script)))


@dataclass(frozen=True, kw_only=True)
class Style:
    """One house style: its folder, and style.yaml as declared here."""

    folder: Path
    default: bool = declared(Boolean(), False)  # the style of an issue.yaml without `style:`
    labels: Labels = declared(Record(Labels))
    issue: IssueWriting = declared(Record(IssueWriting))
    forms: Forms = declared(Record(Forms))
    check: Checks = declared(Record(Checks))
    notes: str = declared(Choice(("endnotes", "footnotes")))
    fields: Fields = declared(Record(Fields))
    limits: HouseLimits = declared(Record(HouseLimits), HouseLimits())
    fonts: Fonts = declared(Record(Fonts))
    languages: dict[str, str] = declared(MapOf(Text(60)))  # BCP 47 tag -> Babel language
    pdflatex_chars: frozenset[str] = frozenset()  # fonts.pdflatex, as characters

    @property
    def scripts(self) -> dict[str, Script]:
        return self.fonts.scripts

    @property
    def required(self) -> frozenset[str]:
        return frozenset(self.fields.required)

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def layers(self) -> list[Path]:
        """The style's Pandoc layers: its own (template, filters), then the
        shared endnotes filter if its notes are endnotes."""
        endnotes = [TEMPLATES / "endnotes.yaml"] if self.notes == "endnotes" else []
        return [self.folder / DEFAULTS_FILE, *endnotes]

    # ------------------------------------------------ the issue, as written
    def issue_fields(self, issue) -> dict[str, str]:
        """The issue's own fields, written as this style writes them."""
        month = MONTHS[issue.month - 1]
        season = self.issue.seasons[issue.month - 1]
        date = f"{season if self.issue.date == 'season' else month} {issue.year}"
        return {"series": issue.series, "SERIES": issue.series.upper(),
                "volume": self._numeral(issue.volume, "volume"),
                "number": self._numeral(issue.number, "number"),
                "date": date, "year": str(issue.year), "month": month}

    def _numeral(self, value: int, what: str) -> str:
        return roman(value).upper() if getattr(self.issue, what) == "roman" else str(value)

    def text(self, form: str, issue, **values) -> str:
        """A form filled in as plain text (the page's words, the metadata's); the
        article's fields are empty where no article is (the contents pages)."""
        values = dict.fromkeys(ARTICLE_FIELDS, "") | values
        return _fill(getattr(self.forms, form), self._values(issue, values, str))

    def latex(self, form: str, issue, **values) -> str:
        """A form filled in as LaTeX for the class: the page number is \\thepage,
        the article's fields the class keys the template sets."""
        from pylatex.utils import escape_latex
        values = {"page": r"\thepage"} | ARTICLE_FIELDS | values
        return _fill(getattr(self.forms, form), self._values(issue, values, escape_latex), escape_latex)

    def _values(self, issue, values: dict, escape) -> dict[str, str]:
        filled = {name: escape(value) for name, value in self.issue_fields(issue).items()}
        filled["issue"] = _fill(self.forms.issue, filled, escape)
        filled["citation"] = _fill(self.forms.citation, filled, escape)
        return filled | values

    def date(self, issue) -> str:
        """'June 2022' or 'Autumn 2014'."""
        return self.issue_fields(issue)["date"]

    def pages(self, first: int, last: int) -> str:
        """'pp. 1-9' or 'p. 3', in this style's forms."""
        return _fill(self.forms.pages if last > first else self.forms.page,
                     {"first": str(first), "last": str(last)})

    def cited(self, issue, first: int, last: int) -> str:
        """Where an article (or the issue) was published, with its pages."""
        return self.text("cited", issue, pages=self.pages(first, last))

    # --------------------------------------------------------- for the class
    def class_keys(self, issue, language: str) -> str:
        """The \\journalsetup keys of an issue (every page of it), in LaTeX."""
        from pylatex.utils import escape_latex
        fields = self.issue_fields(issue)
        keys = {"series": escape_latex(fields["series"]), "volume": fields["volume"],
                "number": fields["number"], "date": escape_latex(fields["date"]),
                "language": self.languages[language],
                "notesname": escape_latex(self.labels.notes),
                "contentsname": escape_latex(self.labels.contents),
                "footer": self.latex("footer", issue), "head": self.latex("head", issue)}
        if self.forms.head_even:
            keys["headeven"] = self.latex("head_even", issue)
        return ",".join(f"{key}={{{value}}}" for key, value in keys.items())

    def font_setup(self) -> str:
        """The fonts of style.yaml for the class (XeLaTeX uses them; pdfLaTeX ignores them)."""
        lines = [f"\\journalfonts{{{self.fonts.main}}}{{{self.fonts.sans}}}{{{self.fonts.mono}}}"]
        lines += [f"\\journalscriptfont{{{name}}}{{{script.direction}}}{{{script.font}}}"
                  f"{{{script.features}}}" for name, script in self.scripts.items()]
        return "\n".join(lines)

    def page_in(self, form: str, line: str) -> int | None:
        """The page number line prints, if it is in the form (footer, head or
        head_even) and the form has an Arabic {page}; any other field matches any text."""
        if "{page}" not in getattr(self.forms, form):
            return None
        pattern = ""
        for literal, name, _, _ in string.Formatter().parse(getattr(self.forms, form)):
            pattern += r"\s*".join(map(re.escape, literal.split(" ")))
            if name is not None:
                pattern += r"(?P<page>\d+)" if name == "page" and "page>" not in pattern else ".+?"
        found = re.fullmatch(pattern, " ".join(line.split()))
        return int(found.group("page")) if found else None

    # ------------------------------------------------------- for the template
    def printed_values(self, article) -> dict:
        """The article's front matter the template receives: title and names
        always, the type and the short title (else the title) for running heads,
        and each other field the style prints (fields.printed), if given."""
        shown = self.fields.printed
        values = {"title": article.title, "type": article.type,
                  "short_title": article.short_title or article.title}
        for name in ("subtitle", "abstract", "keywords"):
            if name in shown and getattr(article, name):
                values[name] = getattr(article, name)
        values["authors"] = [
            {"name": author.name} | {key: getattr(author, key) for key in AUTHOR_PRINTABLE
                                     if f"authors.{key}" in shown and getattr(author, key)}
            for author in article.authors]
        return values

    def setup(self, issue, language: str, extra: str = "") -> str:
        """What comes right after \\endofdump: the issue's keys (plus extra, which
        starts with a comma) and the fonts."""
        return f"\\journalsetup{{{self.class_keys(issue, language)}{extra}}}\n{self.font_setup()}\n"


def _fill(form: str, values: dict[str, str], escape=lambda text: text) -> str:
    """form with its fields replaced by values, its own words passed through escape."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(form):
        parts.append(escape(literal))
        if name is not None:
            parts.append(values[name])
    return "".join(parts)


def roman(number: int) -> str:
    """1 -> 'i', 14 -> 'xiv'."""
    digits = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
              (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    text = ""
    for value, letters in digits:
        count, number = divmod(number, value)
        text += letters * count
    return text


def _characters(ranges: str, data: YamlData) -> frozenset[str]:
    """'0020-007E 00A0' -> the characters in those hex ranges."""
    chars = set()
    for item in ranges.split():
        if not re.fullmatch(r"[0-9A-Fa-f]{4,6}(-[0-9A-Fa-f]{4,6})?", item):
            fail(data, ("fonts", "pdflatex"), f"'fonts.pdflatex' has '{item}', not a hex range",
                 "write code points or ranges such as 0020-007E, separated by spaces")
        low, _, high = item.partition("-")
        chars.update(map(chr, range(int(low, 16), int(high or low, 16) + 1)))
    return frozenset(chars)


def _check_field_names(fields: Fields, data: YamlData) -> None:
    """Every field style.yaml names is a front-matter field; every type a type."""
    from .model import ARTICLE_FIELDS as KNOWN, ARTICLE_TYPES
    named = [(("fields", "required", index), name) for index, name in enumerate(fields.required)]
    named += [(("fields", "printed", index), name) for index, name in enumerate(fields.printed)]
    for kind, names in (fields.required_by_type or {}).items():
        if kind not in ARTICLE_TYPES:
            fail(data, ("fields", "required_by_type", kind),
                 f"'fields.required_by_type.{kind}' is not an article type",
                 f"use one of: {', '.join(ARTICLE_TYPES)}")
        named += [(("fields", "required_by_type", kind, index), name)
                  for index, name in enumerate(names)]
    for keys, name in named:
        if name not in KNOWN:
            close = closest(name, sorted(KNOWN))
            fail(data, keys, f"'{'.'.join(map(str, keys))}' names '{name}', which is no "
                             f"front-matter field",
                 f"the fields are: {', '.join(sorted(KNOWN))}" if close is None
                 else f"did you mean '{close}'?")


# --------------------------------------------------------------- loading
def style_of(issue) -> Style:
    """The style an issue names (issue.yaml's `style:`)."""
    return load_style(STYLES / issue.style)


def style_names() -> list[str]:
    """The folders of styles/ that hold a style.yaml, the default style first."""
    names = sorted(folder.name for folder in STYLES.iterdir() if (folder / STYLE_FILE).is_file())
    return sorted(names, key=lambda name: not _says_default(STYLES / name))


def default_style() -> str:
    """The one style whose style.yaml says `default: true` (only that key of
    the others is read: a broken style.yaml stops only the issues that name it)."""
    defaults = [name for name in style_names() if _says_default(STYLES / name)]
    if len(defaults) != 1:
        raise InputError(f"{len(defaults)} house styles say 'default: true' "
                         f"({', '.join(defaults) or 'none'}); issue.yaml names no style",
                         where=Location(STYLES),
                         hint="add 'style: <name>' to issue.yaml, or mark one style's "
                              "style.yaml with 'default: true'")
    return defaults[0]


def _says_default(folder: Path) -> bool:
    """Whether <folder>/style.yaml says `default: true`: that key alone is checked."""
    return bool(_key(folder, "default", False))


def _key(folder: Path, name: str, absent):
    """One top-level key of <folder>/style.yaml, checked by its declaration, the
    others unread (absent if it is not there): another journal's broken style
    stops only the issues that name it, not the search for the default style
    or the languages."""
    data = _read(folder)
    if not isinstance(data.value, dict) or data.value.get(name) is None:
        return absent
    return check_value(declarations(Style)[name].metadata["rule"], data.value[name],
                       data, (name,))


def printed_page(text: str) -> int | None:
    """The page number a page's text prints in the footer or head form of any
    house style (footer first: a first page's head may end with a year)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    for style in (load_style(STYLES / name) for name in style_names()):
        for form, line in (("footer", lines[-1]), ("head", lines[0]), ("head_even", lines[0])):
            number = style.page_in(form, line)
            if number is not None:
                return number
    return None


class HouseLanguages(Sequence):
    """The languages some house style sets, read from the styles when first asked."""

    def _tags(self) -> list[str]:
        tags = {}
        for name in style_names():
            tags |= dict.fromkeys(_key(STYLES / name, "languages", {}))
        return list(tags)

    def __getitem__(self, index):
        return self._tags()[index]

    def __len__(self) -> int:
        return len(self._tags())


@cache
def _read(folder: Path) -> YamlData:
    path = Path(folder) / STYLE_FILE
    return load_yaml(decode_text(path, read_input(path)), path)


@cache
def load_style(folder: Path) -> Style:
    """Read and check <folder>/style.yaml; located errors (exit 3) if it is wrong."""
    data = _read(folder)
    style = Style(folder=Path(folder), **check_record(Style, data.value, data))
    for required in (f"{Path(folder).name}.cls", DEFAULTS_FILE):
        if not (Path(folder) / required).is_file():
            raise InputError(f"the style folder {folder} has no {required}",
                             where=data.where(),
                             hint="a style folder holds <name>.cls, defaults.yaml and style.yaml")
    _check_field_names(style.fields, data)
    return replace(style, pdflatex_chars=_characters(style.fonts.pdflatex, data))


def load_article(path: Path, issue, *, proof: bool = False):
    """One manuscript read under its issue's style: the fields the style
    requires (for every article and for its type) and its house limits
    (abstract words, keywords), each error at its line in the front matter."""
    from .model import load_article as load
    style = style_of(issue)
    article = load(path, issue, proof=proof, required=style.required, style_name=style.name)
    _check_language(style, article)
    missing = [name for name in sorted((style.fields.required_by_type or {}).get(article.type, ()))
               if not getattr(article, name, None)]
    if missing:
        raise InputError(f"required key '{missing[0]}' is missing: this journal requires it "
                         f"of every {article.type.replace('-', ' ')}",
                         where=_front_matter(article).where(),
                         hint=f"add '{missing[0]}:' to the front matter (the house style "
                              f"'{style.name}' requires it: fields.required_by_type)")
    _check_limits(style, article)
    return article


def _check_language(style: Style, article) -> None:
    """The article's language (its own, else the issue's) is one the style sets."""
    if article.language in style.languages:
        return
    own = _front_matter(article)
    where = own.where("language") if "language" in own.value else \
        load_yaml(decode_text(issue_file := article.issue.folder / "issue.yaml",
                              read_input(issue_file)), issue_file).where("language")
    close = closest(article.language, style.languages)
    raise InputError(f"'language' '{article.language}' is not one of: "
                     f"{', '.join(style.languages)}", where=where,
                     hint=("" if close is None else f"did you mean '{close}'? ")
                     + f"(the languages house style '{style.name}' sets: its style.yaml)")


def _check_limits(style: Style, article) -> None:
    least, most = style.limits.abstract_words
    words = len(article.abstract.split()) if article.abstract else 0
    if article.abstract and most and not least <= words <= most:
        raise InputError(f"the abstract has {words} words; this journal's abstracts have "
                         f"{least} to {most}", where=_front_matter(article).where("abstract"),
                         hint=f"{'shorten' if words > most else 'lengthen'} it (house style "
                              f"'{style.name}', limits.abstract_words)")
    if style.limits.keywords and len(article.keywords) > style.limits.keywords:
        raise InputError(f"the article has {len(article.keywords)} keywords; this journal "
                         f"prints at most {style.limits.keywords}",
                         where=_front_matter(article).where("keywords", style.limits.keywords),
                         hint=f"keep the {style.limits.keywords} that matter most (house style "
                              f"'{style.name}', limits.keywords)")


def _front_matter(article) -> YamlData:
    """The article's front matter with positions, read again to place an error."""
    from .sources import split_front_matter
    text = decode_text(article.path, read_input(article.path))
    return load_yaml(split_front_matter(article.path, text).front_matter, article.path,
                     first_line=2)
