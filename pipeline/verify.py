"""`verify`: what an editor or a librarian can check on any PDF, and on a bag.

A PDF: the PDF/A-2b verdict (pdfa.validate) with rule ids; the title of the
XMP on page 1; the printed page numbers (footers or heads, in the forms of
the house styles) against the XMP page range (PRISM);
every font embedded and mapped to Unicode. A bag (folder or .zip): BagIt
validation (every checksum), then every PDF in it.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from . import metadata, pdfa
from .errors import InputError, Location
from .style import printed_page
from .tools import poppler


@dataclass
class Findings:
    """What verify says about one file or bag: passed checks and problems."""

    path: Path
    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verdict = "FAIL" if self.problems else "ok"
        return ([f"{self.path}: {verdict}"] + [f"  ok: {line}" for line in self.passed]
                + [f"  FAIL: {line}" for line in self.problems])


def verify(path: Path) -> list[Findings]:
    if not path.exists():
        raise InputError(f"{path} does not exist", where=Location(path),
                         hint="name a PDF, a bag folder or a bag's .zip")
    if path.is_dir():
        return verify_bag(path)
    if zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="verify-") as folder:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(folder)
            bags = [p for p in Path(folder).iterdir() if p.is_dir()]
            if len(bags) != 1:
                raise InputError("the zip does not hold one bag folder", where=Location(path))
            results = verify_bag(bags[0])
            for result in results:
                result.path = path / result.path.relative_to(folder)
            return results
    if path.read_bytes()[:5] != b"%PDF-":
        raise InputError(f"{path} is not a PDF file", where=Location(path),
                         hint="name a PDF, a bag folder or a bag's .zip")
    return [verify_pdf(path)]


def verify_bag(folder: Path) -> list[Findings]:
    import bagit

    findings = Findings(folder)
    try:
        bag = bagit.Bag(str(folder))
        bag.validate()
        findings.passed.append(f"BagIt {bag.version}: every file's "
                               f"{' and '.join(sorted(bag.algorithms))} checksum matches")
    except bagit.BagError as error:
        findings.problems.append(f"bag validation: {_bag_error(error)}")
    pdfs = sorted((folder / "data").rglob("*.pdf")) if (folder / "data").is_dir() else []
    return [findings] + [verify_pdf(pdf) for pdf in pdfs]


def _bag_error(error) -> str:
    details = getattr(error, "details", None) or []
    return "; ".join(str(d) for d in details[:10]) or str(error)


def verify_pdf(path: Path) -> Findings:
    import pikepdf

    findings = Findings(path)
    verdict = pdfa.validate(path)
    if verdict.passed:
        note = f" ({len(verdict.declared)} findings on extension-schema properties the file " \
               "declares)" if verdict.declared else ""
        findings.passed.append(f"PDF/A-2b{note}")
    else:
        findings.problems.append(f"PDF/A-2b: rules {', '.join(verdict.rule_ids)}")
        findings.problems += [f"  {line}" for line in verdict.lines()[:20]]
    try:
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            title = meta.get("dc:title")
            first = meta.get(f"{{{metadata.PRISM}}}startingPage")
            last = meta.get(f"{{{metadata.PRISM}}}endingPage")
    except pikepdf.PdfError as error:
        findings.problems.append(f"cannot be read: {error}")
        return findings
    texts = poppler.page_texts(path)
    _check_title(findings, title, texts)
    _check_page_numbers(findings, first, last, texts)
    _check_fonts(findings, path)
    return findings


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"\W|_", "", "".join(c for c in text if not unicodedata.combining(c))).casefold()


def _check_title(findings: Findings, title, texts: list[str]) -> None:
    if not title:
        findings.problems.append("the XMP has no dc:title")
        return
    start = _fold(" ".join(str(title).split()[:4]))
    if texts and start in _fold(texts[0]):
        findings.passed.append(f"title on page 1: {title}")
    else:
        findings.problems.append(f"page 1 does not show the title of the metadata: {title}")


def _check_page_numbers(findings: Findings, first, last, texts: list[str]) -> None:
    if not (first and last and str(first).isdigit() and str(last).isdigit()):
        findings.problems.append("the XMP has no PRISM page range: page numbers not checked")
        return
    printed = [number for number in map(printed_page, texts) if number is not None]
    expected = list(range(int(first), int(last) + 1))
    if printed == expected:
        findings.passed.append(f"footers print pages {first}-{last}, as the XMP says")
    else:
        shown = f"{printed[0]}-{printed[-1]}" if printed else "no numbers"
        findings.problems.append(f"the XMP says pages {first}-{last}; the footers print {shown}"
                                 f" ({len(printed)} numbered pages)")


def _check_fonts(findings: Findings, path: Path) -> None:
    fonts = poppler.fonts(path)
    unembedded = sorted({f["name"] for f in fonts if not f["embedded"]})
    unmapped = sorted({f["name"] for f in fonts if not f["unicode"]})
    if unembedded:
        findings.problems.append(f"fonts not embedded: {', '.join(unembedded)}")
    if unmapped:
        findings.problems.append(f"fonts without a Unicode map (ToUnicode): {', '.join(unmapped)}")
    if not unembedded and not unmapped:
        findings.passed.append(f"{len(fonts)} fonts, all embedded and mapped to Unicode")
