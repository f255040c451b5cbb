"""Every script and symbol the journal meets prints, in the right font, and
the text layer keeps it (issue 7, items 6 and 12).

Three real builds: one article holding every script (XeLaTeX), one holding
every character pdfLaTeX is trusted with, and one issue whose title has an
Urdu word (its contents page). Each run of a script is checked from the PDF
itself: the text pdftotext reads back, and the font its glyphs are drawn in.
"""
from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest

from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE, OneArticleProject, run_build, seed_cache
from pipeline import engines
from pipeline.paths import STYLES, TEMPLATES
from pipeline.style import load_style

# What each line of the all-scripts article holds, and the font (PostScript
# name, without the subset tag) its runs must be set in.
SAMPLES = {
    "transliteration": ("ā ī ū ē ō ḥ ṣ ṭ ḍ ẓ ṛ ṇ ś ʿ ʾ š č ž ğ ş ı ə ñ Oʻzbekiston", None),
    "kazakh": ("ҚАЗАҚСТАН Қ Ғ Ү Ұ Һ", "FreeSerif"),
    "tajik": ("Ҷ Ӣ Ӯ тоҷикӣ", "FreeSerif"),
    "greek": ("Ἀθῆναι αβγ", "FreeSerif"),
    "devanagari": ("हिन्दी भाषा", "NotoSerifDevanagari"),
    "bengali": ("বাংলা ভাষা", "NotoSerifBengali"),
    "chinese": ("毛泽东", "WenQuanYiZenHei"),
    "japanese": ("東京大学", "WenQuanYiZenHei"),
    "kana": ("とうきょう", "WenQuanYiZenHei"),
    "urdu": ("اردو زبان", "NotoNastaliqUrdu"),          # lang=ur
    "urdu-unmarked": ("بڑے شہر", "NotoNastaliqUrdu"),  # ڑ and ے are Urdu's only
    "arabic": ("السلام عليكم", "NotoNaskhArabic"),
    "persian": ("فارسی", "NotoNaskhArabic"),
    "pashto": ("پښتو ژبه", "NotoNaskhArabic"),
    "sindhi": ("سنڌي ٻولي", "NotoNaskhArabic"),
    "unmarked": ("میراب", "NotoNaskhArabic"),           # the documented default: Naskh
    "rupee": ("₹", "NotoSerif"), "rupee-sign": ("₨", "NotoSerif"), "rouble": ("₽", "NotoSerif"),
    "tenge": ("₸", "NotoSerif"), "lira": ("₺", "NotoSerif"), "afghani": ("؋", "NotoNaskhArabic"),
    "taka": ("৳", "NotoSerifBengali"),
    "symbols": ("± × ÷ − ≈ ≠ ≤ ≥ ∈ → ← ° ‰ № ½ ² ′ ″ • € £ ¥", None),
}
SPOTLIGHT = load_style(STYLES / "spotlight")  # the house style these tests set
LANG = {"urdu": "ur", "arabic": "ar", "persian": "fa", "pashto": "ps", "sindhi": "sd"}
TITLE = "The Jirga ([جرگہ]{lang=ur}) and Its Limits"

# Poppler wraps right-to-left runs in bidi controls; they are not in the PDF.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def readable(text: str) -> str:
    return unicodedata.normalize("NFC", text.translate(_BIDI))


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *args, str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def marked(name: str, sample: str) -> str:
    """The sample as the manuscript writes it: in a lang span if it has one."""
    return f"[{sample}]{{lang={LANG[name]}}}" if name in LANG else sample


def article(title: str, body: str) -> str:
    return FRONT_MATTER.replace('"A Short Test Article"', f'"{title}"') + body


ALL_SCRIPTS = article(TITLE, "\n## Every script\n\n" + "".join(
    f"{name.capitalize()}: {marked(name, text)}.\n\n" for name, (text, _) in SAMPLES.items())
    + "::: {lang=ur}\nA div in Urdu: پاکستان.\n:::\n\n"
    + "American [color]{lang=en-US}, right to left [by script]{dir=rtl}.\n\n"
    + "Names in a note.[^1]\n\n[^1]: 李明, 《中国与南亚》 (北京: 人民出版社, 2020), 12.\n")


def font_runs(pdf: Path, pages: slice = slice(None)) -> list[tuple[str, str]]:
    """(ActualText, font) for each marked run of a script in the PDF's content:
    the text in reading order (right-to-left runs are stored in visual
    order, as their glyphs are drawn) and the font its glyphs use."""
    runs = []
    with pikepdf.open(pdf) as document:
        for page in document.pages[pages]:
            fonts = page.Resources.get("/Font", {})
            text, font = None, None
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "BDC" and "/ActualText" in operands[1]:
                    text, font = str(operands[1].ActualText), None
                elif op == "Tf" and text is not None and font is None:
                    font = str(fonts[operands[0]].BaseFont).split("+")[-1]
                elif op == "EMC" and text is not None:
                    if font and text.strip():
                        rtl = any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)
                        runs.append((text[::-1] if rtl else text, font))
                    text = None
    return runs


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> OneArticleProject:
    project = OneArticleProject(tmp_path_factory.mktemp("scripts"), ALL_SCRIPTS)
    project.write()
    result = project.build_article()
    assert result.returncode == 0, result.stderr
    return project


def test_every_script_and_symbol_comes_back_from_the_text_layer(scripts):
    text = readable(pdftotext(scripts.pdf))
    for name, (sample, _) in SAMPLES.items():
        assert f"{name.capitalize()}: {sample}." in text, name
    assert "李明, 《中国与南亚》 (北京: 人民出版社, 2020), 12." in text


def test_each_script_is_set_in_its_font(scripts):
    runs = font_runs(scripts.pdf)
    for name, (sample, font) in SAMPLES.items():
        if font is None:
            continue
        fonts = {f.split("-")[0] for text, f in runs if text == sample or sample in text.split()}
        assert fonts == {font}, (name, sample, runs)


def test_lang_on_a_div_picks_the_style_and_no_babel_command_is_written(scripts):
    """A div's lang reaches the runs inside it (Nastaliq for Urdu, although
    the word has no letter only Urdu uses); lang and dir attributes on
    English text print as plain text (the class loads no such babel language)."""
    assert ("پاکستان", "NotoNastaliqUrdu-Regular") in font_runs(scripts.pdf)
    text = readable(pdftotext(scripts.pdf))
    assert "A div in Urdu: پاکستان." in text
    assert "American color, right to left by script." in text


def test_latin_and_symbols_stay_in_times_like_faces(scripts):
    """Transliteration and symbols come from TeX Gyre Termes and FreeSerif
    (a Times-like face), never from a face of another design."""
    names = {font["name"].split("+")[-1] for font in _pdffonts(scripts.pdf)}
    assert names == {"TeXGyreTermes-Regular-Identity-H", "TeXGyreTermes-Bold-Identity-H",
                     "FreeSerif-Identity-H", "NotoSerif-Regular", "NotoSerifDevanagari-Regular",
                     "NotoSerifBengali-Regular", "WenQuanYiZenHei", "NotoNastaliqUrdu-Regular",
                     "NotoNastaliqUrdu-Bold", "NotoNaskhArabic-Regular"}


def test_title_with_an_urdu_word_is_nastaliq_on_page_one(scripts):
    first = readable(pdftotext(scripts.pdf, "-raw", "-l", "1")).splitlines()[0]
    assert first.startswith("The Jirga (") and first.endswith(" and Its Limits")
    assert "جرگہ" in first
    assert ("جرگہ", "NotoNastaliqUrdu-Bold") in font_runs(scripts.pdf)


def _pdffonts(pdf: Path) -> list[dict]:
    from pipeline.tools import poppler
    return poppler.fonts(pdf)


def test_a_short_arabic_script_phrase_never_breaks(tmp_path, scripts):
    """The phrase is moved along the line a word at a time, so that some
    paragraph puts it at a line's end: its two words stay on one line."""
    filler = "word " * 11
    body = "\n## Lines\n\n" + "".join(f"{'x ' * shift}{filler}[اردو زبان]{{lang=ur}} end.\n\n"
                                     for shift in range(24))
    project = OneArticleProject(tmp_path, article("Lines", body))
    project.write()
    seed_cache(tmp_path / "build", scripts.build)  # the XeLaTeX format
    assert project.build_article(build=tmp_path / "build").returncode == 0
    lines = readable(pdftotext(project.pdf, "-raw")).splitlines()
    holding = [line for line in lines if "اردو" in line or "زبان" in line]
    assert len(holding) == 24
    assert all("اردو زبان" in line for line in holding), holding


# --------------------------------------------------------------- pdfLaTeX
def test_transliteration_takes_the_fast_engine():
    assert engines.engine_for_text("Farīda Ṣiddīqī, Shīʿa, Qurʾān, Oʻzbekiston, Əliyev",
                                   SPOTLIGHT) == "xelatex"  # capital schwa: Termes has none, FreeSerif has
    assert engines.engine_for_text(
        "Farīda Ṣiddīqī, Shīʿa, Qurʾān, Oʻzbekiston, ḥ ṣ ṭ ḍ ẓ ṛ ṇ ś š č ž ğ ş ı ə ñ, "
        "ẖ ṯ ḏ ḵ ẕ, ṃ ḷ, −3 km²", SPOTLIGHT) == "pdflatex"
    assert engines.engine_for_text("Москва", SPOTLIGHT) == "xelatex"


def test_every_pdflatex_character_comes_back_exactly(tmp_path):
    """Every character engines.py trusts pdfLaTeX with, inside a word (as
    in 'Ṣiddīqī'), comes back from the text layer as itself."""
    chars = sorted(c for c in engines.pdftex_chars(SPOTLIGHT) if ord(c) > 0x7E and c not in "\xa0\xad")
    words = [f"a{c}b" for c in chars]
    project = OneArticleProject(tmp_path, article("Ṣiddīqī on Ḥusayn", "\n## All\n\n"
                                                  + "\n\n".join(" ".join(words[i:i + 12])
                                                                for i in range(0, len(words), 12))
                                                  + "\n"))
    project.write()
    assert project.build_article(build=tmp_path / "build").returncode == 0
    assert all(font["type"] == "Type 1" for font in _pdffonts(project.pdf))  # pdfLaTeX built it
    text = readable(pdftotext(project.pdf))
    assert "Ṣiddīqī on Ḥusayn" in text
    found = set(re.findall(r"a(.)b", re.sub(r"\s+", " ", text)))
    assert [c for c in chars if c not in found] == []


# ------------------------------------------------------------------ errors
def test_a_character_its_script_font_lacks_still_stops_the_build(tmp_path, scripts):
    """U+20000 is CJK, but WenQuanYi Zen Hei has no glyph for it."""
    project = OneArticleProject(tmp_path, FRONT_MATTER + "\n## A\n\nfirst\n\nRare 𠀀 here.\n")
    project.write()
    seed_cache(tmp_path / "build", scripts.build)
    result = project.build_article(build=tmp_path / "build")
    assert result.returncode == 5, result.stderr
    head = next(line for line in result.stderr.splitlines() if line.startswith(str(project.md)))
    assert head.startswith(f"{project.md}:12: ") and "U+20000" in head, result.stderr
    assert "Traceback" not in result.stderr


# -------------------------------------------------------------------- data
def test_filter_and_class_name_the_same_styles():
    """Every style the filter's table can emit has a font in the style's table."""
    table = (TEMPLATES / "filters" / "script-table.lua").read_text(encoding="utf-8")
    emitted = set(re.findall(r"style = '(\w+)'", table)) | set(re.findall(r"= '(\w+)'", table))
    declared = set(SPOTLIGHT.scripts)
    assert emitted and emitted <= declared, emitted - declared


# ---------------------------------------------------------- contents page
def test_contents_page_sets_the_urdu_word_in_nastaliq(tmp_path, scripts):
    folder = tmp_path / "2022-06"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ONE_ARTICLE_ISSUE, encoding="utf-8")
    (folder / "article.md").write_text(article(TITLE, "\n## A\n\nText.\n"), encoding="utf-8")
    seed_cache(tmp_path / "build", scripts.build)
    result = run_build("--build-dir", str(tmp_path / "build"), "issue", str(folder))
    assert result.returncode == 0, result.stderr
    issue_pdf = tmp_path / "build" / "2022-06" / "issue.pdf"
    contents = readable(pdftotext(issue_pdf, "-raw", "-l", "1"))
    assert "Contents" in contents and "جرگہ" in contents
    assert "The Jirga (" in contents and "and Its Limits" in contents
    assert ("جرگہ", "NotoNastaliqUrdu-Bold") in font_runs(issue_pdf, slice(0, 1))
