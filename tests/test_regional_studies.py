"""Regional Studies, the second journal: its sample issue (manuscript/rs-2014-autumn,
built once for the session: conftest.built_regional) and what its pages show,
read from word positions (pdftotext -bbox-layout): running heads by page
parity, the issue line, the abstract and keywords before the text, the author
note as the first page's footnote, a long footnote that breaks across pages;
and the house limits, refused at their line before TeX runs."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pytest

from helpers import copy_issue, markdown_leftovers, page_texts, run_build
from pipeline.paths import MANUSCRIPT
from pipeline.tools import poppler

SAMPLE = MANUSCRIPT / "rs-2014-autumn"
MM = 72 / 25.4
HEAD_ZONE = 18 * MM          # the running head sits above 18 mm; the text block starts at 22 mm
TEXT_BOTTOM = 221 * MM       # 22 mm + 198 mm text block (+1 mm for descenders)
NOTE_SIZE = 8.0              # word boxes of 8.5 pt notes are ~7.6 pt high; 10.5 pt text ~10
ISSUE_LINE = "Regional Studies, Vol. XXXII, No. 4 / Autumn 2014"


@pytest.fixture
def rs_issue(built_regional):
    """The sample issue, built once for the session (conftest: offprints, issue
    PDF, and the post-build check, which reads the style's head and foot forms)."""
    return built_regional


@lru_cache(maxsize=None)
def layouts(pdf) -> list[poppler.PageLayout]:
    """Word positions of every page (one pdftotext run per PDF for the module)."""
    return poppler.page_layouts(pdf)


def text_of(line: poppler.Line) -> str:
    """A line's words in NFC, with the splits the text layer makes undone: after
    a letter with an accent below ('Ṣ iddīqī') and before an author's mark
    ('Ṣiddīqī *')."""
    text = unicodedata.normalize("NFC", line.text)
    text = re.sub(r"(?<=[\u1E00-\u1EFF]) (?=\w)", "", text)
    return re.sub(r"(?<=\w) (\*+)(?= |$)", r"\1", text)


def head(page: poppler.PageLayout) -> list[poppler.Word]:
    return sorted((w for w in page.words if w.y1 < HEAD_ZONE), key=lambda w: w.x0)


def body_lines(page):
    return [line for line in page.lines if line.box[3] < TEXT_BOTTOM and line.box[1] > HEAD_ZONE]


def is_note(line) -> bool:
    return line.box[3] - line.box[1] < NOTE_SIZE


# ------------------------------------------------------------------ running heads
def test_running_heads_journal_title_on_verso_short_title_on_recto(rs_issue):
    """Every page of an item after its first carries a head: on even pages the
    folio at the left and REGIONAL STUDIES centred, on odd pages the item's
    short title centred and the folio at the right; an item's first page has none."""
    pages = layouts(rs_issue.issue_pdf)
    front = len(pages) - sum(b.pages for b in rs_issue.result.built)
    checked = 0
    for built in rs_issue.result.built:
        short = (built.article.short_title or built.rendered.full_title.plain).replace("’", "'")
        for number in range(built.first_page, built.last_page + 1):
            page = pages[front + number - rs_issue.result.built[0].first_page]
            words = head(page)
            if number == built.first_page:
                assert not words, f"page {number} is {built.article.slug}'s first: no head"
                continue
            text = " ".join(w.text for w in words).replace("’", "'")
            if number % 2 == 0:
                assert text == f"{number} REGIONAL STUDIES", (number, text)
                assert words[0].x0 < page.width / 3        # folio at the outer (left) edge
            else:
                assert text == f"{short} {number}", (number, text)
                assert words[-1].x1 > page.width * 2 / 3   # folio at the outer (right) edge
            title = words[1:] if number % 2 == 0 else words[:-1]
            middle = (title[0].x0 + title[-1].x1) / 2
            assert abs(middle - page.width / 2) < 3, (number, middle)  # centred
            checked += 1
    assert checked >= 12


# --------------------------------------------------------------------- first page
def test_issue_line_on_every_first_page_and_the_contents(rs_issue):
    for slug, pdf in rs_issue.articles.items():
        first = body_lines(layouts(pdf)[0])[0]
        assert text_of(first) == ISSUE_LINE, slug
    contents = page_texts(rs_issue.issue_pdf)[0]
    assert "Vol. XXXII, No. 4 / Autumn 2014" in contents
    assert "REGIONAL STUDIES" in contents


def test_abstract_and_keywords_print_before_the_first_section(rs_issue):
    lines = body_lines(layouts(rs_issue.articles["afghanistan-transition"])[0])
    texts = [text_of(line) for line in lines]

    def y(start: str) -> float:
        return next(line.box[1] for line, text in zip(lines, texts) if text.startswith(start))
    assert y("Abstract") < y("The year 2014 closed") < y("Keywords:") < y("Introduction")
    assert ("Keywords: Afghanistan, regional security complex, Istanbul Process, Pakistan, "
            "transition") in texts
    # the text starts under the section heading, after the abstract
    assert y("Introduction") < y("On 28 December 2014")


def author_note(page) -> tuple[str, float]:
    """The footnote marked * on a first page: its text, joined across lines, and its top."""
    lines = body_lines(page)
    start = next(i for i, line in enumerate(lines) if line.words[0].text == "*")
    note = [lines[start]]
    for line in lines[start + 1:]:
        if re.match(r"\*+$|\d+\.$", line.words[0].text):
            break
        note.append(line)
    return " ".join(text_of(line) for line in note)[2:], lines[start].box[1]


def test_author_note_is_the_first_page_footnote_with_degree_and_position(rs_issue):
    page = layouts(rs_issue.articles["afghanistan-transition"])[0]
    text, top = author_note(page)
    assert text == ("Hina Ṣiddīqī, M.Phil, Kingston University, London, is a Research Officer "
                    "at the Institute of Regional Studies, Islamabad.")
    lines = body_lines(page)
    text_lines = [line for line in lines if not is_note(line) and line.box[1] < top]
    assert text_lines and all(is_note(line) for line in lines if line.box[1] >= top)
    assert top > page.height / 2                     # at the foot, under the text
    # the author line carries the mark; the numbered notes start after the author note
    assert any(text_of(line) == "Hina Ṣiddīqī*" for line in lines)
    numbered = [line for line in lines if line.words[0].text == "1."]
    assert numbered and numbered[0].box[1] > top


def test_two_authors_two_marks_and_the_article_before_a_vowel(rs_issue):
    page = layouts(rs_issue.articles["casa-1000"])[0]
    lines = [text_of(line) for line in body_lines(page)]
    assert "Kamran Yousaf Durrani* and Ayesha Tanvir**" in lines
    notes = " ".join(lines[next(i for i, t in enumerate(lines) if t.startswith("* ")):])
    assert "* Kamran Yousaf Durrani, PhD, University of Leeds, is a Senior Research" in notes
    assert ("** Ayesha Tanvir, M.Sc., Quaid-i-Azam University, Islamabad, is an Assistant "
            "Research Officer") in notes


def test_contents_grouped_by_type_and_the_commentary_labelled(rs_issue):
    contents = [" ".join(line.split()) for line in page_texts(rs_issue.issue_pdf)[0].splitlines()]
    groups = [line for line in contents if line in ("ARTICLES", "COMMENTARY", "BOOK REVIEWS")]
    assert groups == ["ARTICLES", "COMMENTARY", "BOOK REVIEWS"]
    assert contents.index("COMMENTARY") < next(
        i for i, line in enumerate(contents) if line.startswith("Beijing and the Heart of Asia"))
    first = [line.strip() for line in page_texts(rs_issue.articles["beijing-ministerial"])[0]
             .splitlines() if line.strip()]
    assert first[1] == "COMMENTARY" and first[2].startswith("Beijing and the Heart of Asia")


def test_unsigned_editors_note_and_signed_book_review(rs_issue):
    note = page_texts(rs_issue.articles["editors-note"])[0]
    assert "Editor’s Note" in note and "*" not in note and "Abstract" not in note
    review = page_texts(rs_issue.articles["book-review-cooley"])
    assert "BOOK REVIEW" in review[0] and "*" not in review[0]
    last = [line.strip() for line in review[-1].splitlines() if line.strip()]
    assert last[-2:] == ["Zahid Anwar Kiani",          # the last page has no folio at the foot
                         "Research Analyst at the Institute of Regional Studies, Islamabad"]


# ------------------------------------------------------------------ long footnote
def test_a_long_footnote_breaks_at_the_foot_of_one_page_and_goes_on_at_the_next(rs_issue):
    pages = layouts(rs_issue.articles["afghanistan-transition"])
    start = next(i for i, page in enumerate(pages)
                 if any(text_of(line).startswith("7. The literature on regional security")
                        for line in page.lines))
    here, there = body_lines(pages[start]), body_lines(pages[start + 1])
    # page p: the note starts under the text and its lines run to the foot of the page,
    # with no other note after it
    first = next(i for i, line in enumerate(here) if text_of(line).startswith("7. The literature"))
    assert max(line.box[3] for line in here if not is_note(line)) < here[first].box[1]
    assert all(is_note(line) for line in here[first:])
    assert not any(re.match(r"\d+\.$", line.words[0].text) for line in here[first + 1:])
    assert "accepting the theory as a whole." not in " ".join(text_of(l) for l in here)
    assert here[-1].box[3] > TEXT_BOTTOM - 20       # it reaches the foot of the page
    # page p + 1: the continuation is the first note at the foot, unnumbered, then note 8
    notes = [line for line in there if is_note(line)]
    text = [line for line in there if not is_note(line)]
    assert notes[0].box[1] > text[-1].box[3]         # under the page's text
    assert not re.match(r"\d+\.$", notes[0].words[0].text)
    ends = next(i for i, line in enumerate(notes)
                if text_of(line).endswith("accepting the theory as a whole."))
    assert text_of(notes[ends + 1]).startswith("8. Barfield")


def test_verify_reads_this_journals_page_numbers(rs_issue):
    """`build.py verify` finds the page numbers where this house prints them
    (in the running heads, and at the foot of first pages)."""
    result = run_build("verify", str(rs_issue.articles["casa-1000"]))
    assert result.returncode == 0, result.stdout + result.stderr
    built = next(b for b in rs_issue.result.built if b.article.slug == "casa-1000")
    assert f"print pages {built.first_page}-{built.last_page}, as the XMP says" in result.stdout


def test_no_markdown_reaches_the_page(rs_issue):
    text = "\n".join(page_texts(rs_issue.issue_pdf))
    assert "Regional Studies" in text and not markdown_leftovers(text)


# ------------------------------------------------------------------ house limits
@pytest.mark.parametrize("old, new, where, message", [
    ("stake in Afghan stability.\nkeywords",
     "stake in Afghan stability, and in a settlement that lasts.\nkeywords",
     ":11:11: input error: the abstract has 203 words; this journal's abstracts have 150 to 200",
     "shorten it"),
    ("Pakistan, transition]", "Pakistan, transition, Iran]",
     ":13:92: input error: the article has 6 keywords; this journal prints at most 5",
     "keep the 5 that matter most"),
], ids=["abstract-203-words", "six-keywords"])
def test_house_limits_refuse_at_the_line_before_tex(tmp_path, old, new, where, message):
    """The sample's abstract has 197 words (the limit is 200) and five keywords;
    one more sentence, or a sixth keyword, is an input error (exit 3) at its
    line and column, found by `check` before any TeX runs."""
    folder = copy_issue(SAMPLE, tmp_path)
    article = folder / "afghanistan-transition.md"
    text = article.read_text(encoding="utf-8")
    assert old in text
    article.write_text(text.replace(old, new), encoding="utf-8")
    result = run_build("--build-dir", str(tmp_path / "build"), "check", str(folder))
    assert result.returncode == 3, result.stderr
    assert f"{article}{where}" in result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
