"""PDF/A-2b on the final build: the sample's offprints and issue as built by
the session fixture, PRISM surviving the PDF/A save, and what fails."""
from __future__ import annotations

import pikepdf
import pytest
from lxml import etree

from helpers import pdf_with_a_font_not_embedded
from pipeline import pdfa
from pipeline.errors import InvalidOutput

PRISM = "{http://prismstandard.org/namespaces/basic/3.0/}"
PAGES = ("volume", "number", "startingPage", "endingPage", "pageRange")


def test_final_pdfs_are_pdfa_2b(built_sample):
    for path in [built_sample.issue_pdf, *built_sample.articles.values()]:
        verdict = pdfa.validate(path)
        assert verdict.passed, verdict.lines()
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            intent = pdf.Root.OutputIntents[0]
            assert intent.S == "/GTS_PDFA1"
            assert intent.DestOutputProfile.N == 3                  # an RGB (sRGB) profile
            assert "/Encrypt" not in pdf.trailer
            assert "/Names" not in pdf.Root or "/JavaScript" not in pdf.Root.Names
            links = [a for page in pdf.pages for a in page.get("/Annots", [])
                     if a.get("/Subtype") == "/Link"]
            assert all(int(a.F) & 4 for a in links)                 # printable


def test_prism_survives_the_pdfa_save(built_sample):
    for slug, path in built_sample.articles.items():
        item = built_sample.built[slug]
        with pikepdf.open(path) as pdf:
            meta = pdf.open_metadata()
            values = {key: meta.get(PRISM + key) for key in PAGES}
            assert meta["xmp:MetadataDate"] == meta["xmp:CreateDate"] == "2022-06-01T00:00:00+00:00"
        assert values == {"volume": "40", "number": "6",
                          "startingPage": str(item.first_page), "endingPage": str(item.last_page),
                          "pageRange": f"{item.first_page}-{item.last_page}"}


def test_undeclared_property_fails_with_its_rule(built_sample, tmp_path):
    """Remove pageRange from the extension schema: the property is undeclared."""
    source = built_sample.articles["cpec-energy"]
    broken = tmp_path / "undeclared.pdf"
    with pikepdf.open(source) as pdf:
        root = etree.fromstring(pdf.Root.Metadata.read_bytes())
        for name in root.iter("{http://www.aiim.org/pdfa/ns/property#}name"):
            if name.text == "pageRange":
                entry = name.getparent()
                entry.getparent().remove(entry)
        pdf.Root.Metadata = pdf.make_stream(etree.tostring(root), Type=pikepdf.Name.Metadata,
                                                  Subtype=pikepdf.Name.XML)
        pdf.save(broken, **pikepdf.pdfa.resolve_save_kwargs("2b"))
    verdict = pdfa.validate(broken)
    assert not verdict.passed
    assert "ISO_19005_2:6.6.2.3.1-1" in verdict.rule_ids
    assert any("prism:pageRange" in line for line in verdict.lines())


def test_a_pdf_that_cannot_be_pdfa_stops_with_exit_6(tmp_path):
    """A font that is not embedded is beyond repair: nothing is written."""
    pdf = pdf_with_a_font_not_embedded()
    output = tmp_path / "out.pdf"
    with pytest.raises(InvalidOutput) as caught:
        pdfa.save(pdf, output, where=tmp_path / "issue.yaml")
    assert caught.value.exit_code == 6
    assert "ISO_19005_2:6.2.11.4.1-1" in str(caught.value)   # font programs embedded
    assert "[ToUnicode] font Helvetica has no /ToUnicode map" in str(caught.value)
    assert not output.exists()
