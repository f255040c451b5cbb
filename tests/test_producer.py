"""The Producer of every PDF names what made it: the TeX engine that set its
pages (by the version the pipeline probed), then pikepdf and the pipeline. An
XeLaTeX offprint never claims pdfTeX; the issue PDF names both engines when
its pages come from both. The sample built once (conftest.built_sample) holds
one XeLaTeX article (Urdu script) and pdfLaTeX ones; the fonts pdffonts finds
confirm which engine really made each file."""
from __future__ import annotations

import pikepdf

import pipeline
from pipeline import tex
from pipeline.tools import poppler


def producers(pdf_path) -> tuple[str, str]:
    with pikepdf.open(pdf_path) as pdf:
        return str(pdf.docinfo["/Producer"]), str(pdf.open_metadata()["pdf:Producer"])


def font_types(pdf_path) -> set[str]:
    return {font["type"] for font in poppler.fonts(pdf_path)}


def test_a_xelatex_offprint_names_xetex_and_not_pdftex(built_sample):
    pdf = built_sample.articles["afghanistan-water"]
    assert font_types(pdf) <= {"CID Type 0C", "CID TrueType"}  # XeTeX's OpenType fonts
    docinfo, xmp = producers(pdf)
    assert docinfo == xmp
    assert docinfo.startswith(tex.version("xelatex") + "; pikepdf ")
    assert tex.version("xelatex").startswith("XeTeX 3.") and "TeX Live" in docinfo
    assert "pdfTeX" not in docinfo
    assert docinfo.endswith(f"; {pipeline.NAME} {pipeline.__version__}")


def test_a_pdflatex_offprint_names_pdftex(built_sample):
    pdf = built_sample.articles["cpec-energy"]
    assert font_types(pdf) == {"Type 1"}                        # pdfTeX's Type 1 fonts
    docinfo, xmp = producers(pdf)
    assert docinfo == xmp
    assert docinfo.startswith(tex.version("pdflatex") + "; pikepdf ")
    assert tex.version("pdflatex").startswith("pdfTeX 3.") and "XeTeX" not in docinfo


def test_the_issue_names_both_engines_its_pages_came_from(built_sample):
    docinfo, xmp = producers(built_sample.issue_pdf)
    assert docinfo == xmp
    assert docinfo.startswith(f"{tex.version('pdflatex')}; {tex.version('xelatex')}; pikepdf ")
