"""`build.py import`: Word and OpenDocument manuscripts into an issue.

The .docx is made by Pandoc from purpose-written Markdown (title, author
with a bio footnote, three heading levels, notes, a "Table 1:" table, an
image, Urdu), one by python-docx for Word's quirks (Title style, manual
bold headings), and tracked changes and a comment are written into the
document XML. The Pandoc-made file is imported, built once and read back.
"""
from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from PIL import Image

from helpers import page_texts, run_build
from pipeline.tools.pandoc import pandoc_path

SOURCE_MD = """\
---
title: "Pakistan and Iran: Border Security after 2021"
---

Ramsha Shahid[^bio] and Ali Raza[^bio2]

[^bio]: Ramsha Shahid is an intern at the Institute of Regional Studies, Islamabad.
[^bio2]: \\* Ali Raza is a research fellow at the Institute.

Keywords: Pakistan, Iran, border security

# Introduction

The *jirga* ([جرگہ]{lang=ur}) met “twice” – in 2021 — and again.[^1]

## Background

> A block quote from a minister.

- first item
- second item

### Crossings

Table 1: Crossings by year

| Year | Crossings |
|------|----------:|
| 2021 | 1,200 |
| 2022 | 950 |

![Figure 1: The border](red.png){width=3in}

# Conclusion

Final words.[^2]

[^1]: First note with *emphasis*.
[^2]: Second note.
"""
ISSUE = """\
# June issue: order as printed
series: Spotlight on Regional Affairs
volume: 40
number: 6
month: 6
year: 2022
publisher: Institute of Regional Studies, Islamabad
articles:
  - first.md   # the lead article
"""
FIRST = """\
---
title: "First"
authors:
  - name: Test Author
    bio: Test Author writes tests.
---

## Text

Words.
"""


def pandoc_made(folder: Path, extension: str) -> Path:
    Image.new("RGB", (900, 450), (200, 30, 30)).save(folder / "red.png")
    (folder / "source.md").write_text(SOURCE_MD, encoding="utf-8")
    target = folder / f"shahid-pak-iran.{extension}"
    subprocess.run([pandoc_path(), "source.md", "-o", target.name], cwd=folder, check=True)
    return target


def new_issue(folder: Path) -> Path:
    issue = folder / "2022-06"
    issue.mkdir(parents=True)
    (issue / "issue.yaml").write_text(ISSUE)
    (issue / "first.md").write_text(FIRST)
    return issue


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("inbox")
    pandoc_made(folder, "docx")
    pandoc_made(folder, "odt")
    return folder


@pytest.fixture(scope="module")
def imported(inbox, tmp_path_factory):
    """The .docx imported into a fresh issue, and that article built."""
    issue = new_issue(tmp_path_factory.mktemp("issue"))
    result = run_build("import", str(inbox / "shahid-pak-iran.docx"), "--into", str(issue))
    assert result.returncode == 0, result.stderr
    md = issue / "pakistan-iran.md"
    built = run_build("--build-dir", str(issue.parent / "build"), "article", str(md))
    assert built.returncode == 0, built.stderr
    return result.stdout, issue, md, issue.parent / "build/2022-06/articles/pakistan-iran.pdf"


def test_front_matter_guessed_marked_and_reported(imported):
    report, _, md, _ = imported
    front = md.read_text(encoding="utf-8").split("---")[1]
    assert 'title: "Pakistan and Iran"  # guessed' in front
    assert 'subtitle: "Border Security after 2021"  # guessed' in front
    assert '  - name: "Ramsha Shahid"  # guessed' in front
    assert ('    bio: "Ramsha Shahid is an intern at the Institute of Regional Studies, '
            'Islamabad."  # guessed') in front
    assert '  - name: "Ali Raza"  # guessed' in front
    assert '    bio: "Ali Raza is a research fellow at the Institute."  # guessed' in front
    assert 'keywords: ["Pakistan", "Iran", "border security"]  # guessed' in front
    for line in ("title: Pakistan and Iran   <- the Title style",
                 "subtitle: Border Security after 2021   <- the title, after the colon",
                 "author: Ramsha Shahid   <- the line under the title",
                 "check: the manuscript is valid"):
        assert line in report


def test_body_in_house_markdown(imported):
    _, issue, md, _ = imported
    body = md.read_text(encoding="utf-8").split("---\n", 2)[2]
    assert re.findall(r"^#+ .*", body, re.MULTILINE) == [
        "## Introduction", "### Background", "### Crossings", "## Conclusion"]
    assert "The *jirga* ([جرگہ]{lang=\"ur\"}) met “twice” – in 2021 — and again.[^1]" in body
    assert "| Year | Crossings |\n|------|----------:|" in body
    assert "\n: Crossings by year\n" in body and "Table 1" not in body
    assert "![The border](pakistan-iran-figure-1.png){width=\"48%\"}" in body
    assert (issue / "pakistan-iran-figure-1.png").read_bytes().startswith(b"\x89PNG")
    assert "> A block quote from a minister." in body and "- second item" in body
    assert "[^1]: First note with *emphasis*." in body and "[^2]: Second note." in body


def test_manifest_keeps_comments_and_layout(imported):
    _, issue, _, _ = imported
    assert (issue / "issue.yaml").read_text() == ISSUE + "  - pakistan-iran.md\n"
    assert run_build("check", str(issue)).returncode == 0


def test_every_heading_note_table_and_figure_in_the_pdf(imported):
    _, _, _, pdf = imported
    pages = page_texts(pdf)
    text = " ".join(" ".join(page.split()) for page in pages)
    for words in ("Pakistan and Iran", "Border Security after 2021", "Ramsha Shahid",
                  "Ali Raza", "research fellow at the Institute",
                  "Introduction", "Background", "Crossings", "Conclusion",
                  "Table 1: Crossings by year", "Figure 1: The border", "A block quote",
                  "intern at the Institute of Regional Studies"):
        assert words in text, words
    notes = text.split("Notes and References", 1)[1]
    assert "1. First note with emphasis." in notes and "2. Second note." in notes
    assert "جرگہ" in text or "ہگرج" in text   # the Urdu word kept in the text layer
    with pikepdf.open(pdf) as document:
        images = [name for page in document.pages for name in page.get_images()]
    assert images


def test_importing_again_is_refused_unless_forced(imported, inbox):
    _, issue, md, _ = imported
    before = md.read_bytes()
    again = run_build("import", str(inbox / "shahid-pak-iran.docx"), "--into", str(issue))
    assert again.returncode == 3
    assert f"{md}: input error: already exists" in again.stderr and "--force" in again.stderr
    assert md.read_bytes() == before


def test_odt_round_trip(inbox, tmp_path):
    issue = new_issue(tmp_path)
    result = run_build("import", str(inbox / "shahid-pak-iran.odt"), "--into", str(issue),
                       "--slug", "pak-iran-security")
    assert result.returncode == 0, result.stderr
    text = (issue / "pak-iran-security.md").read_text(encoding="utf-8")
    assert 'title: "Pakistan and Iran"' in text and '- name: "Ramsha Shahid"' in text
    assert "Ramsha Shahid is an intern" in text
    assert re.findall(r"^#+ .*", text, re.MULTILINE) == [
        "## Introduction", "### Background", "### Crossings", "## Conclusion"]
    assert "\n: Crossings by year\n" in text and "[^2]: Second note." in text
    assert "([جرگہ]{lang=\"ur\"})" in text
    assert (issue / "pak-iran-security-figure-1.png").is_file()
    assert run_build("check", str(issue)).returncode == 0


def test_word_quirks_title_style_and_bold_headings(tmp_path):
    document = docx.Document()
    document.add_paragraph("Water Diplomacy", style="Title")
    document.add_paragraph("Ali Raza")
    document.add_paragraph("Keywords: water; Indus")
    document.add_paragraph().add_run("Background").bold = True
    document.add_paragraph("The treaty of 1960 still holds.")
    bold_italic = document.add_paragraph().add_run("The Commission")
    bold_italic.bold = bold_italic.italic = True
    document.add_paragraph("It meets every year.")
    Image.new("RGB", (40, 20), (0, 90, 0)).save(tmp_path / "map.gif")
    document.add_picture(str(tmp_path / "map.gif"), width=docx.shared.Inches(6.27))
    document.save(tmp_path / "raza.docx")
    issue = new_issue(tmp_path)
    result = run_build("import", str(tmp_path / "raza.docx"), "--into", str(issue),
                       "--no-manifest")
    assert result.returncode == 0, result.stderr
    text = (issue / "water-diplomacy.md").read_text()
    assert 'title: "Water Diplomacy"  # guessed' in text
    assert 'keywords: ["water", "Indus"]' in text
    assert "\n## Background\n" in text and "\n### The Commission\n" in text
    assert '    bio: ""  # MISSING' in text
    assert "missing (check fails until they are written): authors[1].bio (Ali Raza)" \
        in result.stdout
    assert "not listed (--no-manifest)" in result.stdout and "  - water-diplomacy.md" \
        in result.stdout
    assert (issue / "issue.yaml").read_text() == ISSUE
    assert '(water-diplomacy-figure-1.png){width="100%"}' in text
    with Image.open(issue / "water-diplomacy-figure-1.png") as png:
        assert png.format == "PNG" and png.size == (40, 20)


def test_title_in_large_type(tmp_path):
    document = docx.Document()
    document.add_paragraph().add_run("Indus Waters Revisited").font.size = docx.shared.Pt(18)
    document.add_paragraph("Sana Ali")
    document.add_paragraph("Body text.")
    document.save(tmp_path / "ali.docx")
    result = run_build("import", str(tmp_path / "ali.docx"), "--into", str(new_issue(tmp_path)),
                       "--no-manifest")
    assert result.returncode == 0, result.stderr
    assert "title: Indus Waters Revisited   <- the first paragraph, in large type" \
        in result.stdout
    assert "author: Sana Ali   <- the line under the title" in result.stdout


def with_changes_and_comment(source: Path, target: Path) -> Path:
    """source with an insertion, a deletion and a comment written into its XML."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode()
    xml = xml.replace("<w:t xml:space=\"preserve\">Final words.</w:t></w:r>",
                      "<w:t xml:space=\"preserve\">Final words.</w:t></w:r>"
                      "<w:ins w:id=\"901\" w:author=\"Editor\" w:date=\"2022-05-01T00:00:00Z\">"
                      "<w:r><w:t xml:space=\"preserve\"> Added later.</w:t></w:r></w:ins>"
                      "<w:del w:id=\"902\" w:author=\"Editor\" w:date=\"2022-05-01T00:00:00Z\">"
                      "<w:r><w:delText xml:space=\"preserve\"> Struck out.</w:delText></w:r>"
                      "</w:del>", 1)
    assert "Added later" in xml
    parts["word/document.xml"] = xml.encode()
    parts["word/comments.xml"] = re.sub(
        rb"(<w:comments[^>]*?)\s*/>|</w:comments>",
        lambda m: (m.group(1) + b">" if m.group(1) else b"") +
        b'<w:comment w:id="0" w:author="Reviewer"><w:p><w:r><w:t>Is 950 right?'
        b'</w:t></w:r></w:p></w:comment></w:comments>', parts["word/comments.xml"], count=1)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return target


@pytest.mark.parametrize("option, kept, dropped", [
    ("--accept-changes", "Added later.", "Struck out."),
    ("--reject-changes", "Struck out.", "Added later."),
])
def test_tracked_changes_and_comments(inbox, tmp_path, option, kept, dropped):
    edited = with_changes_and_comment(inbox / "shahid-pak-iran.docx", tmp_path / "edited.docx")
    issue = new_issue(tmp_path)
    refused = run_build("import", str(edited), "--into", str(issue))
    assert refused.returncode == 3
    assert f"{edited}: input error: has 2 unresolved tracked change(s):" in refused.stderr
    assert '1. insertion by Editor: "Added later."' in refused.stderr
    assert '2. deletion by Editor: "Struck out."' in refused.stderr
    assert sorted(p.name for p in issue.iterdir()) == ["first.md", "issue.yaml"]
    result = run_build("import", str(edited), "--into", str(issue), option)
    assert result.returncode == 0, result.stderr
    text = (issue / "pakistan-iran.md").read_text(encoding="utf-8")
    assert kept in text and dropped not in text
    assert 'comment by Reviewer: "Is 950 right?" (not printed)' in result.stdout
    assert "Is 950" not in text


def odt_with_changes_and_comment(source: Path, target: Path) -> Path:
    """source with an insertion, a deletion and a comment written into content.xml."""
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    changes = ("<text:tracked-changes>" + "".join(
        f'<text:changed-region text:id="{id}"><text:{kind}><office:change-info>'
        f"<dc:creator>Editor</dc:creator><dc:date>2022-05-01T00:00:00</dc:date>"
        f"</office:change-info>{words}</text:{kind}></text:changed-region>"
        for id, kind, words in (("ct1", "insertion", ""),
                                ("ct2", "deletion", "<text:p>Struck out.</text:p>")))
        + "</text:tracked-changes>")
    xml = parts["content.xml"].decode().replace("<office:text>", "<office:text>" + changes, 1)
    xml = xml.replace("Final words.", 'Final words.<text:change-start text:change-id="ct1"/>'
                      ' Added later.<text:change-end text:change-id="ct1"/>'
                      '<text:change text:change-id="ct2"/>', 1)
    xml = xml.replace("Second note.", "Second note.<office:annotation><dc:creator>Reviewer"
                      "</dc:creator><text:p>Is this right?</text:p></office:annotation>", 1)
    parts["content.xml"] = xml.encode()
    with zipfile.ZipFile(target, "w") as package:
        package.writestr("mimetype", parts.pop("mimetype"))
        for name, data in parts.items():
            package.writestr(name, data, zipfile.ZIP_DEFLATED)
    return target


def test_odt_tracked_changes_accepted_only(inbox, tmp_path):
    edited = odt_with_changes_and_comment(inbox / "shahid-pak-iran.odt", tmp_path / "e.odt")
    issue = new_issue(tmp_path)
    refused = run_build("import", str(edited), "--into", str(issue))
    assert refused.returncode == 3
    assert "has 2 unresolved tracked change(s):\n    1. insertion by Editor\n" \
           '    2. deletion by Editor: "Struck out."' in refused.stderr
    rejected = run_build("import", str(edited), "--into", str(issue), "--reject-changes")
    assert rejected.returncode == 3 and "can only accept them" in rejected.stderr
    result = run_build("import", str(edited), "--into", str(issue), "--accept-changes")
    assert result.returncode == 0, result.stderr
    text = (issue / "pakistan-iran.md").read_text(encoding="utf-8")
    assert "Final words. Added later." in text and "Struck out" not in text
    assert 'comment by Reviewer: "Is this right?" (not printed)' in result.stdout
    assert "Is this right" not in text


OLE = bytes.fromhex("d0cf11e0a1b11ae1")  # the compound-file signature (.doc, encrypted .docx)


def zip_bomb(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<w:document/>")
        package.writestr("word/media/image1.png", b"\0" * 50_000_000)
    return path


@pytest.mark.parametrize("name, make, message", [
    ("old.docx", lambda p: p.write_bytes(OLE + b"\0" * 600),
     "is an old Word .doc file (or another binary format) renamed to .docx"),
    ("locked.docx", lambda p: p.write_bytes(OLE + "EncryptedPackage".encode("utf-16-le")),
     "is password-protected"),
    ("notes.docx", lambda p: p.write_text("just text"),
     "is not a real .docx file (it is not a zip package)"),
    ("bomb.docx", zip_bomb, "'word/media/image1.png' unpacks to 50,000,000 bytes"),
    ("paper.pdf", lambda p: p.write_bytes(b"%PDF-1.4"), "is not a .docx or .odt file"),
    ("empty.odt", lambda p: zipfile.ZipFile(p, "w").writestr("mimetype", "x"),
     "is a zip file but not a odt document (no content.xml)"),
])
def test_not_an_office_document_is_an_input_error(tmp_path, name, make, message):
    make(tmp_path / name)
    issue = new_issue(tmp_path)
    result = run_build("import", str(tmp_path / name), "--into", str(issue))
    assert result.returncode == 3, result.stderr
    assert f"{tmp_path / name}: input error: {message}" in result.stderr
    assert "what to do:" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in issue.iterdir()) == ["first.md", "issue.yaml"]


def test_bold_title_with_a_note(tmp_path):
    (tmp_path / "t.md").write_text("**The Title of It**[^t]\n\n[^t]: Thanks to the reviewers."
                                   "\n\nAuthor Name[^b]\n\n[^b]: Author Name writes.\n\nText.\n")
    subprocess.run([pandoc_path(), "t.md", "-o", "t.docx"], cwd=tmp_path, check=True)
    issue = new_issue(tmp_path)
    result = run_build("import", str(tmp_path / "t.docx"), "--into", str(issue), "--no-manifest")
    assert result.returncode == 0, result.stderr
    assert "title: The Title of It   <- the first paragraph, in bold" in result.stdout
    assert 'the title\'s footnote "Thanks to the reviewers." was left out' in result.stdout
    assert "check: the manuscript is valid" not in result.stdout  # not listed, not checked
    text = (issue / "title-it.md").read_text()
    assert 'title: "The Title of It"' in text and "Thanks" not in text


def test_check_problem_of_the_issue_is_reported_after_import(inbox, tmp_path):
    issue = new_issue(tmp_path)
    (issue / "issue.yaml").write_text(ISSUE + "  - ghost.md\n")
    result = run_build("import", str(inbox / "shahid-pak-iran.docx"), "--into", str(issue))
    assert result.returncode == 0, result.stderr
    assert "check fails (the import itself is done):" in result.stdout
    assert "'ghost.md' is listed but there is no such file" in result.stdout
    assert (issue / "issue.yaml").read_text().endswith("  - ghost.md\n  - pakistan-iran.md\n")


@pytest.mark.parametrize("arguments, message", [
    (["--slug", "Bad Name"], "--slug 'Bad Name' is not a file name"),
    (["--into", "missing-folder"], "missing-folder: input error: is not an issue folder"),
    (["--into", "."], "input error: has no issue.yaml to list the article in"),
])
def test_import_arguments_refused(inbox, tmp_path, arguments, message):
    issue = new_issue(tmp_path)
    into = [] if "--into" in arguments else ["--into", str(issue)]
    result = run_build("import", str(inbox / "shahid-pak-iran.docx"), *into, *arguments)
    assert result.returncode == 3 and message in result.stderr, result.stderr
    assert sorted(p.name for p in issue.iterdir()) == ["first.md", "issue.yaml"]
