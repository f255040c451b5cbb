"""References from a bibliography: `[@key, 12]` prints as a Chicago full
note among the endnotes, a second citation in the short form; a missing
key is an input error at its line; a bibliography outside the issue
folder, behind a link or at a URL is refused. One issue (a BibLaTeX
article and a CSL JSON article) is built once for the module."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from helpers import ISSUE_DATA, page_texts, run_build

ISSUE = ISSUE_DATA + "articles:\n  - rivers.md\n  - borders.md\n"
BIB = """\
@book{rashid2000,
  author = {Rashid, Ahmed}, title = {Taliban: Militant Islam, Oil and Fundamentalism},
  publisher = {Yale University Press}, location = {New Haven}, year = {2000}}
@article{khan2019,
  author = {Khan, Ayesha}, title = {Water and Security in the Indus Basin},
  journaltitle = {Regional Studies}, volume = {37}, number = {2}, pages = {3--28}, year = {2019}}
@online{irs2021,
  author = {{Institute of Regional Studies}}, title = {The Kabul River Basin},
  url = {https://irs.org.pk/kabul}, urldate = {2022-05-01}, year = {2021}}
@book{neverused, author = {Nobody, Anne}, title = {Never Cited}, year = {1999}}
"""
CSL_JSON = [{"id": "ali2020", "type": "book", "title": "Borderlands of Balochistan",
             "author": [{"family": "Ali", "given": "Sana"}], "publisher": "Oxford University Press",
             "publisher-place": "Karachi", "issued": {"date-parts": [[2020]]}}]
FRONT = """\
---
title: "{title}"
bibliography: {bibliography}
authors:
  - name: Test Author
    bio: Test Author writes tests.
---
"""
RIVERS = FRONT.format(title="Rivers", bibliography="refs.bib") + """
## Sources

A book [@rashid2000, 12] and an article [@khan2019].
A web page [@irs2021]. A plain note.[^1] The book again [@rashid2000, 15].

[^1]: Written by the author.
"""
BORDERS = FRONT.format(title="Borders", bibliography="data/refs.json") + """
## Sources

One book [@ali2020, 7].
"""


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bib") / "2022-06"
    (folder / "data").mkdir(parents=True)
    (folder / "issue.yaml").write_text(ISSUE)
    (folder / "refs.bib").write_text(BIB)
    (folder / "data" / "refs.json").write_text(json.dumps(CSL_JSON))
    (folder / "rivers.md").write_text(RIVERS)
    (folder / "borders.md").write_text(BORDERS)
    return folder


@pytest.fixture(scope="module")
def built(issue):
    result = run_build("--build-dir", str(issue.parent / "build"), "issue", str(issue))
    assert result.returncode == 0, result.stderr
    return result, issue.parent / "build" / "2022-06" / "articles"


def notes_text(pdf: Path) -> str:
    text = " ".join(" ".join(page.split()) for page in page_texts(pdf))
    return text.split("Notes and References", 1)[1]


def test_citations_print_as_chicago_full_notes_in_order(built):
    _, articles = built
    notes = notes_text(articles / "rivers.pdf")
    expected = [
        "1. Ahmed Rashid, Taliban: Militant Islam, Oil and Fundamentalism (New Haven: "
        "Yale University Press, 2000), 12.",
        "2. Ayesha Khan, “Water and Security in the Indus Basin,” Regional Studies 37, "
        "no. 2 (2019): 3–28.",
        "3. Institute of Regional Studies, “The Kabul River Basin,” 2021, "
        "https://irs.org.pk/kabul.",
        "4. Written by the author.",
        "5. Rashid, Taliban, 15.",        # the second citation: short form
    ]
    positions = [notes.find(note) for note in expected]
    assert -1 not in positions, notes
    assert positions == sorted(positions)
    assert "Never Cited" not in notes            # nothing cites it; no bibliography printed


def test_csl_json_in_a_subfolder(built):
    _, articles = built
    assert "1. Sana Ali, Borderlands of Balochistan (Karachi: Oxford University Press, " \
           "2020), 7." in notes_text(articles / "borders.pdf")


def test_unused_entry_is_a_note(built, issue):
    result, _ = built
    note = f"{issue / 'rivers.md'}: note: 'neverused' in refs.bib is never cited"
    assert note in result.stderr
    checked = run_build("check", str(issue))
    assert checked.returncode == 0 and note in checked.stdout


def variant(issue: Path, tmp_path: Path, **files: str) -> Path:
    copy = tmp_path / "2022-06"
    shutil.copytree(issue, copy, ignore=shutil.ignore_patterns("build"))
    for name, text in files.items():
        (copy / name.replace("__", ".")).write_text(text)
    return copy


def test_missing_key_is_an_input_error_at_its_line(issue, tmp_path):
    folder = variant(issue, tmp_path, rivers__md=RIVERS.replace("[@irs2021]", "[@irs2022]"))
    result = run_build("--build-dir", str(tmp_path / "build"), "article",
                       str(folder / "rivers.md"))
    assert result.returncode == 3, result.stderr
    line = RIVERS.split("\n").index("A web page [@irs2022]. A plain note.[^1] The book "
                                    "again [@rashid2000, 15].".replace("irs2022", "irs2021")) + 1
    assert f"rivers.md:{line}:13: input error: citation '@irs2022' is not in the " \
           "bibliography refs.bib" in result.stderr
    assert "what to do:" in result.stderr and "Traceback" not in result.stderr
    assert not list((tmp_path / "build").rglob("*.pdf"))


@pytest.mark.parametrize("value, problem", [
    ("../refs.bib", "is outside the issue folder"),
    ("/etc/passwd.bib", "is outside the issue folder"),
    ("https://example.org/refs.bib", "is a URL"),
    ("linked.bib", "is a link"),
    ("refs.txt", "is not a .bib, .bibtex, .json or .yaml file"),
])
def test_bibliography_outside_the_folder_is_refused(issue, tmp_path, value, problem):
    folder = variant(issue, tmp_path, rivers__md=RIVERS.replace("refs.bib", value, 1))
    (tmp_path / "refs.bib").write_text(BIB)
    (folder / "linked.bib").symlink_to(tmp_path / "refs.bib")
    result = run_build("check", str(folder))
    assert result.returncode == 3
    assert re.search(rf"rivers\.md:3:\d+: input error: bibliography '{re.escape(value)}' "
                     rf"{problem}", result.stderr), result.stderr


def test_csl_field_is_refused(issue, tmp_path):
    folder = variant(issue, tmp_path, rivers__md=RIVERS.replace(
        "bibliography:", "csl: https://example.org/style.csl\nbibliography:"))
    result = run_build("check", str(folder))
    assert result.returncode == 3 and "rivers.md:3:1: input error: unknown key 'csl'" \
        in result.stderr


def test_issue_bibliography_serves_every_article(issue, tmp_path):
    folder = variant(issue, tmp_path, rivers__md=RIVERS.replace("bibliography: refs.bib\n", ""),
                     issue__yaml=ISSUE + "bibliography: refs.bib\n")
    checked = run_build("check", str(folder))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines()[0] == \
        f"{folder / 'rivers.md'}: note: 'neverused' in refs.bib is never cited"
    outside = variant(issue, tmp_path / "again", issue__yaml=ISSUE + "bibliography: ../x.bib\n")
    refused = run_build("check", str(outside))
    assert refused.returncode == 3 and f"{outside / 'issue.yaml'}:10:15: input error: " \
        "bibliography '../x.bib' is outside the issue folder" in refused.stderr
