"""A house style: the folder styles/<name>/ that issue.yaml's `style:` names.

The folder holds everything of one journal: its class (<name>.cls), its
Pandoc template and defaults layer (defaults.yaml), its own filters, and
style.yaml, read and checked here: labels, how the issue is written (forms),
which front-matter fields are required and printed, notes, fonts and
languages, and what the post-build check reads from the page. Every label,
footer, running head and citation the pipeline writes comes from a Style,
so that no Python names a journal.
"""
from __future__ import annotations

import difflib
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import InputError, Location
from .paths import STYLES
from .sources import YamlData, decode_text, load_yaml, read_input

STYLE_FILE = "style.yaml"
AUTHOR_PRINTABLE = ("bio", "degree", "affiliation", "position")
DEFAULTS_FILE = "defaults.yaml"
MONTHS = ("January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December")


# ---------------------------------------------------------------- the schema
def _fail(data: YamlData, keys: tuple, problem: str, hint: str = ""):
    """A located input error about the value at keys: "'fonts.main' <problem>"."""
    name = ".".join(map(str, keys)) or "style.yaml"
    raise InputError(f"'{name}' {problem}", where=data.where(*keys), hint=hint)


class _Rule:
    hint = ""

    def fail(self, data: YamlData, keys: tuple, problem: str, hint: str = ""):
        _fail(data, keys, problem, hint or self.hint)


class _Text(_Rule):
    hint = "write the text after the key, quoted if it has ': ' or starts with '{'"

    def check(self, value, data, keys):
        if not isinstance(value, str) or not value.strip():
            self.fail(data, keys, "expected text")
        return value


class _Form(_Text):
    """A form such as '{date}, Vol.{volume}, No.{number}': text with named fields."""

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        self.hint = f"the fields a form may name are: {', '.join('{' + f + '}' for f in fields)}"

    def check(self, value, data, keys):
        value = super().check(value, data, keys)
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        except ValueError as exc:
            self.fail(data, keys, f"is not a form ({exc})", "write a literal brace as '{{' or '}}'")
        for name in names:
            if name not in self.fields:
                close = difflib.get_close_matches(name, self.fields, n=1)
                self.fail(data, keys, f"names an unknown field '{{{name}}}'",
                          f"did you mean '{{{close[0]}}}'?" if close else self.hint)
        return value


class _OneOf(_Rule):
    def __init__(self, *choices):
        self.choices = choices
        self.hint = f"use one of: {', '.join(map(_yaml, choices))}"

    def check(self, value, data, keys):
        if value not in self.choices or type(value) is not type(self.choices[0]):
            self.fail(data, keys, f"is '{_yaml(value)}'; expected one of: "
                                  f"{', '.join(map(_yaml, self.choices))}")
        return value


def _yaml(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


class _Number(_Rule):
    def __init__(self, low: int, high: int):
        self.low, self.high = low, high
        self.hint = f"write a whole number from {low} to {high}"

    def check(self, value, data, keys):
        if isinstance(value, bool) or not isinstance(value, int) \
                or not self.low <= value <= self.high:
            self.fail(data, keys, f"is {value!r}; expected a whole number from "
                                  f"{self.low} to {self.high}")
        return value


class _ListOf(_Rule):
    def __init__(self, item: _Rule, length: int | None = None):
        self.item, self.length = item, length
        self.hint = "write a list: [a, b] or one '- item' per line"

    def check(self, value, data, keys):
        if not isinstance(value, list):
            self.fail(data, keys, "expected a list")
        if self.length is not None and len(value) != self.length:
            self.fail(data, keys, f"has {len(value)} entries; expected {self.length}")
        return tuple(self.item.check(item, data, keys + (index,))
                     for index, item in enumerate(value))


class _Fields(_Rule):
    """A mapping with these keys (all required unless listed in optional)."""

    def __init__(self, fields: dict, optional: dict | None = None):
        self.fields, self.optional = fields, optional or {}

    def check(self, value, data, keys):
        if not isinstance(value, dict):
            self.fail(data, keys, "expected 'key: value' lines under it",
                      f"its keys are: {', '.join(self.fields)}")
        known = list(self.fields)
        for name in value:
            if name not in known:
                close = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
                where = f" in '{'.'.join(keys)}'" if keys else ""
                raise InputError(f"unknown key '{name}'{where}",
                                 where=data.where_key(*keys, name),
                                 hint=f"did you mean '{close[0]}'?" if close
                                 else f"known keys here: {', '.join(known)}")
        result = {}
        for name, rule in self.fields.items():
            if name in value and value[name] is not None:
                result[name] = rule.check(value[name], data, keys + (name,))
            elif name in self.optional:
                result[name] = self.optional[name]
            else:
                self.fail(data, keys, f"has no '{name}'",
                          f"add '{name}:' (see styles/*/style.yaml for an example)")
        return result


class _MapOf(_Rule):
    """A mapping from names of one's choosing to values of one rule."""

    def __init__(self, item: _Rule):
        self.item = item

    def check(self, value, data, keys):
        if not isinstance(value, dict) or not value:
            self.fail(data, keys, "expected 'name: value' lines under it")
        return {str(name): self.item.check(item, data, keys + (name,))
                for name, item in value.items()}


ISSUE_FIELDS = ("series", "SERIES", "volume", "number", "date", "year", "month")
PAGE_FIELDS = ("first", "last")
# Fields of the article a page belongs to, for its head and footer: the class
# gets them from the template (\journalsetup{title=..., shorttitle=...}).
ARTICLE_FIELDS = {"title": r"\journalget{title}", "short_title": r"\journalget{shorttitle}"}
FURNITURE_FIELDS = ISSUE_FIELDS + ("issue", "page", *ARTICLE_FIELDS)
_TEXT = _Text()
SCHEMA = _Fields({
    "labels": _Fields({name: _TEXT for name in ("notes", "contents", "patron", "editor", "board")}),
    "issue": _Fields({"volume": _OneOf("arabic", "roman"), "number": _OneOf("arabic", "roman"),
                      "date": _OneOf("month", "season"),
                      "seasons": _ListOf(_TEXT, length=12)}),
    "forms": _Fields({
        "issue": _Form(ISSUE_FIELDS),
        "citation": _Form(ISSUE_FIELDS + ("issue",)),
        "page": _Form(PAGE_FIELDS), "pages": _Form(PAGE_FIELDS),
        "cited": _Form(ISSUE_FIELDS + ("issue", "citation", "pages")),
        "footer": _Form(FURNITURE_FIELDS), "head": _Form(FURNITURE_FIELDS),
        "head_even": _Form(FURNITURE_FIELDS)}, optional={"head_even": ""}),
    "check": _Fields({"footer": _OneOf("every", "first", "none"),
                      "head": _OneOf("following", "none")}),
    "notes": _OneOf("endnotes", "footnotes"),
    "fields": _Fields({"required": _ListOf(_TEXT), "printed": _ListOf(_TEXT),
                       "required_by_type": _MapOf(_ListOf(_TEXT))},
                      optional={"required_by_type": {}}),
    "limits": _Fields({"abstract_words": _ListOf(_Number(0, 10000), length=2),
                       "keywords": _Number(0, 100)},
                      optional={"abstract_words": (0, 0), "keywords": 0}),
    "fonts": _Fields({"main": _TEXT, "sans": _TEXT, "mono": _TEXT, "pdflatex": _TEXT,
                      "scripts": _MapOf(_Fields({"font": _TEXT,
                                                 "direction": _OneOf("ltr", "rtl"),
                                                 "features": _TEXT}, optional={"features": ""}))}),
    "languages": _MapOf(_TEXT),
    "default": _OneOf(True, False),
}, optional={"limits": {"abstract_words": (0, 0), "keywords": 0}, "default": False})


# ----------------------------------------------------------------- the style
@dataclass(frozen=True)
class Script:
    """A script's XeLaTeX font (the filters name the script: scripts.lua)."""

    font: str
    direction: str
    features: str


@dataclass(frozen=True)
class Style:
    """One house style, as its folder and style.yaml declare it."""

    folder: Path
    labels: dict[str, str]        # notes, contents, patron, editor, board
    issue_forms: dict[str, str]   # volume/number: arabic|roman; date: month|season
    seasons: tuple[str, ...]      # the season of each month, January first
    forms: dict[str, str]         # issue, citation, page(s), cited, footer, head, head_even
    check: dict[str, str]         # what the post-build check reads: footer, head
    notes: str                    # endnotes | footnotes
    required: frozenset[str]      # front-matter fields (dotted) a manuscript must give
    required_by_type: dict[str, frozenset[str]]  # ... and those an article type must give
    printed: frozenset[str]       # front-matter fields the template prints
    abstract_words: tuple[int, int]  # (least, most); (0, 0): no limit
    keywords: int                 # at most this many; 0: no limit
    fonts: dict[str, str]         # main, sans, mono (XeLaTeX)
    pdflatex_chars: frozenset[str]  # what the class's pdfLaTeX fonts print as themselves
    scripts: dict[str, Script]
    languages: dict[str, str]     # BCP 47 tag -> Babel language the class loads
    default: bool                 # the style of an issue.yaml without `style:`

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def defaults(self) -> Path:
        """The style's Pandoc layer: its template and filters."""
        return self.folder / DEFAULTS_FILE

    # ------------------------------------------------ the issue, as written
    def fields(self, issue) -> dict[str, str]:
        """The issue's own fields, written as this style writes them."""
        month = MONTHS[issue.month - 1]
        season = self.seasons[issue.month - 1]
        date = f"{season if self.issue_forms['date'] == 'season' else month} {issue.year}"
        return {"series": issue.series, "SERIES": issue.series.upper(),
                "volume": self._numeral(issue.volume, "volume"),
                "number": self._numeral(issue.number, "number"),
                "date": date, "year": str(issue.year), "month": month}

    def _numeral(self, value: int, what: str) -> str:
        return roman(value).upper() if self.issue_forms[what] == "roman" else str(value)

    def text(self, form: str, issue, **values) -> str:
        """A form filled in as plain text (the page's words, the metadata's); the
        article's fields are empty where no article is (the contents pages)."""
        values = dict.fromkeys(ARTICLE_FIELDS, "") | values
        return _fill(self.forms[form], self._values(issue, values, str))

    def latex(self, form: str, issue, **values) -> str:
        """A form filled in as LaTeX for the class: the page number is \\thepage,
        the article's fields the class keys the template sets."""
        from pylatex.utils import escape_latex
        values = {"page": r"\thepage"} | ARTICLE_FIELDS | values
        return _fill(self.forms[form], self._values(issue, values, escape_latex), escape_latex)

    def _values(self, issue, values: dict, escape) -> dict[str, str]:
        filled = {name: escape(value) for name, value in self.fields(issue).items()}
        filled["issue"] = _fill(self.forms["issue"], filled, escape)
        filled["citation"] = _fill(self.forms["citation"], filled, escape)
        return filled | values

    def date(self, issue) -> str:
        """'June 2022' or 'Autumn 2014'."""
        return self.fields(issue)["date"]

    def pages(self, first: int, last: int) -> str:
        """'pp. 1-9' or 'p. 3', in this style's forms."""
        return _fill(self.forms["pages" if last > first else "page"],
                     {"first": str(first), "last": str(last)})

    def cited(self, issue, first: int, last: int) -> str:
        """Where an article (or the issue) was published, with its pages."""
        return self.text("cited", issue, pages=self.pages(first, last))

    # --------------------------------------------------------- for the class
    def class_keys(self, issue, language: str) -> str:
        """The \\journalsetup keys of an issue (every page of it), in LaTeX."""
        from pylatex.utils import escape_latex
        fields = self.fields(issue)
        keys = {"series": escape_latex(fields["series"]), "volume": fields["volume"],
                "number": fields["number"], "date": escape_latex(fields["date"]),
                "language": self.languages[language],
                "notesname": escape_latex(self.labels["notes"]),
                "contentsname": escape_latex(self.labels["contents"]),
                "footer": self.latex("footer", issue), "head": self.latex("head", issue)}
        if self.forms["head_even"]:
            keys["headeven"] = self.latex("head_even", issue)
        return ",".join(f"{key}={{{value}}}" for key, value in keys.items())

    def font_setup(self) -> str:
        """The fonts of style.yaml for the class (XeLaTeX uses them; pdfLaTeX ignores them)."""
        lines = [f"\\journalfonts{{{self.fonts['main']}}}{{{self.fonts['sans']}}}"
                 f"{{{self.fonts['mono']}}}"]
        lines += [f"\\journalscriptfont{{{name}}}{{{script.direction}}}{{{script.font}}}"
                  f"{{{script.features}}}" for name, script in self.scripts.items()]
        return "\n".join(lines)

    def page_in(self, form: str, line: str) -> int | None:
        """The page number line prints, if it is in the form (footer, head or
        head_even) and the form has an Arabic {page}; any other field matches any text."""
        if "{page}" not in self.forms[form]:
            return None
        pattern = ""
        for literal, name, _, _ in string.Formatter().parse(self.forms[form]):
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
        shown = self.printed
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
            _fail(data, ("fonts", "pdflatex"), f"has '{item}', not a hex range",
                         "write code points or ranges such as 0020-007E, separated by spaces")
        low, _, high = item.partition("-")
        chars.update(map(chr, range(int(low, 16), int(high or low, 16) + 1)))
    return frozenset(chars)


def _check_field_names(fields: dict, data: YamlData) -> None:
    """Every field style.yaml names is a front-matter field; every type a type."""
    from .model import ARTICLE_FIELDS as KNOWN, ARTICLE_TYPES
    named = [(("fields", "required", index), name) for index, name in enumerate(fields["required"])]
    named += [(("fields", "printed", index), name) for index, name in enumerate(fields["printed"])]
    for kind, names in fields["required_by_type"].items():
        if kind not in ARTICLE_TYPES:
            _fail(data, ("fields", "required_by_type", kind), "is not an article type",
                         f"use one of: {', '.join(ARTICLE_TYPES)}")
        named += [(("fields", "required_by_type", kind, index), name)
                  for index, name in enumerate(names)]
    for keys, name in named:
        if name not in KNOWN:
            close = difflib.get_close_matches(name, sorted(KNOWN), n=1)
            _fail(data, keys, f"names '{name}', which is no front-matter field",
                         f"did you mean '{close[0]}'?" if close
                         else f"the fields are: {', '.join(sorted(KNOWN))}")


# --------------------------------------------------------------- loading
def style_of(issue) -> Style:
    """The style an issue names (issue.yaml's `style:`)."""
    return load_style(STYLES / issue.style)


def style_names() -> list[str]:
    """The folders of styles/ that hold a style.yaml, the default style first."""
    names = sorted(folder.name for folder in STYLES.iterdir() if (folder / STYLE_FILE).is_file())
    return sorted(names, key=lambda name: not load_style(STYLES / name).default)


def default_style() -> str:
    """The one style whose style.yaml says `default: true`."""
    defaults = [name for name in style_names() if load_style(STYLES / name).default]
    if len(defaults) != 1:
        raise InputError(f"{len(defaults)} house styles say 'default: true' "
                         f"({', '.join(defaults) or 'none'}); issue.yaml names no style",
                         where=Location(STYLES),
                         hint="add 'style: <name>' to issue.yaml, or mark one style's "
                              "style.yaml with 'default: true'")
    return defaults[0]


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
            tags |= dict.fromkeys(load_style(STYLES / name).languages)
        return list(tags)

    def __getitem__(self, index):
        return self._tags()[index]

    def __len__(self) -> int:
        return len(self._tags())


@cache
def load_style(folder: Path) -> Style:
    """Read and check <folder>/style.yaml; located errors (exit 3) if it is wrong."""
    path = Path(folder) / STYLE_FILE
    data = load_yaml(decode_text(path, read_input(path)), path)
    values = SCHEMA.check(data.value, data, ())
    for required in (f"{Path(folder).name}.cls", DEFAULTS_FILE):
        if not (Path(folder) / required).is_file():
            raise InputError(f"the style folder {folder} has no {required}",
                             where=data.where(),
                             hint="a style folder holds <name>.cls, defaults.yaml and style.yaml")
    _check_field_names(values["fields"], data)
    fonts = values["fonts"]
    return Style(
        folder=Path(folder), labels=values["labels"],
        issue_forms={key: values["issue"][key] for key in ("volume", "number", "date")},
        seasons=values["issue"]["seasons"], forms=values["forms"], check=values["check"],
        notes=values["notes"], required=frozenset(values["fields"]["required"]),
        required_by_type={kind: frozenset(names)
                          for kind, names in values["fields"]["required_by_type"].items()},
        printed=frozenset(values["fields"]["printed"]),
        abstract_words=tuple(values["limits"]["abstract_words"]),
        keywords=values["limits"]["keywords"],
        fonts={key: fonts[key] for key in ("main", "sans", "mono")},
        pdflatex_chars=_characters(fonts["pdflatex"], data),
        scripts={name: Script(**script) for name, script in fonts["scripts"].items()},
        languages=values["languages"], default=values["default"])


def load_article(path: Path, issue, *, proof: bool = False):
    """One manuscript read under its issue's style: the fields the style
    requires (for every article and for its type) and its house limits
    (abstract words, keywords), each error at its line in the front matter."""
    from .model import load_article as load
    style = style_of(issue)
    article = load(path, issue, proof=proof, required=style.required, style_name=style.name)
    _check_language(style, article)
    missing = [name for name in sorted(style.required_by_type.get(article.type, ()))
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
    close = difflib.get_close_matches(article.language, list(style.languages), n=1)
    raise InputError(f"'language' '{article.language}' is not one of: "
                     f"{', '.join(style.languages)}", where=where,
                     hint=(f"did you mean '{close[0]}'? " if close else "")
                     + f"(the languages house style '{style.name}' sets: its style.yaml)")


def _check_limits(style: Style, article) -> None:
    least, most = style.abstract_words
    words = len(article.abstract.split()) if article.abstract else 0
    if article.abstract and most and not least <= words <= most:
        raise InputError(f"the abstract has {words} words; this journal's abstracts have "
                         f"{least} to {most}", where=_front_matter(article).where("abstract"),
                         hint=f"{'shorten' if words > most else 'lengthen'} it (house style "
                              f"'{style.name}', limits.abstract_words)")
    if style.keywords and len(article.keywords) > style.keywords:
        raise InputError(f"the article has {len(article.keywords)} keywords; this journal "
                         f"prints at most {style.keywords}",
                         where=_front_matter(article).where("keywords", style.keywords),
                         hint=f"keep the {style.keywords} that matter most (house style "
                              f"'{style.name}', limits.keywords)")


def _front_matter(article) -> YamlData:
    """The article's front matter with positions, read again to place an error."""
    from .sources import split_front_matter
    text = decode_text(article.path, read_input(article.path))
    return load_yaml(split_front_matter(article.path, text).front_matter, article.path,
                     first_line=2)
