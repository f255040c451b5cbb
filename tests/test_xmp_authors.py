"""Fields that are accepted are used (issue 10, item 3): each author's
affiliation, ORCID iD and e-mail reach the offprint's XMP, in the declared
journal-author schema, and survive the PDF/A-2b save. One small article,
built once through build.py, with the new front-matter fields too."""
from __future__ import annotations

import pikepdf
import pytest
from lxml import etree

from helpers import ONE_ARTICLE_ISSUE, OneArticleProject, page_texts
from pipeline import metadata, pdfa

ARTICLE = """\
---
title: "Glaciers and the Upper Indus"
short_title: Glaciers and the Indus
type: commentary
abstract: |
  The glaciers of the upper Indus feed the river.
keywords: [glaciers, Indus]
authors:
  - name: Ayesha Khan
    bio: Ayesha Khan writes about water.
    degree: M.Phil
    position: Research Officer
    affiliation: Institute of Regional Studies, Islamabad
    orcid: "0000-0002-1825-0097"
    email: ayesha.khan@example.org
  - name: Bilal Ahmed
    bio: Bilal Ahmed writes about ice.
  - name: Chandra Rao
    bio: Chandra Rao writes about rivers.
    affiliation: Kingston University, London
---

## Ice

The glaciers are melting.
"""
J = f"{{{metadata.AUTHOR_NS}}}"
PROPERTY = "{http://www.aiim.org/pdfa/ns/property#}"


@pytest.fixture(scope="module")
def offprint(tmp_path_factory):
    project = OneArticleProject(tmp_path_factory.mktemp("xmp-authors"), ARTICLE)
    project.write(issue=ONE_ARTICLE_ISSUE)
    result = project.build_article()
    assert result.returncode == 0, result.stderr
    return project.pdf


def test_affiliation_orcid_and_email_reach_the_xmp(offprint):
    with pikepdf.open(offprint) as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:creator"] == ["Ayesha Khan", "Bilal Ahmed", "Chandra Rao"]
        assert meta[J + "affiliation"] == ["Institute of Regional Studies, Islamabad", None,
                                           "Kingston University, London"]
        assert meta[J + "orcid"] == ["https://orcid.org/0000-0002-1825-0097", None, None]
        assert meta[J + "email"] == ["ayesha.khan@example.org", None, None]
        assert meta["dc:subject"] == {"glaciers", "Indus"}
        assert str(pdf.docinfo["/Author"]) == "Ayesha Khan; Bilal Ahmed; Chandra Rao"


def test_the_author_schema_is_declared_and_the_pdf_is_pdfa(offprint):
    verdict = pdfa.validate(offprint)
    assert verdict.passed, verdict.lines()
    with pikepdf.open(offprint) as pdf:
        packet = pdf.Root.Metadata.read_bytes()
    declared, problems = pdfa.declared_properties(packet)
    assert problems == []
    assert declared["jauthor"] == (metadata.AUTHOR_NS, {"affiliation", "orcid", "email"})
    types = {name.text: name.getparent().findtext(PROPERTY + "valueType")
             for name in etree.fromstring(packet).iter(PROPERTY + "name")}
    assert types["orcid"] == "Seq Text" and types["volume"] == "Text"
    # pikepdf's 'not permitted' findings on jauthor are there, and covered by the declaration
    assert any("jauthor" in str(finding) for finding in verdict.declared)


def test_the_new_fields_do_not_disturb_the_page(offprint):
    """Printing abstract, degree or position is the house style's; the model alone
    must leave Spotlight's page as it was: title, names, bios, body."""
    text = page_texts(offprint)[0]
    assert "Glaciers and the Upper Indus" in text and "The glaciers are melting." in text
    assert "Ayesha Khan writes about water." in text


def test_the_issue_pdf_lists_each_author_once_with_details(built_sample):
    """The sample issue: four authors in order of appearance, details parallel."""
    irs = "Institute of Regional Studies, Islamabad"
    with pikepdf.open(built_sample.issue_pdf) as pdf:
        meta = pdf.open_metadata()
        assert meta["dc:creator"] == ["Farīda Ṣiddīqī", "Usman Khalid Awan", "Ahsan Raza Bhatti",
                                      "Sāra Ṭāhir Durrānī"]
        assert meta[J + "affiliation"] == [irs, None, irs, irs]
        assert meta[J + "orcid"] == [None, None, "https://orcid.org/0000-0002-1825-0097", None]
        assert meta[J + "email"] == ["farida.siddiqi@example.org", None,
                                     "ahsan.bhatti@example.org", None]
