"""What a Word (.docx) or OpenDocument (.odt) file holds, read before Pandoc sees it.

An author's file is untrusted: it must be a real, unencrypted Office
package of sane size (a renamed .doc, a zip bomb or a password-protected
file is an input error), and its tracked changes, comments and the
languages Word marked on Arabic-script runs are read from its XML here.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import InputError, LimitReached, Location

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
FORMATS = {".docx": "docx", ".odt": "odt"}
MAX_MEMBERS = 5000
MAX_RATIO = 100          # uncompressed/compressed; text XML rarely passes 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and every encrypted Office file
ARABIC_SCRIPT_LANGUAGES = {"ar", "fa", "ur", "ps", "sd", "ug", "ku", "bal", "pa"}
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class Remark:
    """A tracked change or a comment: what kind, who, and its words."""

    kind: str
    author: str
    text: str

    def __str__(self) -> str:
        words = self.text if len(self.text) <= 70 else self.text[:67] + "..."
        return f'{self.kind} by {self.author or "unknown"}' + (f': "{words}"' if words else "")


@dataclass
class OfficeFile:
    path: Path
    format: str                                   # Pandoc's reader: docx or odt
    changes: list[Remark] = field(default_factory=list)
    comments: list[Remark] = field(default_factory=list)
    languages: dict[str, str] = field(default_factory=dict)  # Arabic-script word -> BCP 47
    large_opening: bool = False   # the first paragraph is set in 14 pt or more (a title)


def open_office(path: Path, max_bytes: int) -> OfficeFile:
    """Check path is a safe .docx/.odt of at most max_bytes unpacked; read its remarks."""
    where = Location(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise InputError("is not a .docx or .odt file", where=where,
                         hint="save the manuscript from Word or LibreOffice as .docx or .odt")
    if not path.is_file():
        raise InputError("file not found", where=where, hint="check the path")
    with path.open("rb") as stream:
        if stream.read(8) == OLE_MAGIC:
            _refuse_compound_file(stream.read(max_bytes), where)
    if not zipfile.is_zipfile(path):
        raise InputError(f"is not a real {path.suffix} file (it is not a zip package)",
                         where=where, hint="open it in Word or LibreOffice and save it again "
                                           f"as {path.suffix}")
    with zipfile.ZipFile(path) as package:
        _check_package(package, where, max_bytes)
        parts = _xml_parts(package, kind, where)
    office = OfficeFile(path, kind)
    reader = _read_docx if kind == "docx" else _read_odt
    reader(parts, office)
    return office


def _refuse_compound_file(data: bytes, where: Location) -> None:
    """An OLE compound file: an encrypted Office document, or an old binary one."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise InputError("is password-protected", where=where,
                         hint="open it in Word, remove the password (File > Info > Protect "
                              "Document > Encrypt with Password) and save it again")
    raise InputError(f"is an old Word .doc file (or another binary format) renamed to "
                     f"{where.path.suffix}", where=where,
                     hint="open it in Word or LibreOffice and save it as .docx or .odt")


def _check_package(package: zipfile.ZipFile, where: Location, max_bytes: int) -> None:
    members = package.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputError(f"holds {len(members)} files; a manuscript holds a few dozen",
                         where=where, hint="save the document again from Word or LibreOffice")
    if any(member.flag_bits & 0x1 for member in members) or \
            "META-INF/manifest.xml" in package.namelist() and \
            b"encryption-data" in package.read("META-INF/manifest.xml"):
        raise InputError("is password-protected", where=where,
                         hint="remove the password in the word processor and save it again")
    total = sum(member.file_size for member in members)
    for member in members:
        if member.file_size > 1_000_000 and \
                member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise InputError(f"'{member.filename}' unpacks to {member.file_size:,} bytes from "
                             f"{member.compress_size:,}: a zip bomb, not a document", where=where,
                             hint="ask the author to send the file again")
    if total > max_bytes:
        raise LimitReached(f"unpacks to {total / 2**20:.0f} MB; limits.output_mb allows "
                           f"{max_bytes / 2**20:.0f} MB", where=where,
                           hint="raise limits.output_mb in issue.yaml, or make the images smaller")


def _xml_parts(package: zipfile.ZipFile, kind: str, where: Location) -> dict:
    """The parsed XML parts the checks read ({} for parts the file does not have)."""
    names = (["word/document.xml", "word/footnotes.xml", "word/endnotes.xml",
              "word/comments.xml"] if kind == "docx" else ["content.xml"])
    if names[0] not in package.namelist():
        raise InputError(f"is a zip file but not a {kind} document (no {names[0]})",
                         where=where, hint=f"save it from the word processor as .{kind}")
    parts = {}
    for name in names:
        if name in package.namelist():
            try:
                parts[name] = etree.fromstring(package.read(name), _PARSER)
            except etree.XMLSyntaxError as exc:
                raise InputError(f"its part {name} is damaged ({exc})", where=where,
                                 hint="open it in the word processor and save it again") from None
    return parts


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _read_docx(parts: dict, office: OfficeFile) -> None:
    kinds = {"ins": "insertion", "del": "deletion", "moveFrom": "move", "moveTo": "move"}
    for name in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml"):
        root = parts.get(name)
        if root is None:
            continue
        for tag, kind in kinds.items():
            for change in root.iter(W + tag):
                words = "".join(t.text or "" for t in change.iter(W + "t", W + "delText"))
                office.changes.append(Remark(kind, change.get(W + "author", ""), words.strip()))
        for run in root.iter(W + "r"):
            _note_language(run, office.languages)
    office.large_opening = _large_opening(parts["word/document.xml"])
    comments = parts.get("word/comments.xml")
    if comments is not None:
        office.comments = [Remark("comment", c.get(W + "author", ""), _text(c))
                           for c in comments.iter(W + "comment")]


def _large_opening(document) -> bool:
    """Whether every run of the first paragraph with text is 14 pt or larger."""
    for paragraph in document.iter(W + "p"):
        runs = [run for run in paragraph.iter(W + "r")
                if "".join(t.text or "" for t in run.iter(W + "t")).strip()]
        if runs:
            sizes = [run.find(f"{W}rPr/{W}sz") for run in runs]
            return all(size is not None and size.get(W + "val", "").isdigit()
                       and int(size.get(W + "val")) >= 28 for size in sizes)  # half-points
    return False


def _note_language(run, languages: dict[str, str]) -> None:
    """Remember the language Word gives an Arabic-script run (its bidi one first)."""
    lang = run.find(f"{W}rPr/{W}lang")
    if lang is not None:
        _remember("".join(t.text or "" for t in run.iter(W + "t")),
                  (lang.get(W + "bidi"), lang.get(W + "val")), languages)


def _remember(text: str, tags, languages: dict[str, str]) -> None:
    """Map text's Arabic-script words to the first tag naming an Arabic-script language."""
    language = _arabic_script_language(tags)
    if language:
        languages.update(dict.fromkeys(_ARABIC.findall(text), language))


def _arabic_script_language(tags) -> str | None:
    return next((tag for tag in tags
                 if tag and tag.split("-")[0].lower() in ARABIC_SCRIPT_LANGUAGES), None)


def _read_odt(parts: dict, office: OfficeFile) -> None:
    root = parts["content.xml"]
    for region in root.iter(TEXT + "changed-region"):
        for kind in ("insertion", "deletion"):  # format changes alter no words
            for change in region.iter(TEXT + kind):
                creator = change.find(f".//{DC}creator")
                office.changes.append(Remark(kind, creator.text if creator is not None else "",
                                             _paragraphs(change)))
    _odt_languages(root, office.languages)
    for note in root.iter(OFFICE + "annotation"):
        creator = note.find(DC + "creator")
        office.comments.append(Remark("comment", creator.text if creator is not None else "",
                                      _paragraphs(note)))


def _odt_languages(root, languages: dict[str, str]) -> None:
    """Arabic-script words of spans whose style names an Arabic-script language."""
    by_style = {}
    for style in root.iter(STYLE + "style"):
        properties = style.find(STYLE + "text-properties")
        if properties is not None:
            language = _arabic_script_language((properties.get(STYLE + "language-complex"),
                                                properties.get(FO + "language")))
            if language:
                by_style[style.get(STYLE + "name")] = language
    for span in root.iter(TEXT + "span"):
        if span.get(TEXT + "style-name") in by_style:
            _remember("".join(span.itertext()), (by_style[span.get(TEXT + "style-name")],),
                      languages)


def _paragraphs(element) -> str:
    """The words of an ODF element's paragraphs (not its change-info or creator)."""
    return " ".join(_text(p) for p in element.iter(TEXT + "p"))
