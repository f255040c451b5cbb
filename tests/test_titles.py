"""Titles as authors write them, in an issue whose contents run over four pages.

One issue of 50 short articles (one paragraph each; pdfLaTeX, but for one
XeLaTeX article with an Urdu word) is built once. Its first articles' titles
hold what once broke the contents, the bookmarks or the metadata: TeX's
special characters, straight quotes at the start, '--', *italics*, an
apostrophe, a colon in a subtitle, an Urdu word, two identical titles and
titles sharing their first five words. Each place that shows a title (page 1,
the contents, the bookmarks, dc:title) must show what a reader expects; the
build itself proves that the issue's own check passed.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml

from conftest import build
from helpers import footer, last_line, lines, page_texts

ARTICLES = 50
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"]
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"))

# Title, subtitle and names as written in the front matter; title and subtitle
# as a reader expects them printed.
TRICKY = [
    ('North--South: "Quoted" *jirga* & 100% $5 #1 a_b', "After 2021: Water, Power and Trade",
     ["Ayesha O'Brien"],
     "North–South: “Quoted” jirga & 100% $5 #1 a_b", "After 2021: Water, Power and Trade"),
    ("'Strategic Depth' Revisited", None, ["Bilal Khan", "Sana Mir"],
     "‘Strategic Depth’ Revisited", None),
    ('"Connectivity" as a Slogan', None, ["Omar Farooq"], "“Connectivity” as a Slogan", None),
    ("Pakistan's Energy Policy", None, ["Hina Rabbani"], "Pakistan’s Energy Policy", None),
    ("Book Review", None, ["Farah Naz"], "Book Review", None),
    ("Book Review", None, ["Kamran Ali"], "Book Review", None),
    ("The Future of Regional Trade in Central Asia", None, ["Zafar Iqbal"],
     "The Future of Regional Trade in Central Asia", None),
    ("The Future of Regional Trade in South Asia", None, ["Nadia Shah"],
     "The Future of Regional Trade in South Asia", None),
    ("The *jirga* (جرگہ) and Its Limits", None, ["Asad Umar"],
     "The jirga (جرگہ) and Its Limits", None),
]
URDU = 9  # the article whose title has an Urdu word
# The issue's editorial matter, written as Markdown too, and as a reader expects it printed.
EDITORIAL = """editorial:
  editor: "Dr *Aisha* Karim -- acting"
  board: ["Prof. Amir O'Neil", "Dr Bano & Partners"]
  disclaimer: "The views are the authors' own, not the *Institute's*: 100% $5 #1 a_b."
"""
EDITORIAL_PRINTED = ["Editor: Dr Aisha Karim – acting",
                     "Editorial Board: Prof. Amir O’Neil; Dr Bano & Partners",
                     "The views are the authors’ own, not the Institute’s: 100% $5 #1 a_b."]


def articles() -> list[tuple]:
    """All 50: the tricky ones first, then plain ones."""
    return TRICKY + [(f"Regional Note {n}", None, [f"Author {n}"], f"Regional Note {n}", None)
                     for n in range(len(TRICKY) + 1, ARTICLES + 1)]


def reader_title(entry: tuple) -> str:
    """'Title: Subtitle', as the contents, the bookmarks and dc:title give it."""
    return entry[3] + (f": {entry[4]}" if entry[4] else "")


def names(entry: tuple) -> list[str]:
    """The authors' names as printed: an apostrophe is a typographic one."""
    return [name.replace("'", "’") for name in entry[2]]


def _manuscript(entry: tuple, number: int) -> str:
    title, subtitle, names = entry[:3]
    front = {"title": title, "authors": [{"name": name, "bio": f"{name} writes for the issue."}
                                         for name in names]}
    if subtitle:
        front["subtitle"] = subtitle
    body = (f"Article {number} is a short paragraph about regional connectivity, water basins "
            "and trade, long enough to fill a few lines of the page and no more.")
    return f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n\n{body}\n"


def write_issue(folder: Path) -> None:
    folder.mkdir(parents=True)
    names = []
    for number, entry in enumerate(articles(), start=1):
        names.append(f"a{number:02d}.md")
        (folder / names[-1]).write_text(_manuscript(entry, number), encoding="utf-8")
    (folder / "issue.yaml").write_text(
        "series: Spotlight on Regional Affairs\nvolume: 40\nnumber: 6\nmonth: 6\nyear: 2022\n"
        "publisher: Institute of Regional Studies, Islamabad\ncover: true\n"
        + EDITORIAL + "articles:\n" + "".join(f"  - {name}\n" for name in names),
        encoding="utf-8")


@pytest.fixture(scope="module")
def fifty(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("titles")
    write_issue(tmp / "titles")
    return build(tmp / "titles", tmp / "build")


def front(fifty) -> int:
    """Cover and contents pages: every article has one page, so the rest."""
    assert [b.pages for b in fifty.result.built] == [1] * ARTICLES
    count = len(page_texts(fifty.issue_pdf)) - ARTICLES
    assert count >= 4   # a cover and contents over three pages at least
    return count


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.translate(BIDI_CONTROLS).split())


def seen(text: str, number: int) -> str:
    """Text to compare: pdftotext moves the brackets and spaces around a
    right-to-left word, so for the Urdu title compare without them."""
    return re.sub(r"[\s()]", "", text) if number == URDU else text


# ------------------------------------------------------------- every place
def test_page_one_shows_title_and_subtitle_as_a_reader_expects(fifty):
    for number, entry in enumerate(TRICKY, start=1):
        page_one = lines(page_texts(fifty.articles[f"a{number:02d}"])[0])
        expected = [entry[3]] + ([entry[4]] if entry[4] else [])
        expected += [name + "*" * star for star, name in enumerate(names(entry), start=1)]
        assert [seen(flat(line), number) for line in page_one[:len(expected)]] == [
            seen(line, number) for line in expected]


def test_contents_lists_every_title_as_printed_in_order_with_its_page(fifty):
    contents = "\n".join(page_texts(fifty.issue_pdf)[1:front(fifty)])
    entries = re.findall(r"(?ms)^(\S.*?)(?: \.)+\s+(\d+)\n(.*?)$", contents)
    assert len(entries) == ARTICLES
    for number, ((title, page, authors), entry) in enumerate(zip(entries, articles()), start=1):
        assert seen(flat(title), number) == seen(reader_title(entry), number)
        assert flat(authors) == ", ".join(names(entry))
        assert int(page) == fifty.built[f"a{number:02d}"].first_page == number


def test_bookmarks_one_per_article_on_its_first_page(fifty):
    texts = page_texts(fifty.issue_pdf)
    with pikepdf.open(fifty.issue_pdf) as pdf:
        index = {page.objgen: number for number, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            marks = [(item.title, index[item.destination[0].objgen]) for item in outline.root]
    assert marks == [("Contents", 1)] + [(reader_title(entry), front(fifty) + number - 1)
                                         for number, entry in enumerate(articles(), start=1)]
    for number, (title, page) in enumerate(marks[1:], start=1):
        assert last_line(texts[page]) == footer(fifty.result.issue, number)
        assert seen(flat(title), number).split(":")[0] in seen(flat(texts[page]), number)


def test_dc_title_and_creators_as_a_reader_expects(fifty):
    for number, entry in enumerate(TRICKY, start=1):
        with pikepdf.open(fifty.articles[f"a{number:02d}"]) as pdf:
            meta = pdf.open_metadata()
            assert meta["dc:title"] == str(pdf.docinfo["/Title"]) == reader_title(entry)
            assert meta["dc:creator"] == names(entry)


def test_contents_pages_are_labelled_and_footed_in_roman(fifty):
    texts = page_texts(fifty.issue_pdf)
    with pikepdf.open(fifty.issue_pdf) as pdf:
        labels = [page.label for page in pdf.pages]
    roman = ROMAN[:front(fifty)]
    assert labels == roman + [str(n) for n in range(1, ARTICLES + 1)]
    issue = fifty.result.issue
    assert [last_line(text) for text in texts[1:len(roman)]] == [footer(issue, n)
                                                                for n in roman[1:]]


# ------------------------------------------------ one rendering, same setting
def test_italics_and_right_to_left_reach_the_contents(fifty):
    """The contents get the LaTeX page 1 got: \\emph and the right-to-left run."""
    jirga, urdu = fifty.built["a01"].rendered, fifty.built[f"a{URDU:02d}"].rendered
    assert r"\emph{jirga}" in jirga.title.latex
    assert r"\journalscript{arabic}{جرگہ}" in urdu.title.latex
    fonts = subprocess.run(["pdffonts", "-f", "2", "-l", "2", str(fifty.issue_pdf)],
                           capture_output=True, text=True, check=True).stdout
    assert "TeXGyreTermes-BoldItalic" in fonts   # the italic word of a bold title
    assert "NotoNaskhArabic" in fonts            # the Urdu word, set as on page 1
    page_one = subprocess.run(["pdffonts", str(fifty.articles[f"a{URDU:02d}"])],
                              capture_output=True, text=True, check=True).stdout
    assert "NotoNaskhArabic" in page_one
    contents = flat(page_texts(fifty.issue_pdf)[1])
    assert "جرگہ" in contents                    # letters in reading order, joined


def test_editorial_matter_printed_as_a_reader_expects(fifty):
    """issue.yaml's editorial lines go through the same Pandoc and filters as titles."""
    last_contents = lines(page_texts(fifty.issue_pdf)[front(fifty) - 1])
    assert last_contents[-1 - len(EDITORIAL_PRINTED):-1] == EDITORIAL_PRINTED
