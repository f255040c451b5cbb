"""pipeline.metadata stamping on a blank PDF (pikepdf.new()), no TeX involved:
non-ASCII names and titles reach XMP and DocInfo (the same on a built
offprint: tests/test_article_pdf.py)."""
from __future__ import annotations

import pikepdf

from helpers import RESOURCES, copy_issue
from pipeline import metadata
from pipeline.fields import FrontMatter, Rendered
from pipeline.model import load_article, load_issue

PRISM = "http://prismstandard.org/namespaces/basic/3.0/"


def test_stamping_unit_non_ascii(tmp_path):
    """metadata.apply on a blank PDF, no TeX involved."""
    folder = copy_issue(RESOURCES / "unicode-names", tmp_path)
    issue = load_issue(folder)
    article = load_article(folder / "names.md", issue)
    rendered = FrontMatter(  # as rendered.lua writes it; the LaTeX form is not used here
        Rendered("", article.title), Rendered("", article.subtitle),
        tuple(Rendered("", a.name) for a in article.authors), ())
    record = metadata.article_record(article, rendered, 21, 22)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    metadata.apply(pdf, record)
    pdf.save(tmp_path / "stamped.pdf")
    with pikepdf.open(tmp_path / "stamped.pdf") as again:
        meta = again.open_metadata()
        assert meta["dc:creator"] == ["Ḥusayn of Mazar-i-Sharif", "Zoë Lindqvist"]
        assert meta["dc:title"] == "Rail Links through Mazar-i-Sharif: A Note on Names"
        assert meta["dc:description"] == "Spotlight on Regional Affairs, Vol.40, No.7, July 2022, pp. 21-22"
        assert meta["dc:language"] == {"en-GB"}
        assert meta[f"{{{PRISM}}}pageRange"] == "21-22"
        assert str(again.docinfo["/Author"]) == "Ḥusayn of Mazar-i-Sharif; Zoë Lindqvist"
        assert str(again.Root.Lang) == "en-GB"
