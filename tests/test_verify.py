"""`python build.py verify` on our PDFs, on a PDF made elsewhere, on bad paths."""
from __future__ import annotations

import pikepdf

from helpers import pdf_with_a_font_not_embedded, run_build

PRISM = "{http://prismstandard.org/namespaces/basic/3.0/}"


def test_verify_an_offprint(built_sample):
    done = run_build("verify", str(built_sample.articles["cpec-energy"]))
    assert done.returncode == 0, done.stdout + done.stderr
    first = built_sample.built["cpec-energy"].first_page
    last = built_sample.built["cpec-energy"].last_page
    assert "ok: PDF/A-2b" in done.stdout
    assert "ok: title on page 1: Power Lines and Policy Lines" in done.stdout
    assert f"ok: footers print pages {first}-{last}, as the XMP says" in done.stdout
    assert "all embedded and mapped to Unicode" in done.stdout


def test_verify_finds_a_page_range_that_disagrees_with_the_footers(built_sample, tmp_path):
    wrong = tmp_path / "wrong.pdf"
    with pikepdf.open(built_sample.articles["sco-summit"]) as pdf:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta[PRISM + "startingPage"] = "101"
            meta[PRISM + "endingPage"] = "104"
        pdf.save(wrong, **pikepdf.pdfa.resolve_save_kwargs("2b"))
    done = run_build("verify", str(wrong))
    assert done.returncode == 6
    item = built_sample.built["sco-summit"]
    assert f"FAIL: the XMP says pages 101-104; the footers print " \
           f"{item.first_page}-{item.last_page}" in done.stdout


def test_verify_a_pdf_made_elsewhere(tmp_path):
    pdf = pdf_with_a_font_not_embedded()
    path = tmp_path / "elsewhere.pdf"
    pdf.save(path)
    done = run_build("verify", str(path))
    assert done.returncode == 6
    assert "FAIL: PDF/A-2b: rules" in done.stdout
    assert "ISO_19005_2:6.2.11.4.1-1" in done.stdout           # font not embedded
    assert "ISO_19005_2:6.6.2.1-1" in done.stdout              # no XMP metadata
    assert "FAIL: the XMP has no dc:title" in done.stdout
    assert "FAIL: fonts not embedded: Helvetica" in done.stdout
    assert "Traceback" not in done.stderr


def test_verify_a_path_that_is_not_a_pdf(tmp_path):
    missing = run_build("verify", str(tmp_path / "nothing.pdf"))
    assert missing.returncode == 3 and "does not exist" in missing.stderr
    text = tmp_path / "notes.txt"
    text.write_text("not a PDF")
    wrong = run_build("verify", str(text))
    assert wrong.returncode == 3 and "is not a PDF file" in wrong.stderr
