"""Which TeX engine an article needs.

pdfLaTeX (fast, precompiled, confined like every TeX run: tex/confine.py) when every
character of the article is one its T1/TS1 fonts print as that character,
Latin transliteration letters included (the class builds them from an
accent, with ActualText); XeLaTeX (OpenType fonts for other scripts and
symbols, see the class's script table; run in a bubblewrap sandbox) for
anything else. XeLaTeX then reports any glyph its fonts still lack, which
the build turns into an error.
"""
from __future__ import annotations

from functools import cache

from .model import Article

NAMES = {"pdflatex": "pdfLaTeX", "xelatex": "XeLaTeX"}

# What LaTeX maps for T1/TS1 (TeX Live 2022's t1enc.dfu and ts1enc.dfu),
# less every character that a test build showed coming back from the text
# layer as something else: letters built from an accent TeX places by hand
# (comma below, dot below, ogonek on i/u/o, tilde or breve on dotless i),
# digraphs, superscript digits, the f-ligature characters, and symbols the
# TS1 font draws under another code (Ohm sign, peso...).
_PDFTEX_RANGES = """
0009-000A 0020-007E 00A0-00B1 00B4-00B7 00BA-010F 0111-0121 0124-0125 0128
012A-012C 0130-0134 0139-013A 013D-013E 0141-0144 0147-0148 014A-0155 0158-0165
0168-0171 0174-017E 0192 01CD-01CF 01D1-01D4 01E2-01E3 01E6-01E9 01F4-01F5
0232-0233 0237 02C7 02D8-02D9 02DB 02DD 2013-2014 2016 2018-201A 201C-201E
2020-2022 2030 2039-203B 203D 2044 20A1 20A4 20A9 20AB-20AC 2103 2116 2122 212E
2190-2193
"""
# Built by the class for pdfLaTeX (\spotlight@letters), each with ActualText:
# dot below and line below (Arabic, Persian and Indic
# transliteration), ayn, hamza and the Uzbek okina as quotes, a turned e
# for schwa, the minus sign and the superscript digits.
_PDFTEX_BUILT = """
1E0C-1E0F 1E24-1E25 1E32-1E37 1E3A-1E3B 1E42-1E43 1E46-1E49 1E5A-1E5B 1E62-1E63 1E6C-1E6F
1E92-1E96 02BB 02BE-02BF 0259 2212 00B2-00B3 00B9
"""


@cache
def _pdftex_chars() -> frozenset[str]:
    chars = set()
    for item in (_PDFTEX_RANGES + _PDFTEX_BUILT).split():
        low, _, high = item.partition("-")
        chars.update(map(chr, range(int(low, 16), int(high or low, 16) + 1)))
    return frozenset(chars)


def article_text(article: Article) -> str:
    """Everything of the article a house style may typeset."""
    parts = [article.title, article.subtitle or "", article.short_title or "",
             article.abstract or "", *article.keywords, article.body]
    parts += [field or "" for author in article.authors
              for field in (author.name, author.bio, author.degree, author.affiliation,
                            author.position)]
    return "\n".join(parts)


def engine_for_text(text: str) -> str:
    """'pdflatex' or 'xelatex', for a document made of this text."""
    return "pdflatex" if set(text) <= _pdftex_chars() else "xelatex"


def engine_for(article: Article) -> str:
    return engine_for_text(article_text(article))
