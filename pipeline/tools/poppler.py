"""Poppler's command-line tools: the text layer, the fonts and page images of a PDF."""
from __future__ import annotations

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
