"""A house style is a folder: the pipeline names none, and a third journal is
a copied folder with its own style.yaml and a sample.

The third journal ("gazette") is made in a copy of the project: Spotlight's
folder copied, its class renamed, its labels and forms changed. It is built
once (module fixture) and read back; a broken copy of its class shows the
post-build check reading the footer the style declares.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from helpers import FRONT_MATTER, ISSUE_DATA, first_line, last_line, page_texts
from pipeline import check
from pipeline.errors import ExitCode, InputError, InvalidOutput
from pipeline.paths import ROOT, STYLES
from pipeline.style import load_style

GAZETTE_FORMS = {  # style.yaml lines of the third journal, replacing Spotlight's
    "  notes: Notes and References": "  notes: Endnotes",
    "  contents: Contents": "  contents: In This Issue",
    "  editor: Editor": "  editor: Managing Editor",
    '  footer: "{issue} ({page})"': '  footer: "{series} No. {number} / {year} - page {page}"',
    '  head: "{SERIES}"': '  head: "{short_title}"',
    "  number: arabic": "  number: roman",
}
GAZETTE_ISSUE = ISSUE_DATA.replace("Spotlight on Regional Affairs", "The Valley Gazette") + """\
style: gazette
editorial:
  editor: Gul Khan
articles:
  - river.md
"""
RIVER = FRONT_MATTER.replace("title: \"A Short Test Article\"",
                             "title: \"Water Sharing on the Kabul River\"\n"
                             "short_title: Kabul River") + (
    "\n## Background\n\n"
    + "The river crosses the border twice. " * 40 + "[^1]\n\n"
    + "\n\n".join("Paragraph %d on the treaty that was never signed. " % n * 8
                  for n in range(12))
    + "\n\n[^1]: A note that the third journal sets as an endnote.\n")


def style_names() -> set[str]:
    """Each style folder's name and every word of it ('regional-studies':
    also 'regional' and 'studies')."""
    names = set()
    for folder in STYLES.iterdir():
        if (folder / "style.yaml").is_file():
            names |= {folder.name, *folder.name.split("-")}
    return names


def test_no_style_name_in_the_pipeline():
    """No module, docstring, message or example of pipeline/ names a journal."""
    names = style_names()
    assert "spotlight" in names
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted((ROOT / "pipeline").rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if any(re.search(rf"\b{re.escape(name)}", line, re.IGNORECASE) for name in names)]
    assert found == []


def test_every_style_has_a_font_for_every_script_the_filters_mark():
    """scripts.lua marks runs of other scripts by name (script-table.lua);
    each house style's style.yaml must give each a font."""
    from pipeline.style import style_names
    table = (ROOT / "templates" / "filters" / "script-table.lua").read_text(encoding="utf-8")
    marked = set(re.findall(r"style = '(\w+)'", table)) | set(re.findall(r"= '(\w+)'", table))
    assert len(marked) >= 12
    for name in style_names():
        assert marked <= set(load_style(STYLES / name).scripts), name


# ------------------------------------------------------------ a third style
def make_project(root: Path) -> Path:
    """A copy of the pipeline with a third style, styles/gazette/, and its sample."""
    for name in ("build.py", "pipeline", "templates", "styles"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copyfile(source, root / name)
    gazette = root / "styles" / "gazette"
    shutil.copytree(root / "styles" / "spotlight", gazette)
    (gazette / "spotlight.cls").rename(gazette / "gazette.cls")
    style = (gazette / "style.yaml").read_text(encoding="utf-8")
    for old, new in GAZETTE_FORMS.items():
        assert old in style, old
        style = style.replace(old, new)
    (gazette / "style.yaml").write_text(style, encoding="utf-8")
    template = (gazette / "article.latex").read_text(encoding="utf-8")  # the head names it
    (gazette / "article.latex").write_text(template.replace(
        "\\input{pagesetup.tex}\n",
        "\\input{pagesetup.tex}\n\\journalsetup{title={$title$},shorttitle={$short_title$}}\n"))
    issue = root / "manuscript" / "gazette-2022-06"
    issue.mkdir(parents=True)
    (issue / "issue.yaml").write_text(GAZETTE_ISSUE, encoding="utf-8")
    (issue / "river.md").write_text(RIVER, encoding="utf-8")
    return issue


def build(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(project / "build.py"), *args], cwd=project,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def gazette(tmp_path_factory):
    project = tmp_path_factory.mktemp("third-style")
    issue = make_project(project)
    result = build(project, "all")
    assert result.returncode == 0, result.stderr
    return project, issue


def test_a_third_style_is_a_folder_and_prints_its_own_forms(gazette):
    project, _ = gazette
    pdf = project / "build" / "gazette-2022-06" / "issue.pdf"
    texts = page_texts(pdf)
    contents, first, second = texts[0], texts[1], texts[2]
    assert first_line(contents) == "In This Issue"
    assert "Managing Editor: Gul Khan" in contents
    footers = [" ".join(last_line(text).split()) for text in texts]
    assert footers[:3] == ["The Valley Gazette No. VI / 2022 - page i",
                           "The Valley Gazette No. VI / 2022 - page 1",
                           "The Valley Gazette No. VI / 2022 - page 2"]
    assert first_line(second).strip() == "Kabul River"  # the short title as running head
    assert "Endnotes" in [line.strip() for line in texts[-1].splitlines()]
    assert "Water Sharing on the Kabul River" in first
    with pikepdf.open(pdf) as document:
        with document.open_outline() as outline:
            assert outline.root[0].title == "In This Issue"
        meta = document.open_metadata()
        assert meta["dc:title"] == "The Valley Gazette, Vol.40, No.VI, June 2022"


def test_a_class_whose_footer_disagrees_with_its_style_fails_the_check(gazette, tmp_path):
    project, issue = gazette
    broken = tmp_path / "broken"
    shutil.copytree(project, broken, ignore=shutil.ignore_patterns("build"))
    cls = broken / "styles" / "gazette" / "gazette.cls"
    text = cls.read_text(encoding="utf-8")
    assert text.count("\\journalget{footer}") == 2
    cls.write_text(text.replace("\\journalget{footer}", "{Page \\thepage}"), encoding="utf-8")
    result = build(broken, "issue", str(broken / "manuscript" / issue.name))
    assert result.returncode == ExitCode.OUTPUT == 6, result.stderr
    assert "shows footer 'Page 1'; expected 'The Valley Gazette No. VI / 2022 - page 1'" \
        in result.stderr
    assert "Traceback" not in result.stderr
    assert not (broken / "build" / issue.name / "issue.pdf").exists()


def test_an_unknown_key_in_style_yaml_is_a_located_input_error(gazette, tmp_path):
    project, issue = gazette
    style = project / "styles" / "gazette" / "style.yaml"
    lines = style.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if line.startswith("check:"))
    lines[number - 1] = lines[number - 1].replace("check:", "chekc:")
    bad = tmp_path / "gazette"
    shutil.copytree(style.parent, bad)
    (bad / "style.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_style(bad)
    error = caught.value
    assert error.exit_code == ExitCode.INPUT == 3
    assert (error.where.path, error.where.line, error.where.column) == (bad / "style.yaml",
                                                                       number, 1)
    assert error.message == "unknown key 'chekc'" and error.hint == "did you mean 'check'?"


@pytest.mark.parametrize("old, new, message, hint", [
    ("notes: endnotes ", "notes: endnote ", "'notes' 'endnote' is not one of: endnotes, "
     "footnotes", "did you mean 'endnotes'?"),
    ("required: [title,", "required: [titel,", "'fields.required.0' names 'titel', which is no "
     "front-matter field", "did you mean 'title'?"),
    ("  volume: arabic ", "  volume: 4 ", "'issue.volume' '4' is not one of: arabic, roman",
     "use one of: arabic, roman"),
])
def test_a_wrong_value_in_style_yaml_is_located(tmp_path, old, new, message, hint):
    folder = tmp_path / "spotlight"
    shutil.copytree(STYLES / "spotlight", folder)
    text = (folder / "style.yaml").read_text(encoding="utf-8")
    assert old in text
    (folder / "style.yaml").write_text(text.replace(old, new), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if old in row)
    with pytest.raises(InputError) as caught:
        load_style(folder)
    assert (caught.value.message, caught.value.hint) == (message, hint)
    assert (caught.value.where.path, caught.value.where.line) == (folder / "style.yaml", line)


def test_a_form_naming_an_unknown_field_fails_before_any_build(gazette, tmp_path):
    """Through the command line: exit 3 at the form's line, nothing built."""
    project, issue = gazette
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
    style = copy / "styles" / "gazette" / "style.yaml"
    text = style.read_text(encoding="utf-8")
    style.write_text(text.replace("- page {page}", "- page {pgae}"), encoding="utf-8")
    number = next(n for n, line in enumerate(style.read_text().splitlines(), 1)
                  if "{pgae}" in line)
    result = build(copy, "issue", str(copy / "manuscript" / issue.name))
    assert result.returncode == 3, result.stderr
    assert f"{style}:{number}:" in result.stderr
    assert "names an unknown field '{pgae}'" in result.stderr
    assert "did you mean '{page}'?" in result.stderr
    assert not (copy / "build" / issue.name / "issue.pdf").exists()


# ------------------------------------------------- the second journal's sample
@pytest.fixture
def regional(built_regional):
    """manuscript/rs-2014-autumn built once per session (conftest.built_regional)."""
    return built_regional


def test_a_footnote_style_gets_contents_bookmarks_labels_and_offprints(regional):
    built = regional.result.built
    first, last = built[0].first_page, built[-1].last_page
    with pikepdf.open(regional.issue_pdf) as pdf:
        labels = [page.label for page in pdf.pages]
        with pdf.open_outline() as outline:
            bookmarks = [item.title for item in outline.root]
        title = pdf.open_metadata()["dc:title"]
    assert labels == ["i"] + [str(number) for number in range(first, last + 1)]
    assert bookmarks == ["Contents"] + [item.rendered.full_title.plain for item in built]
    assert title == "Regional Studies, Vol. XXXII, No. 4 / Autumn 2014"
    contents = page_texts(regional.issue_pdf)[0]
    for item in built:  # each entry with its first page; the unsigned note has no names
        assert re.search(rf"\.\s*{item.first_page}\n", contents), item.article.slug
    for item in built:
        with pikepdf.open(item.pdf) as offprint:
            assert len(offprint.pages) == item.pages
            assert offprint.open_metadata()["prism:pageRange"] \
                == f"{item.first_page}-{item.last_page}"


def test_the_check_reads_the_running_heads_the_style_declares(regional, tmp_path):
    article = next(item for item in regional.result.built if item.pages >= 4)
    texts = page_texts(regional.issue_pdf)
    recto = 1 + article.first_page - regional.result.built[0].first_page + 1  # its 2nd page
    number = article.first_page + 1
    short = article.rendered.head_title.plain
    heads = [" ".join(first_line(texts[index]).split()) for index in (recto, recto + 1)]
    odd, even = (number, number + 1) if number % 2 else (number + 1, number)
    assert set(heads) == {f"{short} {odd}", f"{even} REGIONAL STUDIES"}

    def swap(pdf):  # two following pages print each other's text, heads included
        first, second = pdf.pages[recto].obj, pdf.pages[recto + 1].obj
        first.Contents, second.Contents = second.Contents, first.Contents
    doctored = tmp_path / "issue.pdf"
    with pikepdf.open(regional.issue_pdf) as pdf:
        swap(pdf)
        pdf.save(doctored)
    with pytest.raises(InvalidOutput) as caught:
        check.check_issue(regional.result.issue, regional.result.built, doctored)
    assert caught.value.exit_code == 6
    assert f"page {recto + 1} of the issue shows running head '{heads[1]}'; " \
           f"expected '{heads[0]}'" in caught.value.message


# ------------------------------------------------------ a style's house limits
RS_ARTICLE = """\
---
title: A Test of the House Limits
type: article
authors:
  - name: Test Author
    degree: M.Phil
    affiliation: Kingston University, London
    position: Research Officer at the Institute
abstract: |
  {abstract}
keywords: [{keywords}]
---

Text.
"""


def rs_article(tmp_path: Path, words: int, keywords: int) -> Path:
    folder = tmp_path / "rs-test"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ISSUE_DATA.replace("Spotlight on Regional Affairs",
                                                          "Regional Studies")
                                       + "style: regional-studies\narticles:\n  - a.md\n")
    (folder / "a.md").write_text(RS_ARTICLE.format(
        abstract=" ".join(["word"] * words),
        keywords=", ".join(f"k{n}" for n in range(keywords))), encoding="utf-8")
    return folder


def read(folder: Path):
    from pipeline.model import load_issue
    from pipeline.style import load_article
    issue = load_issue(folder)
    return load_article(folder / "a.md", issue)


@pytest.mark.parametrize("words, keywords, line, message", [
    (212, 5, 9, "the abstract has 212 words; this journal's abstracts have 150 to 200"),
    (149, 5, 9, "the abstract has 149 words; this journal's abstracts have 150 to 200"),
    (150, 6, 11, "the article has 6 keywords; this journal prints at most 5"),
])
def test_the_house_limits_are_errors_at_their_line(tmp_path, words, keywords, line, message):
    folder = rs_article(tmp_path, words, keywords)
    with pytest.raises(InputError) as caught:
        read(folder)
    assert caught.value.message == message
    assert (caught.value.where.path, caught.value.where.line) == (folder / "a.md", line)
    assert caught.value.exit_code == 3


def test_within_the_house_limits_an_article_reads(tmp_path):
    article = read(rs_article(tmp_path, 200, 5))
    assert len(article.abstract.split()) == 200 and len(article.keywords) == 5


def test_verify_reads_the_page_numbers_in_the_journal_s_own_forms(regional):
    """An offprint of the second journal numbers its pages in its heads (and its
    first page at the foot): `verify` reads them by that journal's forms."""
    item = next(item for item in regional.result.built if item.pages >= 3)
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "verify", str(item.pdf)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"footers print pages {item.first_page}-{item.last_page}, as the XMP says" \
        in result.stdout


def test_make_pdf_takes_every_issue_of_every_journal():
    """`build.py all` (make pdf) builds each folder of manuscript/ with an
    issue.yaml, whichever journal its `style:` names; the folder names (the
    slugs of build/<slug>/) are distinct by construction."""
    from pipeline.cli import _issue_folders
    from pipeline.model import load_issue
    from pipeline.paths import MANUSCRIPT
    folders = _issue_folders(MANUSCRIPT)
    styles = {load_issue(folder).style for folder in folders}
    assert {"spotlight", "regional-studies"} <= styles
    assert len({folder.name for folder in folders}) == len(folders)
