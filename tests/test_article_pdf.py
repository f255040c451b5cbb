"""The sample issue's offprints, read back from the PDFs themselves."""
from __future__ import annotations

import re

import pikepdf
import pytest
import yaml

import pipeline
from conftest import SAMPLE, build
from helpers import HEADER, RESOURCES, copy_issue, first_line, fold, footer, last_line, lines, page_texts
from pipeline.model import load_issue
from pipeline.tools import poppler

PRISM = "http://prismstandard.org/namespaces/basic/3.0/"
ISSUE = load_issue(SAMPLE)
SLUGS = [path.stem for path in ISSUE.articles]


def front_matter(slug: str) -> dict:
    text = (SAMPLE / f"{slug}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


def expected_pages(built_sample) -> dict[str, tuple[int, int]]:
    """First and last issue page of each offprint, from the offprints' page counts."""
    pages, page = {}, ISSUE.first_page
    for slug in SLUGS:
        with pikepdf.open(built_sample.articles[slug]) as pdf:
            count = len(pdf.pages)
        pages[slug] = (page, page + count - 1)
        page += count
    return pages


@pytest.mark.parametrize("slug", SLUGS)
def test_header_only_after_first_page(built_sample, slug):
    texts = page_texts(built_sample.articles[slug])
    assert len(texts) >= 2
    assert HEADER not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert first_line(text) == HEADER, f"page {number} starts with {first_line(text)!r}"


@pytest.mark.parametrize("slug", SLUGS)
def test_footer_shows_issue_page_numbers(built_sample, slug):
    first, last = expected_pages(built_sample)[slug]
    if slug == SLUGS[0]:
        assert first == ISSUE.first_page == 1
    texts = page_texts(built_sample.articles[slug])
    assert [last_line(t) for t in texts] == [footer(ISSUE, n) for n in range(first, last + 1)]
    assert last_line(texts[0]) == f"June 2022, Vol.40, No.6 ({first})"
    built = built_sample.built[slug]
    assert (built.first_page, built.last_page) == (first, last)


@pytest.mark.parametrize("slug", SLUGS)
def test_bio_footnotes_on_first_page(built_sample, slug):
    authors = front_matter(slug)["authors"]
    page_one = page_texts(built_sample.articles[slug])[0]
    bio_lines = [line for line in lines(page_one) if line.startswith("*")]
    assert len(bio_lines) == len(authors)
    for index, (author, line) in enumerate(zip(authors, bio_lines)):
        marker, _, text = line.partition(" ")
        assert marker == "*" * (index + 1)
        start = " ".join(author["bio"].split()[:6])
        assert fold(text).startswith(fold(start)), (line, start)
    # the marks follow the names in the title block as well
    flat = fold(page_one)
    for index, author in enumerate(authors):
        assert fold(author["name"]) + "*" * (index + 1) in flat


def test_sample_has_a_two_author_article():
    assert len(front_matter("afghanistan-water")["authors"]) == 2


@pytest.mark.parametrize("slug", SLUGS)
def test_notes_list_numbers_in_order(built_sample, slug):
    source = (SAMPLE / f"{slug}.md").read_text(encoding="utf-8")
    defined = len(re.findall(r"^\[\^[^\]]+\]:", source, re.M))
    assert defined > 0
    text_lines = [line for t in page_texts(built_sample.articles[slug]) for line in t.splitlines()]
    headings = [i for i, line in enumerate(text_lines) if line.strip() == "Notes and References"]
    assert len(headings) == 1
    after = text_lines[headings[0] + 1:]
    numbers = [int(m.group(1)) for m in (re.match(r"^\s{0,2}(\d+)\.\s", line) for line in after) if m]
    assert numbers == list(range(1, defined + 1))
    # nothing but notes (and page furniture) after the heading: the last note ends the article
    assert HEADER not in "\n".join(after[:3])


@pytest.mark.parametrize("slug", SLUGS)
def test_fonts_embedded_no_type3(built_sample, slug):
    fonts = poppler.fonts(built_sample.articles[slug])
    assert fonts
    assert [f["name"] for f in fonts if not f["embedded"]] == []
    assert [f["name"] for f in fonts if "Type 3" in f["type"]] == []


def test_issue_pdf_fonts_embedded(built_sample):
    fonts = poppler.fonts(built_sample.issue_pdf)
    assert fonts and all(f["embedded"] for f in fonts)
    assert not any("Type 3" in f["type"] for f in fonts)


@pytest.mark.parametrize("slug", SLUGS)
def test_page_size_is_a4(built_sample, slug):
    with pikepdf.open(built_sample.articles[slug]) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            assert abs((x1 - x0) - 595) <= 1 and abs((y1 - y0) - 842) <= 1


def test_no_overfull_lines_in_sample(built_sample):
    assert not built_sample.result.failures
    assert [b.article.slug for b in built_sample.result.built] == SLUGS
    for built in built_sample.result.built:
        assert built.warnings == [], built.article.slug
    assert built_sample.result.warnings == []


@pytest.mark.parametrize("slug", SLUGS)
def test_offprint_metadata(built_sample, slug):
    fields = front_matter(slug)
    first, last = expected_pages(built_sample)[slug]
    title = fields["title"] + (f": {fields['subtitle']}" if fields.get("subtitle") else "")
    names = [a["name"] for a in fields["authors"]]
    with pikepdf.open(built_sample.articles[slug]) as pdf:
        meta = pdf.open_metadata()
        docinfo = {str(k): str(v) for k, v in pdf.docinfo.items()}
        lang = str(pdf.Root.Lang)
        assert meta["dc:title"] == title
        assert meta["dc:creator"] == names
        assert meta["dc:description"] == (
            f"Spotlight on Regional Affairs, Vol.40, No.6, June 2022, pp. {first}-{last}")
        assert meta["dc:subject"] == set(fields["keywords"])
        assert meta["dc:language"] == {"en"}
        assert meta["dc:publisher"] == {"Institute of Regional Studies, Islamabad"}
        assert meta["dc:rights"] == "© 2022 Institute of Regional Studies, Islamabad. All rights reserved."
        prism = {key: meta.get(f"{{{PRISM}}}{key}") for key in
                 ("publicationName", "volume", "number", "startingPage", "endingPage",
                  "pageRange", "issn")}
        assert prism == {"publicationName": "Spotlight on Regional Affairs", "volume": "40",
                         "number": "6", "startingPage": str(first), "endingPage": str(last),
                         "pageRange": f"{first}-{last}", "issn": "1234-5679"}
        assert docinfo["/Title"] == meta["dc:title"]
        assert docinfo["/Author"] == "; ".join(meta["dc:creator"])
        tool = meta["xmp:CreatorTool"]
        assert tool == f"{pipeline.NAME} {pipeline.__version__}"
        for producer in (docinfo["/Producer"], meta["pdf:Producer"]):
            assert pipeline.NAME in producer and pipeline.__version__ in producer
        assert lang == "en"


def test_non_ascii_names_kept_exactly_in_sample(built_sample):
    with pikepdf.open(built_sample.articles["afghanistan-water"]) as pdf:
        assert pdf.open_metadata()["dc:creator"] == ["Farīda Ṣiddīqī", "Usman Khalid Awan"]
        assert str(pdf.docinfo["/Author"]) == "Farīda Ṣiddīqī; Usman Khalid Awan"


def test_non_ascii_names_built(tmp_path, built_sample):
    folder = copy_issue(RESOURCES / "unicode-names", tmp_path)
    made = build(folder, tmp_path / "build", seed_from=built_sample.dirs.root)
    offprint = made.articles["names"]
    with pikepdf.open(offprint) as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:creator"] == ["Ḥusayn of Mazar-i-Sharif", "Zoë Lindqvist"]
        assert meta["dc:title"] == "Rail Links through Mazar-i-Sharif: A Note on Names"
        assert str(pdf.docinfo["/Author"]) == "Ḥusayn of Mazar-i-Sharif; Zoë Lindqvist"
        assert meta[f"{{{PRISM}}}startingPage"] == "21"
        assert [p.label for p in pdf.pages] == ["21"]
        # a one-page article is cited as "p. 21"
        assert meta["dc:description"] == "Spotlight on Regional Affairs, Vol.40, No.7, July 2022, p. 21"
    page_one = page_texts(offprint)[0]
    assert "Zoë Lindqvist" in page_one            # ë has a T1 slot: exact
    assert "Mazar-i-Sharif" in page_one
    # Ḥ is built as H + dot-below accent, so the text layer reads 'H.usayn' (see report)
    assert fold("Ḥusayn of Mazar-i-Sharif*") in fold(page_one)
    assert last_line(page_one) == "July 2022, Vol.40, No.7 (21)"
