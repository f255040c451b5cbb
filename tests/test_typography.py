"""What prints, measured from word positions (pdftotext -bbox; words
grouped into rows by baseline): tables line up and stay inside the text
block, captions sit over their tables, URLs stay whole and inside the
margin, one space after a full stop, code blocks print; and LaTeX gets
every pass it asks for, and no more.

One pdfLaTeX article of our own (TYPO_MD) is built once for the module;
the sample issue (XeLaTeX) comes from the session fixture.
"""
from __future__ import annotations

import re
import statistics
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE, OneArticleProject, run_build
from pipeline.tools import poppler

MM = 72 / 25.4
TEXT_LEFT = 25 * MM                 # A4, 25 mm margins
TEXT_RIGHT = (210 - 25) * MM
EDGE = 0.5                          # points of rounding we allow at the text block's edges

LONG_URL = ("https://www.regional-archive.example.org/collections/2021/energy_corridors/"
            "search?query=casa-1000_transmission&region=central-asia&page=12&sort=date_desc"
            "/documents/final-report-of-the-joint-working-group-on-cross-border-electricity")
TYPO_MD = FRONT_MATTER + f"""
## Tables

A sentence that ends in India. Jacobabad is hot, see no. 1 of the series again today.

| Project | Type | Capacity | Commercial operation |
|---|---|---|---|
| Sahiwal, Punjab | Imported coal | 1,320 MW | 2017 |
| Port Qasim, Sindh | Imported coal | 1,320 MW | 2018 |
| Karot, Jhelum River | Run-of-river hydro | 720 MW | 2022 (expected) |

Table: Selected projects, for the alignment of short cells.

| Corridor | What was agreed | What happened afterwards |
|----------|-----------------|--------------------------|
| Alphaline | A long agreement on transit fees, signed after four rounds of talks between the ministries concerned in two capitals | Implementation slowed markedly after the change of government, and the fees were renegotiated twice |
| Betaline | Joint inspection of the border crossings with a shared digital manifest for every lorry | Partly in force since the spring of the following year |

Table: Agreements and outcomes, for the alignment of long cells that wrap.

## Code

```python
def corridor(capacity_mw):
    return capacity_mw * 0.85
```

The end.[^1] More.[^2]

[^1]: Regional Energy Finance Monitor, *Circular Debt*, Policy Paper 7 (Islamabad: REFM, 2022), 11--19, https://www.example.net/policy-papers/circular-debt-in-pakistans-power-sector-causes-and-options-2022.

[^2]: Qadeer, "Risk Allocation," *Journal of Energy* 9, no. 1 (2020): 33--58, {LONG_URL}.
"""


# ------------------------------------------------------------------ word positions
@dataclass(frozen=True)
class Word:
    page: int
    line: int       # index of its line on the page (pdftotext's reading order)
    x0: float
    x1: float
    y: float        # the bottom of the word's box
    text: str


@lru_cache(maxsize=None)
def words(pdf: Path) -> tuple[Word, ...]:
    """Every word of the PDF, in lines by position (a table's row is one line)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    placed = []
    for page_number, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page")):
        for word in page.iter("{http://www.w3.org/1999/xhtml}word"):
            placed.append((page_number, float(word.get("yMax")), float(word.get("xMin")),
                           float(word.get("xMax")), word.text or ""))
    found, line, last = [], 0, None
    for page, y1, x0, x1, text in sorted(placed):
        if last is None or page != last[0] or y1 - last[1] > 2:
            line += 1
            last = (page, y1)
        found.append((page, line, x0, x1, y1, text))
    return tuple(Word(page, line, x0, x1, y1, text)
                 for page, line, x0, x1, y1, text in sorted(found, key=lambda w: w[:3]))


def line_of(pdf: Path, first: str, then: str) -> list[Word]:
    """The words of the line holding the word first followed by then."""
    all_words = words(pdf)
    for a, b in zip(all_words, all_words[1:]):
        if a.text == first and b.text == then and a.line == b.line:
            return [w for w in all_words if w.line == a.line]
    raise AssertionError(f"no line with {first!r} {then!r} in {pdf}")


def starts(line: list[Word]) -> list[float]:
    """x of each cell's first word: a word that follows a gap wider than 4 pt."""
    xs = [line[0].x0]
    xs += [b.x0 for a, b in zip(line, line[1:]) if b.x0 - a.x1 > 4]
    return xs


def gaps(line: list[Word]) -> list[float]:
    return [b.x0 - a.x1 for a, b in zip(line, line[1:])]


def joined_text(pdf: Path) -> str:
    """The text layer as the content stream has it, with line ends joined."""
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return raw.replace("\n", "")


def urls_of(markdown: str) -> list[str]:
    return [url.rstrip(".,;") for url in re.findall(r"https?://[^\s)>\]]+", markdown)]


@pytest.fixture(scope="module")
def typo(tmp_path_factory) -> OneArticleProject:
    project = OneArticleProject(tmp_path_factory.mktemp("typography"), TYPO_MD)
    project.write()
    result = project.build_article()
    assert result.returncode == 0, result.stderr
    assert "pdfLaTeX" in result.stderr and "XeLaTeX" not in result.stderr
    return project


# ----------------------------------------------------------------------- tables
def test_sample_table_header_lines_up_with_body(built_sample):
    pdf = built_sample.articles["cpec-energy"]
    header = starts(line_of(pdf, "Project", "Type"))
    assert len(header) == 4
    for first, second in (("Sahiwal,", "Punjab"), ("Hub,", "Balochistan"), ("Karot,", "Jhelum")):
        assert starts(line_of(pdf, first, second)) == pytest.approx(header, abs=0.5)


def test_own_tables_line_up_short_and_long_cells(typo):
    short = starts(line_of(typo.pdf, "Project", "Type"))
    assert starts(line_of(typo.pdf, "Port", "Qasim,")) == pytest.approx(short, abs=0.5)
    long_header = starts(line_of(typo.pdf, "Corridor", "What"))
    assert len(long_header) == 3
    for first, second in (("Alphaline", "A"), ("Betaline", "Joint")):
        assert starts(line_of(typo.pdf, first, second)) == pytest.approx(long_header, abs=0.5)


def test_long_cells_wrap_inside_the_text_block(typo):
    table = [w for w in words(typo.pdf)
             if line_of(typo.pdf, "Corridor", "What")[0].line <= w.line
             <= line_of(typo.pdf, "Betaline", "Joint")[0].line + 3]
    wrapped = {w.line for w in table}
    assert len(wrapped) >= 5                   # the long cells took several lines
    assert min(w.x0 for w in table) >= TEXT_LEFT - EDGE
    assert max(w.x1 for w in table) <= TEXT_RIGHT + EDGE


# (PDF, the caption's first words, the header's first words, the last row's first words,
#  whether the table spans the text block: Pandoc gives wrapping columns the full width)
TABLES = [("sample", ("Table", "1:"), ("Project", "Type"), ("Karot,", "Jhelum"), False),
          ("own", ("Table", "1:"), ("Project", "Type"), ("Karot,", "Jhelum"), False),
          ("own", ("Table", "2:"), ("Corridor", "What"), ("Betaline", "Joint"), True)]


@pytest.mark.parametrize("source, caption_at, header_at, last_row_at, full_width", TABLES)
def test_caption_is_centred_over_its_table_and_no_wider(source, caption_at, header_at,
                                                        last_row_at, full_width,
                                                        built_sample, typo):
    pdf = built_sample.articles["cpec-energy"] if source == "sample" else typo.pdf
    header, last_row = line_of(pdf, *header_at), line_of(pdf, *last_row_at)
    caption = [w for w in words(pdf)
               if line_of(pdf, *caption_at)[0].line <= w.line < header[0].line]
    left = header[0].x0
    if full_width:
        assert left == pytest.approx(TEXT_LEFT, abs=EDGE)
        right = TEXT_RIGHT
    else:                                   # the last column's widest cell ends the table
        right = max(w.x1 for w in words(pdf) if header[0].line <= w.line <= last_row[0].line)
    lines = sorted({w.line for w in caption})
    first = [w for w in caption if w.line == lines[0]]
    assert first[0].text == "Table" and all(w.y < header[0].y for w in caption)
    if len(lines) == 1:                     # a short caption: centred over the table
        assert (first[0].x0 + first[-1].x1) / 2 == pytest.approx((left + right) / 2, abs=1)
    else:                                   # a long one: as wide as the table
        assert first[0].x0 == pytest.approx(left, abs=1)
        assert first[-1].x1 == pytest.approx(right, abs=1)
    assert min(w.x0 for w in caption) >= left - 1 and max(w.x1 for w in caption) <= right + 1


# ------------------------------------------------------------------------- URLs
def test_sample_urls_come_back_whole(built_sample):
    for slug, pdf in built_sample.articles.items():
        text = joined_text(pdf)
        urls = urls_of((built_sample.folder / f"{slug}.md").read_text(encoding="utf-8"))
        assert urls, slug
        for url in urls:
            assert url in text, (slug, url)


def test_own_urls_come_back_whole(typo):
    text = joined_text(typo.pdf)
    urls = urls_of(TYPO_MD)
    assert LONG_URL in urls
    for url in urls:
        assert url in text, url


def test_no_word_crosses_the_margins(built_sample, typo):
    for pdf in [*built_sample.articles.values(), typo.pdf]:
        for word in words(pdf):
            assert TEXT_LEFT - EDGE <= word.x0 and word.x1 <= TEXT_RIGHT + EDGE, (pdf.name, word)


def test_long_url_breaks_only_after_allowed_characters(typo):
    pieces = [w for w in words(typo.pdf) if len(w.text) > 8 and w.text.rstrip(".") in LONG_URL]
    assert len({w.line for w in pieces}) == len(pieces) >= 3    # one word a line: no gaps inside
    assert "".join(w.text for w in pieces).rstrip(".") == LONG_URL
    for piece in pieces[:-1]:
        assert piece.text[-1] in "/.-_?&", piece.text


def test_notes_are_ragged_right_with_even_word_spaces(built_sample, typo):
    for pdf in [built_sample.articles["cpec-energy"], typo.pdf]:
        notes_from = line_of(pdf, "Notes", "and")[0].line
        note_lines = {}  # (the first gap of a line may be the one after a note's number)
        for word in words(pdf):
            if word.line > notes_from and word.page == words(pdf)[-1].page:
                note_lines.setdefault(word.line, []).append(word)
        spaces = [gap for line in note_lines.values() for gap in gaps(line)[1:] if gap > 0.5]
        normal = statistics.median(spaces)
        assert max(spaces) < normal * 1.5, (pdf.name, normal, max(spaces))
        rights = [line[-1].x1 for line in note_lines.values()]
        assert min(rights) < TEXT_RIGHT - 20   # some lines end short: ragged, not stretched


# -------------------------------------------------------------- sentence spacing
def test_one_space_after_a_full_stop_pdflatex(typo):
    line = line_of(typo.pdf, "India.", "Jacobabad")
    spaces = dict(zip((w.text for w in line), gaps(line)))
    ordinary = statistics.median(gaps(line))
    assert spaces["India."] == pytest.approx(ordinary, abs=0.3)
    assert spaces["no."] == pytest.approx(ordinary, abs=0.3)


def test_one_space_after_a_full_stop_xelatex(built_sample):
    line = line_of(built_sample.articles["cpec-energy"], "no.", "1")
    spaces = dict(zip((w.text for w in line), gaps(line)))
    assert spaces["no."] == pytest.approx(statistics.median(gaps(line)), abs=0.3)


WIDE_MD = FRONT_MATTER + """
## Wide

| Province | Population | Districts | Literacy | Electricity | Irrigation | Highways | Universities |
|---|---|---|---|---|---|---|---|
| Balochistan | 12,344,408 | 35 | 46 per cent | 67 per cent | 12 per cent | 4,532 km | 11 |
"""


def test_a_table_wider_than_the_text_block_is_refused_at_its_row(tmp_path):
    project = OneArticleProject(tmp_path, WIDE_MD)
    project.write()
    result = project.build_article()
    assert result.returncode == 5, result.stderr
    assert f"{project.md}:12: build failed: a table runs" in result.stderr   # the row of 12,344,408
    assert "number of dashes" in result.stderr and "Traceback" not in result.stderr
    assert not project.pdf.exists()


# -------------------------------------------------------------------- code blocks
def test_code_block_with_a_language_prints_monospaced(typo):
    text = joined_text(typo.pdf)
    assert "def corridor(capacity_mw):" in text and "return capacity_mw * 0.85" in text
    mono = [f for f in poppler.fonts(typo.pdf) if "Cursor" in f["name"]]
    assert mono and all(f["embedded"] for f in mono)
    code = line_of(typo.pdf, "def", "corridor(capacity_mw):")
    body = line_of(typo.pdf, "return", "capacity_mw")
    assert body[0].x0 > code[0].x0 + 10                         # indentation kept


# ------------------------------------------------------------------------ passes
TWO_ARTICLES = ONE_ARTICLE_ISSUE + "  - second.md\n"
SECOND_MD = FRONT_MATTER.replace("A Short Test Article", "A Second Test Article") + """
## Second

| Name | Place |
|---|---|
| A much longer first cell | Here |
| B | There and elsewhere |

Table: A table that needs longtable's second pass on a cold build.

See [the section](#second).
"""


def passes(stderr: str, slug: str) -> list[str]:
    """The pipeline's -v lines 'slug-xxxx: pass N (...): reason'."""
    return re.findall(rf"{slug}-\w+: pass \d+ \((?:with|without) \.aux\): .*", stderr)


def test_every_pass_latex_asks_for_and_the_aux_carried_forward(tmp_path):
    project = OneArticleProject(tmp_path, FRONT_MATTER + "\n## One\n\nShort.\n")
    project.write(issue=TWO_ARTICLES)
    (project.folder / "second.md").write_text(SECOND_MD, encoding="utf-8")
    second = project.build / project.SLUG / "articles" / "second.pdf"

    cold = run_build("-v", "--build-dir", str(project.build), "issue", str(project.folder))
    assert cold.returncode == 0, cold.stderr
    cold_page = footer_page(second)
    cold_passes = passes(cold.stderr, "second")
    assert len(cold_passes) == 2 and "Rerun" in cold_passes[0], cold_passes
    [one] = passes(cold.stderr, "article")                    # nothing there asks for more
    assert "pass 1 (without .aux): settled" in one
    targets = internal_link_targets(second)                   # [the section](#second) works
    assert any(target.startswith("section") for target in targets), targets
    assert starts(line_of(second, "Name", "Place")) == \
        pytest.approx(starts(line_of(second, "A", "much")), abs=0.5)

    # The first article grows by pages: the second moves, unchanged, to new page numbers.
    project.md.write_text(FRONT_MATTER + "\n## One\n\n" + "Longer text again. " * 900 + "\n")
    moved = run_build("-v", "--build-dir", str(project.build), "issue", str(project.folder))
    assert moved.returncode == 0, moved.stderr
    [only] = passes(moved.stderr, "second")
    assert "pass 1 (with .aux): settled" in only
    assert starts(line_of(second, "Name", "Place")) == \
        pytest.approx(starts(line_of(second, "A", "much")), abs=0.5)
    assert footer_page(second) > cold_page                     # it did move


def internal_link_targets(pdf: Path) -> list[str]:
    """The named destinations the PDF's internal links go to (each one must exist)."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        names = set(pikepdf.NameTree(document.Root.Names.Dests).keys())
        targets = [str(annot.A.D) for page in document.pages for annot in page.get("/Annots", [])
                   if "/A" in annot and annot.A.get("/S") == "/GoTo"]
    assert set(targets) <= names, (targets, names)
    return targets


def footer_page(pdf: Path) -> int:
    """The page number in the footer of the PDF's first page."""
    return int(re.findall(r"\((\d+)\)", poppler.page_texts(pdf)[0])[-1])


RAW_LATEX_ISSUE = ONE_ARTICLE_ISSUE + "allow_raw_latex: true\n"
NEVER_SETTLES = FRONT_MATTER + r"""
## Loop

```{=latex}
\makeatletter
\@ifundefined{r@flip}{\def\@currentlabel{1}}%
  {\edef\@currentlabel{\the\numexpr\expandafter\@car\r@flip\@nil+1\relax}}
\label{flip}
\makeatother
```

A label whose value changes at every pass.
"""


def test_a_document_that_never_settles_stops_after_four_passes(tmp_path):
    project = OneArticleProject(tmp_path, NEVER_SETTLES)
    project.write(issue=RAW_LATEX_ISSUE)
    result = project.build_article()
    assert result.returncode == 5, result.stderr
    assert "still asks for another pass after 4 passes" in result.stderr
    assert "Label(s) may have changed" in result.stderr
    assert f"{project.md}:" in result.stderr and "what to do:" in result.stderr
    assert "Traceback" not in result.stderr
