"""The proof made cheaper, not weaker: pikepdf.pdfa's parsed font programs
kept by the sha256 of their bytes (pdfa._PROGRAMS), its passing schema
checks kept by the object's JSON form (pdfa._PASSED), the faster Type 1
decryption, the head start on reused offprints. No timings here
(benchmarks/bench_pdfa.py has them): what passes and fails stays the same."""
from __future__ import annotations

import hashlib
import os

import pikepdf
from fontTools.misc import eexec

from pipeline import pdfa


def programs(path):
    """sha256 of every embedded font program of a PDF, by font name."""
    found = {}
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            for _parser, data in pdfa._font_program(obj):
                found[str(obj.FontName)] = hashlib.sha256(data).digest()
    return found


def fonttools_decrypt(cipher: bytes, key: int):
    """fontTools' own decryption, one _decryptChar per byte."""
    plain = []
    for byte in cipher:
        char, key = eexec._decryptChar(byte, key)
        plain.append(char)
    return b"".join(plain), key


def test_faster_decryption_is_fonttools_decryption(built_sample):
    with pikepdf.open(built_sample.articles["cpec-energy"]) as pdf:
        type1 = [obj.FontFile.read_bytes() for obj in pdf.objects
                 if isinstance(obj, pikepdf.Dictionary) and "/FontFile" in obj]
    assert type1, "the pdfLaTeX offprint embeds Type 1 programs"
    for cipher in [*type1, os.urandom(5000), b"", b"\0\0asdadads asds\265"]:
        for key in (55665, 4330, 12321):
            assert pdfa.decrypt(cipher, key) == fonttools_decrypt(cipher, key)
    assert pdfa.decrypt(b"\0\0asdadads asds\265", 12321) == \
        (b'0d\nh\x15\xe8\xc4\xb2\x15\x1d\x108\x1a<6\xa1', 36142)   # fontTools' doctest


def test_the_issue_pdf_holds_the_offprints_font_programs(built_sample):
    """Why the programs are kept by content: the issue PDF copies them byte for byte."""
    issue = set(programs(built_sample.issue_pdf).values())
    for path in built_sample.articles.values():
        assert set(programs(path).values()) <= issue


def test_head_start_parses_what_the_validator_parses(built_sample):
    """parse_fonts_meanwhile picks pikepdf.pdfa's parser for each stream: the
    validation of the same PDFs then parses nothing new."""
    paths = list(built_sample.articles.values())
    with pdfa._VALIDATING:
        pdfa._PROGRAMS.clear()
    pdfa.parse_fonts_meanwhile(paths).join()
    kept = dict(pdfa._PROGRAMS)
    assert len(kept) >= sum(len(programs(path)) for path in paths) - 1  # two may share bytes
    for path in paths:
        assert pdfa.validate(path).passed
    assert pdfa._PROGRAMS == kept


def swap_font_program(source, target, take: str, into: str) -> None:
    """Write source with font `into`'s /FontFile replaced by font `take`'s program."""
    with pikepdf.open(source) as pdf:
        descriptors = {str(obj.FontName): obj for obj in pdf.objects
                       if isinstance(obj, pikepdf.Dictionary) and "/FontFile" in obj}
        [donor] = [d for name, d in descriptors.items() if name.endswith(take)]
        [taker] = [d for name, d in descriptors.items() if name.endswith(into)]
        taker.FontFile = pdf.make_stream(donor.FontFile.read_bytes(),
                                         Length1=donor.FontFile.Length1,
                                         Length2=donor.FontFile.Length2,
                                         Length3=donor.FontFile.Length3)
        pdf.save(target, **pikepdf.pdfa.resolve_save_kwargs("2b"))


def test_a_kept_program_is_not_reused_for_another_font(built_sample, tmp_path):
    """Both programs parsed and kept, then one font given the other's program:
    its glyphs and widths are checked against that program, and fail."""
    source = built_sample.articles["cpec-energy"]
    assert pdfa.validate(source).passed                  # every program of the file kept
    swapped = tmp_path / "swapped.pdf"
    swap_font_program(source, swapped, take="TeXGyreTermes-Bold", into="TeXGyreTermes-Regular")
    for _ in range(2):                                   # and again, with everything kept
        verdict = pdfa.validate(swapped)
        assert verdict.rule_ids == ["ISO_19005_2:6.2.11.4.2-1"]      # CharSet against program
        assert "not in program: B G J K" in verdict.lines()[0]


def test_a_program_that_cannot_be_read_fails_every_time(built_sample, tmp_path):
    """A failed parse is never kept: the finding comes back on each validation."""
    source = built_sample.articles["sco-summit"]
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(source) as pdf:
        [descriptor] = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                        and "/FontFile" in obj and str(obj.FontName).endswith("Regular")]
        data = bytearray(descriptor.FontFile.read_bytes())
        start = data.find(b"currentfile eexec") + len(b"currentfile eexec") + 1
        data[start:start + 400] = bytes(400)             # the encrypted section zeroed
        descriptor.FontFile.write(bytes(data))
        pdf.save(broken, **pikepdf.pdfa.resolve_save_kwargs("2b"))
    first, second = pdfa.validate(broken), pdfa.validate(broken)
    assert first.rule_ids == second.rule_ids == ["pikepdf:font-program"]
    assert first.lines() == second.lines()


def test_a_passing_object_changed_is_checked_again(built_sample, tmp_path):
    """Schema checks are kept only when they passed, by the object's whole JSON
    form: an annotation that loses /F is a new form, and fails each time."""
    source = built_sample.articles["cpec-energy"]
    assert pdfa.validate(source).passed                  # its link annotations' checks kept
    changed = tmp_path / "no-flags.pdf"
    with pikepdf.open(source) as pdf:
        [first, *_] = [a for page in pdf.pages for a in page.get("/Annots", [])
                       if a.get("/Subtype") == "/Link"]
        del first.F
        pdf.save(changed, **pikepdf.pdfa.resolve_save_kwargs("2b"))
    for _ in range(2):
        verdict = pdfa.validate(changed)
        assert verdict.rule_ids == ["ISO_19005_2:6.3.2-1"]          # annotations need /F
        assert "shall contain /F" in verdict.lines()[0]
