"""Titles as authors write them, in an issue whose contents run over several pages.

One issue of 50 short articles (one paragraph each, pdfLaTeX but for one
XeLaTeX article with an Urdu word) is built once. The first articles' titles
hold what once broke the contents, the bookmarks or the metadata: TeX's
special characters, straight quotes at the start, '--', *italics*, an
apostrophe, a colon in a subtitle, an Urdu word, two identical titles and
titles sharing their first five words. Every place that shows a title (the
first page, the contents, the bookmarks, dc:title) must show what a reader
expects, and the issue's own check must have passed (the build succeeded).
"""
from __future__ import annotations

from pathlib import Path

import yaml

ARTICLES = 50

# (title, subtitle, authors) as written in the front matter, and the title as
# a reader sees it printed (with ': ' and the subtitle).
TRICKY = [
    ('North--South: "Quoted" *jirga* & 100% $5 #1 a_b', "After 2021: Water, Power and Trade",
     ["Ayesha O'Brien"],
     "North–South: “Quoted” jirga & 100% $5 #1 a_b: After 2021: Water, Power and Trade"),
    ("'Strategic Depth' Revisited", None, ["Bilal Khan", "Sana Mir"],
     "‘Strategic Depth’ Revisited"),
    ('"Connectivity" as a Slogan', None, ["Omar Farooq"], "“Connectivity” as a Slogan"),
    ("Pakistan's Energy Policy", None, ["Hina Rabbani"], "Pakistan’s Energy Policy"),
    ("Book Review", None, ["Farah Naz"], "Book Review"),
    ("Book Review", None, ["Kamran Ali"], "Book Review"),
    ("The Future of Regional Trade in Central Asia", None, ["Zafar Iqbal"],
     "The Future of Regional Trade in Central Asia"),
    ("The Future of Regional Trade in South Asia", None, ["Nadia Shah"],
     "The Future of Regional Trade in South Asia"),
    ("The *jirga* (جرگہ) and Its Limits", None, ["Asad Umar"], "The jirga (جرگہ) and Its Limits"),
]


def _manuscript(title: str, subtitle: str | None, authors: list[str], seed: int) -> str:
    front = {"title": title, "authors": [{"name": name, "bio": f"{name} writes for the issue."}
                                         for name in authors]}
    if subtitle:
        front["subtitle"] = subtitle
    body = (f"Article {seed} is a short paragraph about regional connectivity, water basins "
            "and trade, long enough to fill a few lines of the page and no more.")
    return f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False)}---\n\n{body}\n"


def articles() -> list[tuple[str, str | None, list[str], str]]:
    """All 50: the tricky ones first, then plain ones."""
    plain = [(f"Regional Note {n}", None, [f"Author {n}"], f"Regional Note {n}")
             for n in range(len(TRICKY) + 1, ARTICLES + 1)]
    return TRICKY + plain


def write_issue(folder: Path, count: int = ARTICLES) -> None:
    folder.mkdir(parents=True)
    names = []
    for seed, (title, subtitle, authors, _) in enumerate(articles()[:count], start=1):
        names.append(f"a{seed:02d}.md")
        (folder / names[-1]).write_text(_manuscript(title, subtitle, authors, seed), encoding="utf-8")
    listing = "".join(f"  - {name}\n" for name in names)
    (folder / "issue.yaml").write_text(
        "series: Spotlight on Regional Affairs\nvolume: 40\nnumber: 6\nmonth: 6\nyear: 2022\n"
        "publisher: Institute of Regional Studies, Islamabad\ncover: true\n"
        f"articles:\n{listing}", encoding="utf-8")
