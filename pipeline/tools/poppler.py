"""Poppler's command-line tools: the text layer, word positions, the fonts and page
images of a PDF."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InvalidOutput, Location
from ..runner import Budget, run

_BUDGET = Budget(seconds=60, memory_mb=1024)


def _run(argv: list[str], pdf: Path) -> str:
    result = run(argv, cwd=pdf.parent, budget=_BUDGET)
    if result.returncode != 0:
        raise InvalidOutput(f"{argv[0]} cannot read the PDF: {result.stderr.strip()}",
                            where=Location(pdf))
    return result.stdout


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed (pdftotext -layout)."""
    text = _run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], pdf)
    return text.split("\f")[:-1]


def fonts(pdf: Path) -> list[dict]:
    """pdffonts' table: name, type and whether each font is embedded."""
    rows = _run(["pdffonts", str(pdf)], pdf).splitlines()[2:]
    table = []
    for row in rows:
        parts = row.split()
        # name type... encoding emb sub uni object-id generation
        table.append({"name": parts[0], "embedded": parts[-5] == "yes", "unicode": parts[-3] == "yes",
                      "type": " ".join(parts[1:-6])})
    return table


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    block: int                     # lines of one poppler block share this number

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (min(w.x0 for w in self.words), min(w.y0 for w in self.words),
                max(w.x1 for w in self.words), max(w.y1 for w in self.words))


@dataclass(frozen=True)
class PageLayout:
    width: float
    height: float
    lines: tuple[Line, ...]

    @property
    def words(self) -> list[Word]:
        return [word for line in self.lines for word in line.words]


_TAG = re.compile(r'<(page|block|line|word) ([^>]*)>(?:([^<]*)</word>)?')
_NUMBER = re.compile(r'(\w+)="([\d.]+)"')


def page_layouts(pdf: Path) -> list[PageLayout]:
    """Each page's lines of words with their boxes in points, top-left origin
    (pdftotext -bbox-layout), in reading order."""
    pages, lines, words, block = [], [], [], 0

    def close_line():
        if words:
            lines.append(Line(tuple(words), block))
            words.clear()
    for match in _TAG.finditer(_run(["pdftotext", "-bbox-layout", str(pdf), "-"], pdf)):
        tag, numbers = match.group(1), dict(_NUMBER.findall(match.group(2)))
        if tag == "word":
            words.append(Word(html.unescape(match.group(3)), float(numbers["xMin"]),
                              float(numbers["yMin"]), float(numbers["xMax"]), float(numbers["yMax"])))
            continue
        close_line()
        if tag == "block":
            block += 1
        elif tag == "page":
            lines = []
            pages.append((float(numbers["width"]), float(numbers["height"]), lines))
    close_line()
    return [PageLayout(width, height, tuple(found)) for width, height, found in pages]


def page_images(pdf: Path, folder: Path, prefix: str, longest: int) -> list[Path]:
    """Each page as folder/<prefix>-<k>.png (k from 1), longest side in pixels (pdftoppm)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f".{prefix}.tmp"
    _run(["pdftoppm", "-png", "-scale-to", str(longest), str(pdf), str(stem)], pdf)
    made = sorted(folder.glob(f"{stem.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    images = []
    for number, image in enumerate(made, start=1):  # pdftoppm pads k to the page count's width
        images.append(image.rename(folder / f"{prefix}-{number}.png"))
    return images
