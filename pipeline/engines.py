"""Which TeX engine an article needs.

pdfLaTeX (fast, precompiled, confined like every TeX run: tex/confine.py) when every
character of the article is one its T1/TS1 fonts print as that character,
Latin transliteration letters included (the class builds them from an
accent, with ActualText); XeLaTeX (OpenType fonts for other scripts and
symbols, see fonts.scripts in the style's style.yaml; run in a bubblewrap sandbox) for
anything else. XeLaTeX then reports any glyph its fonts still lack, which
the build turns into an error.
"""
from __future__ import annotations

from .model import Article
from .style import Style, style_of

NAMES = {"pdflatex": "pdfLaTeX", "xelatex": "XeLaTeX"}

# Built by the shared LaTeX package for pdfLaTeX (templates/latex/journal-base.sty,
# \journal@letters), each with ActualText: dot below and line below (Arabic,
# Persian and Indic transliteration), ayn, hamza and the Uzbek okina as quotes,
# a turned e for schwa, the minus sign and the superscript digits. What the
# style's own pdfLaTeX fonts print is its style.yaml's fonts.pdflatex.
_PDFTEX_BUILT = frozenset(chr(code) for low, high in (
    (0x1E0C, 0x1E0F), (0x1E24, 0x1E25), (0x1E32, 0x1E37), (0x1E3A, 0x1E3B), (0x1E42, 0x1E43),
    (0x1E46, 0x1E49), (0x1E5A, 0x1E5B), (0x1E62, 0x1E63), (0x1E6C, 0x1E6F), (0x1E92, 0x1E96),
    (0x02BB, 0x02BB), (0x02BE, 0x02BF), (0x0259, 0x0259), (0x2212, 0x2212), (0x00B2, 0x00B3),
    (0x00B9, 0x00B9)) for code in range(low, high + 1))


def article_text(article: Article) -> str:
    """Everything of the article that gets typeset: its body and the front
    matter its style prints."""
    return "\n".join([article.body, *_texts(style_of(article.issue).printed_values(article))])


def _texts(value) -> list[str]:
    """Every string inside value (a dict, list or string)."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value
    return [text for item in items for text in _texts(item)]


def pdftex_chars(style: Style) -> frozenset[str]:
    """Every character pdfLaTeX prints exactly in style."""
    return style.pdflatex_chars | _PDFTEX_BUILT


def engine_for_text(text: str, style: Style) -> str:
    """'pdflatex' or 'xelatex', for a document of style made of this text."""
    return "pdflatex" if set(text) <= pdftex_chars(style) else "xelatex"

