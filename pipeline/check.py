"""After every issue build: read back what was made and compare it with the model.

Each check reads one thing back and names it in its message: the issue's page
count, the contents (every entry in order, found by the title and names the
article's own page printed, with its first page), the page labels, the
footers and running heads (in the forms the style declares), the bookmarks,
the offprints' page counts and PRISM page ranges, and the fonts (every one
embedded and mapped to Unicode). Any disagreement fails
the build before the issue PDF replaces the last good one.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from . import metadata
from .errors import InvalidOutput, Location
from .model import Issue
from .style import roman, style_of
from .tools import poppler

if TYPE_CHECKING:
    from .article import Built

PRISM = metadata.PRISM
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
UNICODE_ENCODINGS = ("/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding")


def check_issue(issue: Issue, built: list[Built], issue_pdf: Path) -> None:
    import pikepdf

    texts = poppler.page_texts(issue_pdf)
    with pikepdf.open(issue_pdf) as pdf:
        labels = [page.label for page in pdf.pages]
        bookmarks = _bookmarks(pdf)
        problems = font_problems(pdf)
    front = _front_pages(labels)
    problems += _page_count_problems(issue, built, len(labels), front)
    problems += _contents_problems(texts[int(issue.cover):front], built)
    problems += _label_problems(labels, front, built)
    problems += _furniture_problems(issue, texts, front, built)
    problems += _bookmark_problems(issue, bookmarks, front, built)
    for item in built:
        problems += _offprint_problems(item)
    if problems:
        raise InvalidOutput("the issue does not agree with itself:\n    " + "\n    ".join(problems),
                            where=Location(issue.folder / "issue.yaml"),
                            hint="this is a bug in the pipeline or its class; the previous "
                                 "issue.pdf was kept")


# ------------------------------------------------------------------- pages
def _front_pages(labels: list[str]) -> int:
    """The cover and contents: the leading pages labelled with roman numerals."""
    count = 0
    while count < len(labels) and not labels[count].isdigit():
        count += 1
    return count


def _page_count_problems(issue: Issue, built: list[Built], total: int, front: int) -> list[str]:
    body = sum(item.pages for item in built)
    span = built[-1].last_page - issue.first_page + 1
    if front >= 1 and total == front + body == front + span:
        return []
    return [f"the issue has {total} pages; expected {front + span} "
            f"({front} of front matter and pages {issue.first_page}-{built[-1].last_page})"]


def _body_pages_of(front: int, built: list[Built]):
    """(article, index in the issue PDF, printed page number) of every article page."""
    index = front
    for item in built:
        for number in range(item.first_page, item.last_page + 1):
            yield item, index, number
            index += 1


def _label_problems(labels: list[str], front: int, built: list[Built]) -> list[str]:
    expected = [(index, roman(index + 1)) for index in range(front)]
    expected += [(index, str(number)) for _, index, number in _body_pages_of(front, built)]
    return [f"page {index + 1} has page label '{labels[index]}'; expected '{label}'"
            for index, label in expected if index < len(labels) and labels[index] != label]


def _furniture_problems(issue: Issue, texts: list[str], front: int,
                        built: list[Built]) -> list[str]:
    """Each page's footer (its last line) and running head (its first) in the
    forms of the style, on the pages its style.yaml `check:` names."""
    style, firsts = style_of(issue), _first_pages(front, built)
    footers = {"every": range(int(issue.cover), len(texts)), "none": (),
               "first": {*range(int(issue.cover), front), *firsts}}[style.check.footer]
    pages = [(index, roman(index + 1), {}) for index in range(front)]
    pages += [(index, str(number), {"title": item.rendered.title.plain,
                                    "short_title": item.rendered.head_title.plain})
              for item, index, number in _body_pages_of(front, built)]
    problems = []
    for index, number, fields in pages:
        text = texts[index] if index < len(texts) else ""
        if index in footers:
            problems += _line_problem(index, "footer", _last_line(text),
                                      style.text("footer", issue, page=number, **fields))
        if style.check.head == "following" and index >= front and index not in firsts:
            form = "head_even" if style.forms.head_even and int(number) % 2 == 0 else "head"
            problems += _line_problem(index, "running head", _first_line(text),
                                      style.text(form, issue, page=number, **fields))
    return problems


def _first_pages(front: int, built: list[Built]) -> set[int]:
    """The index in the issue PDF of each article's first page."""
    return {front + item.first_page - built[0].first_page for item in built}


def _lines(text: str) -> list[str]:
    """The page's lines that hold text, each with its spaces made single."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()] or [""]


def _first_line(text: str) -> str:
    return _lines(text)[0]


def _last_line(text: str) -> str:
    return _lines(text)[-1]


def _line_problem(index: int, what: str, found: str, expected: str) -> list[str]:
    expected = " ".join(expected.split())
    if " ".join(found.split()) == expected:
        return []
    return [f"page {index + 1} of the issue shows {what} '{found}'; expected '{expected}'"]


# ---------------------------------------------------------------- contents
def _squeezed(text: str) -> str:
    """The letters, digits and full stops of text, its line breaks kept. Spaces,
    quotes and brackets are left out: pdftotext places them by guesswork
    (around right-to-left words it moves brackets inside)."""
    lines = ("".join(char for char in line if char.isalnum() or char == ".")
             for line in unicodedata.normalize("NFKC", text).splitlines())
    return "\n".join(line for line in lines if line)


def _spanning_lines(text: str) -> str:
    """A pattern for text that may be broken across lines anywhere."""
    return "\n?".join(re.escape(char) for char in _squeezed(text))


def _entry(item: Built) -> re.Pattern:
    """A contents entry: the title as rendered, dot leaders, the page, the names
    (none for an unsigned item)."""
    names = _spanning_lines(item.rendered.byline.plain)
    return re.compile(_spanning_lines(item.rendered.full_title.plain) + r"\.+(?P<page>\d+)"
                      + (r"\n" + names if names else "") + r"(?:\n|$)")


def _contents_problems(pages: list[str], built: list[Built]) -> list[str]:
    """Every article listed, in issue order, with its first page: an entry is
    found by its rendered text after the entry before it, never by a guess."""
    text, cursor, problems = _squeezed("\n".join(pages)) + "\n", 0, []
    for position, item in enumerate(built, start=1):
        title = item.rendered.full_title.plain
        entry = _entry(item).search(text, cursor)
        if not entry:
            problems.append(f"the contents do not list '{title}' as entry {position} "
                            f"(missing, misprinted or out of order)")
            continue
        cursor = entry.end()
        if int(entry.group("page")) != item.first_page:
            problems.append(f"the contents give page {entry.group('page')} for '{title}' "
                            f"(entry {position}); it starts on page {item.first_page}")
    return problems


# --------------------------------------------------------------- bookmarks
def _bookmarks(pdf) -> list[tuple[str, int | None]]:
    """(title, page index) of each top-level outline item."""
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:
        return [(item.title, pages.get(item.destination[0].objgen)
                 if item.destination is not None else None) for item in outline.root]


def _bookmark_problems(issue: Issue, bookmarks: list, front: int, built: list[Built]) -> list[str]:
    expected = [(style_of(issue).labels.contents, int(issue.cover))]
    expected += [(item.rendered.full_title.plain, front + item.first_page - built[0].first_page)
                 for item in built]
    if bookmarks == expected:
        return []
    return [f"the bookmarks are {bookmarks}; expected {expected} (title, page index)"]


# ---------------------------------------------------------------- offprints
def _offprint_problems(item: Built) -> list[str]:
    import pikepdf

    with pikepdf.open(item.pdf) as pdf:
        pages = len(pdf.pages)
        meta = pdf.open_metadata()
        first = meta.get(f"{{{PRISM}}}startingPage")
        last = meta.get(f"{{{PRISM}}}endingPage")
        page_range = meta.get(f"{{{PRISM}}}pageRange")
    problems = []
    if pages != item.pages:
        problems.append(f"{item.pdf.name} has {pages} pages; expected {item.pages}")
    expected = (str(item.first_page), str(item.last_page), f"{item.first_page}-{item.last_page}")
    if (first, last, page_range) != expected:
        problems.append(f"{item.pdf.name} says (PRISM) pages {first}-{last}, range {page_range}; "
                        f"it is pages {item.first_page}-{item.last_page}")
    return problems


# -------------------------------------------------------------------- fonts
def font_problems(pdf) -> list[str]:
    """Every font on every page embedded and mapped to Unicode (an open pikepdf.Pdf)."""
    found: dict[str, int] = {}
    for number, page in enumerate(pdf.pages, start=1):
        for font in _fonts(page.obj.get("/Resources"), set()):
            problem = _font_problem(font)
            if problem:
                found.setdefault(f"font {str(font.get('/BaseFont', '(unnamed)'))[1:]} {problem}",
                                 number)
    return [f"{problem} (first on page {number})" for problem, number in found.items()]


def _fonts(resources, seen: set):
    """The font dictionaries of resources and of the forms (figures) they draw."""
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    yield from (resources.get("/Font") or {}).values()
    for xobject in (resources.get("/XObject") or {}).values():
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), seen)


def _font_problem(font) -> str | None:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return "is a Type 3 (bitmap) font"
    described = font.DescendantFonts[0] if subtype == "/Type0" else font
    descriptor = described.get("/FontDescriptor")
    if descriptor is None or not any(key in descriptor for key in FONT_FILES):
        return "is not embedded"
    if "/ToUnicode" not in font and not _standard_encoding(font.get("/Encoding")):
        return "has no ToUnicode map (its text cannot be copied or searched)"
    return None


def _standard_encoding(encoding) -> bool:
    """A simple font's encoding that maps its codes to Unicode without a ToUnicode map."""
    import pikepdf

    if isinstance(encoding, pikepdf.Dictionary) and "/Differences" not in encoding:
        encoding = encoding.get("/BaseEncoding")
    return isinstance(encoding, pikepdf.Name) and encoding in UNICODE_ENCODINGS
