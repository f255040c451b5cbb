"""The post-build check (pipeline/check.py), proven by mutation.

Each test breaks one thing a build makes, the way a bug would (a doctored
PDF, or a patched function that produces the data), hands the result to the
check and asserts exit 6 with a message naming exactly that branch. The
short issue (three pdfLaTeX articles of two pages, a cover) is the good case.
"""
from __future__ import annotations

import dataclasses
import re
import subprocess

import pikepdf
import pytest

from helpers import digest, footer, last_line, page_texts, seed_cache
from pipeline import article, check, cli, compose
from pipeline.errors import InvalidOutput
from pipeline.issue import build_issue
from pipeline.model import load_issue
from pipeline.paths import BuildDirs

PRISM = check.PRISM


def problems(made, pdf=None, built=None) -> list[str]:
    """The check's problems (it must fail with exit 6), one per line."""
    with pytest.raises(InvalidOutput) as caught:
        check.check_issue(made.result.issue, built or made.result.built, pdf or made.issue_pdf)
    assert caught.value.exit_code == 6
    return [line.strip() for line in caught.value.message.splitlines()[1:]]


def doctored(source, target, change):
    """A copy of the PDF source, changed by change(pdf), saved as target."""
    with pikepdf.open(source) as pdf:
        change(pdf)
        pdf.save(target)
    return target


def only(found: list[str], *words: str) -> None:
    assert found, "the check found nothing"
    for problem in found:
        assert all(word in problem for word in words), found


def test_the_good_issue_passes(built_short):
    check.check_issue(built_short.result.issue, built_short.result.built, built_short.issue_pdf)


# ---------------------------------------------------------------- contents
def _assembled_with_contents(made, tmp_path, monkeypatch, listed):
    """The issue PDF as compose makes it, but with the contents of listed(built)."""
    dirs = BuildDirs(tmp_path / "build")
    seed_cache(dirs.root, made.dirs.root)
    original = compose.front_matter_source
    monkeypatch.setattr(compose, "front_matter_source",
                        lambda issue, built, *rest: original(issue, listed(built), *rest))
    output = tmp_path / "issue.pdf"
    compose.assemble(made.result.issue, made.result.built, dirs, output)
    return output


def test_contents_in_reverse_order_fail(built_short, tmp_path, monkeypatch):
    pdf = _assembled_with_contents(built_short, tmp_path, monkeypatch, lambda b: b[::-1])
    found = problems(built_short, pdf)
    only(found, "the contents do not list", "out of order")
    assert len(found) == 2   # the first article is found last; nothing follows it


def test_contents_with_a_wrong_page_number_fail(built_short, tmp_path, monkeypatch):
    def misnumbered(built):
        return [dataclasses.replace(b, first_page=b.first_page + 1) if b.article.slug == "beta"
                else b for b in built]
    pdf = _assembled_with_contents(built_short, tmp_path, monkeypatch, misnumbered)
    beta = built_short.built["beta"]
    assert problems(built_short, pdf) == [
        f"the contents give page {beta.first_page + 1} for '{beta.rendered.full_title.plain}' "
        f"(entry 2); it starts on page {beta.first_page}"]


# ------------------------------------------------------- labels and footers
def test_page_labels_off_by_one_fail(built_short, tmp_path):
    def relabel(pdf):
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=[
            0, pikepdf.Dictionary(S=pikepdf.Name.r),
            2, pikepdf.Dictionary(S=pikepdf.Name.D, St=2)])
    found = problems(built_short, doctored(built_short.issue_pdf, tmp_path / "i.pdf", relabel))
    only(found, "has page label")
    assert len(found) == sum(b.pages for b in built_short.result.built)
    assert found[0] == "page 3 has page label '2'; expected '1'"


def test_front_matter_labels_fail(built_short, tmp_path):
    def relabel(pdf):
        pdf.Root.PageLabels.Nums[1] = pikepdf.Dictionary(S=pikepdf.Name.R)
    found = problems(built_short, doctored(built_short.issue_pdf, tmp_path / "i.pdf", relabel))
    assert found == ["page 1 has page label 'I'; expected 'i'",
                     "page 2 has page label 'II'; expected 'ii'"]


def test_footers_out_of_order_fail(built_short, tmp_path):
    number = built_short.built["beta"].first_page
    index = 2 + number - 1   # after the cover and the contents

    def swap(pdf):   # beta's first page and the next print each other's text (and footer)
        first, second = pdf.pages[index].obj, pdf.pages[index + 1].obj
        first.Contents, second.Contents = second.Contents, first.Contents
    found = problems(built_short, doctored(built_short.issue_pdf, tmp_path / "i.pdf", swap))
    issue = built_short.result.issue
    assert found == [  # the footers, and the running head beta's second page now lacks
        f"page {index + 1} of the issue shows footer '{footer(issue, number + 1)}'; "
        f"expected '{footer(issue, number)}'",
        f"page {index + 2} of the issue shows footer '{footer(issue, number)}'; "
        f"expected '{footer(issue, number + 1)}'",
        f"page {index + 2} of the issue shows running head 'Beta: The Middle Article'; "
        f"expected 'SPOTLIGHT ON REGIONAL AFFAIRS'"]


def test_bookmarks_in_the_wrong_order_fail(built_short, tmp_path):
    def reorder(pdf):
        with pdf.open_outline() as outline:
            outline.root[1:] = list(outline.root[1:])[::-1]
    found = problems(built_short, doctored(built_short.issue_pdf, tmp_path / "i.pdf", reorder))
    only(found, "the bookmarks are")
    assert len(found) == 1


# --------------------------------------------------------------- page counts
def test_an_extra_page_in_the_issue_fails(built_short, tmp_path):
    def extra(pdf):
        pdf.pages.append(pdf.pages[-1])
    found = problems(built_short, doctored(built_short.issue_pdf, tmp_path / "i.pdf", extra))
    last = built_short.result.built[-1].last_page
    assert found == [f"the issue has {2 + last + 1} pages; expected {2 + last} "
                     f"(2 of front matter and pages 1-{last})"]


def test_an_offprint_with_an_extra_page_fails(built_short, tmp_path):
    alpha = built_short.built["alpha"]
    longer = doctored(alpha.pdf, tmp_path / "alpha.pdf",
                      lambda pdf: pdf.pages.append(pdf.pages[0]))
    built = [dataclasses.replace(b, pdf=longer) if b is alpha else b
             for b in built_short.result.built]
    assert problems(built_short, built=built) == [
        f"alpha.pdf has {alpha.pages + 1} pages; expected {alpha.pages}"]


def test_an_offprint_with_a_wrong_prism_range_fails(built_short, tmp_path):
    def misdate(pdf):
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta[f"{{{PRISM}}}pageRange"] = "1-3"
    beta = built_short.built["beta"]
    wrong = doctored(beta.pdf, tmp_path / "beta.pdf", misdate)
    built = [dataclasses.replace(b, pdf=wrong) if b is beta else b
             for b in built_short.result.built]
    pages = f"{beta.first_page}-{beta.last_page}"
    assert problems(built_short, built=built) == [
        f"beta.pdf says (PRISM) pages {pages}, range 1-3; it is pages {pages}"]


# --------------------------------------------------------------------- fonts
def _first_font(pdf):
    return next(iter(pdf.pages[2].Resources.Font.values()))


@pytest.mark.parametrize("change, says, pdffonts_row", [
    (lambda font: font.FontDescriptor.__delitem__("/FontFile"), "is not embedded", "no  yes yes"),
    (lambda font: font.__delitem__("/ToUnicode"), "has no ToUnicode map", "yes yes no "),
], ids=["not-embedded", "no-tounicode"])
def test_a_font_not_embedded_or_not_mapped_fails(built_short, tmp_path, change, says,
                                                 pdffonts_row):
    pdf = doctored(built_short.issue_pdf, tmp_path / "i.pdf", lambda pdf: change(_first_font(pdf)))
    found = problems(built_short, pdf)
    assert len(found) == 1 and re.fullmatch(rf"font \S+ {says}.*\(first on page 3\)", found[0])
    listed = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert [row for row in listed.splitlines() if f" {pdffonts_row} " in row], listed


def test_a_type3_font_fails(built_short, tmp_path):
    def bitmap(pdf):
        _first_font(pdf).Subtype = pikepdf.Name.Type3
    with pikepdf.open(doctored(built_short.issue_pdf, tmp_path / "i.pdf", bitmap)) as pdf:
        found = check.font_problems(pdf)
    assert len(found) == 1 and "is a Type 3 (bitmap) font" in found[0]


def test_an_offprint_whose_fonts_lack_unicode_is_refused(built_short, copy_built, monkeypatch,
                                                         capsys):
    made = copy_built(built_short)
    good = digest(made.articles["alpha"])
    alpha = made.folder / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\nOne more sentence.\n",
                     encoding="utf-8")
    typeset = article._typeset

    def without_tounicode(*args):
        made = typeset(*args)  # the TeX step's output: its PDF is made.pdf
        with pikepdf.open(made.pdf, allow_overwriting_input=True) as pdf:
            for font in pdf.pages[0].Resources.Font.values():
                del font["/ToUnicode"]
            pdf.save(made.pdf)
        return made
    monkeypatch.setattr(article, "_typeset", without_tounicode)

    code = cli.main(["--build-dir", str(made.dirs.root), "article", str(alpha)])

    stderr = capsys.readouterr().err
    assert code == 6, stderr
    assert f"{alpha}: invalid output: the PDF's fonts would not print or copy right" in stderr
    assert "has no ToUnicode map" in stderr and "Traceback" not in stderr
    assert digest(made.articles["alpha"]) == good


@pytest.mark.parametrize("which", ["short-alpha", "short-issue", "sample-water", "sample-issue"])
def test_every_font_embedded_and_mapped_by_pdffonts(built_short, built_sample, which):
    """pdfLaTeX (the short issue) and XeLaTeX (the sample), judged by pdffonts itself."""
    pdf = {"short-alpha": built_short.articles["alpha"], "short-issue": built_short.issue_pdf,
           "sample-water": built_sample.articles["afghanistan-water"],
           "sample-issue": built_sample.issue_pdf}[which]
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                          check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        emb, sub, uni = row.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes") and "Type 3" not in row, row
    kinds = {"short-alpha": ("Type 1",), "short-issue": ("Type 1",), "sample-water": ("CID",),
             # the sample's contents page is Latin (pdfLaTeX), its articles XeLaTeX
             "sample-issue": ("Type 1", "CID")}[which]
    assert all(any(f" {kind}" in row for kind in kinds) for row in rows), rows


# ------------------------------------------------------------ editing issue.yaml
def test_editing_volume_number_and_month_rebuilds_and_prints_them(built_short, copy_built):
    made = copy_built(built_short)
    issue_yaml = made.folder / "issue.yaml"
    text = issue_yaml.read_text(encoding="utf-8")
    for old, new in (("volume: 41", "volume: 42"), ("number: 2", "number: 3"),
                     ("month: 2", "month: 3")):
        assert old in text
        text = text.replace(old, new)
    issue_yaml.write_text(text, encoding="utf-8")

    result = build_issue(made.folder, made.dirs, jobs=2)

    assert not result.failures and sorted(result.rebuilt) == ["alpha", "beta", "gamma"]
    issue = load_issue(made.folder)
    assert issue.date_label == "March 2023" and (issue.volume, issue.number) == (42, 3)
    texts = page_texts(made.issue_pdf)
    assert "Vol.42, No.3" in texts[0] and "March 2023" in texts[0]          # cover
    assert last_line(texts[1]) == footer(issue, "ii")                          # contents
    last = result.built[-1].last_page
    assert [last_line(t) for t in texts[2:]] == [footer(issue, n) for n in range(1, last + 1)]
    for pdf in (made.issue_pdf, *made.articles.values()):
        with pikepdf.open(pdf) as opened:
            meta = opened.open_metadata()
            assert (meta[f"{{{PRISM}}}volume"], meta[f"{{{PRISM}}}number"],
                    meta[f"{{{PRISM}}}coverDate"]) == ("42", "3", "2023-03")
            assert "Vol.42, No.3, March 2023" in meta["dc:description"]
