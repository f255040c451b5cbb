"""The issue PDF is proven (pikepdf.pdfa, in Python) while the post-build
check reads it (poppler, other processes): the proof still stops the build."""
from __future__ import annotations

import json

import pytest

from helpers import digest, pdf_with_a_font_not_embedded
from pipeline import compose
from pipeline.errors import InvalidOutput
from pipeline.issue import build_issue


def test_an_issue_pdf_that_is_not_pdfa_stops_the_build(built_short, copy_built, monkeypatch):
    """A page whose font is not embedded, added to the issue PDF: exit 6 with
    PDF/A's rule, told before what the check finds on the extra page; the last
    good issue PDF stays."""
    made = copy_built(built_short)
    state_file = made.dirs.issue(made.result.issue.slug) / "state.json"
    state = json.loads(state_file.read_text())
    del state["issue_key"]                                   # the issue PDF is made again
    state_file.write_text(json.dumps(state))
    good = digest(made.issue_pdf)
    stranger = pdf_with_a_font_not_embedded()
    outline = compose._outline

    def outline_and_a_page_more(pdf, *args):
        outline(pdf, *args)
        pdf.pages.append(stranger.pages[0])

    monkeypatch.setattr(compose, "_outline", outline_and_a_page_more)
    with pytest.raises(InvalidOutput) as caught:
        build_issue(made.folder, made.dirs, jobs=2)
    assert caught.value.exit_code == 6
    assert "the PDF is not PDF/A-2b: rules ISO_19005_2:6.2.11.4.1-1" in caught.value.message
    assert "[ToUnicode] font Helvetica has no /ToUnicode map" in caught.value.message
    assert digest(made.issue_pdf) == good
    assert not list(made.issue_pdf.parent.glob(".issue.pdf.*"))
