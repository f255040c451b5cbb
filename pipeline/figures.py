"""Figures a manuscript names: a plain path inside the issue folder, a file
that is what its name says, no larger than TeX should embed and sharp
enough where it prints. Judged with Pillow from the file's header: no
image is decoded.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path

MAX_PIXELS = 50_000_000
MIN_PPI = 150                 # at the size the figure prints
TEXT_WIDTH_IN = 160 / 25.4    # the class's text block: A4 less two 25 mm margins
KINDS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".pdf": "PDF"}


def problem(folder: Path, src: str, after: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) with the image src of the issue folder,
    or None; `after` is the manuscript text from the image's target on,
    where a {width=...} attribute may follow."""
    return path_problem(src) or _file_problem(folder, src, after)


def path_problem(src: str) -> tuple[str, str] | None:
    """What is wrong with an image path's shape, as TeX would read it (None if nothing)."""
    inside = "put the file inside the issue folder and name it by a relative path, e.g. figures/map.png"
    if re.match(r"[a-zA-Z][\w+.\-]*:", src):
        return "is a URL", "download it into the issue folder and name the file"
    if src.startswith("/") or "\\" in src or "~" in src:
        return "is an absolute path, or one with \\ or ~: name it relative to the issue folder", inside
    if ".." in src.split("/"):
        return "leaves the issue folder ('..')", inside
    if Path(src).suffix.lower() not in KINDS:
        return "is not a PNG, JPEG or PDF file", "convert it to PNG (drawings, charts) or JPEG (photographs)"
    return None


def _file_problem(folder: Path, src: str, after: str) -> tuple[str, str] | None:
    place = folder
    for part in Path(src).parts:
        place = place / part
        if place.is_symlink():
            return "is a symbolic link", "copy the file itself into the issue folder"
    path = folder / src
    if not path.is_file():
        return (f"does not exist in the issue folder ({folder})",
                "check the file name's spelling and case, or add the file")
    return _content_problem(path, after)


def _content_problem(path: Path, after: str) -> tuple[str, str] | None:
    expected = KINDS[path.suffix.lower()]
    try:
        with path.open("rb") as file:
            head = file.read(8)
            if expected == "PDF":
                return None if head.startswith(b"%PDF-") else (
                    "is not a PDF file", "export the figure again as PDF, PNG or JPEG")
            file.seek(0)
            return _raster_problem(file, expected, after)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})", "check the file's permissions"


def _raster_problem(file, expected: str, after: str) -> tuple[str, str] | None:
    from PIL import Image, UnidentifiedImageError

    too_large = "scale it down (a full-width figure needs about 1900 pixels across at 300 ppi)"
    try:
        with warnings.catch_warnings():  # Pillow warns above 89 megapixels: we judge
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:  # reads the header only
                kind, (width, height) = image.format, image.size
                dpi = image.info.get("dpi", (72, 72))[0] or 72
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        return f"has far more than {MAX_PIXELS // 1_000_000} megapixels", too_large
    except (UnidentifiedImageError, OSError, ValueError):
        return (f"is not a readable {expected} image",
                "open it in an image editor and export it again as PNG or JPEG")
    if kind != expected:
        return f"is a {kind} image named as {expected}", "rename it, or convert it"
    if width * height > MAX_PIXELS:
        return (f"has {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); at "
                f"most {MAX_PIXELS // 1_000_000} are allowed", too_large)
    inches = min(_printed_width_in(after) or width / float(dpi), TEXT_WIDTH_IN)
    if inches > 0 and width / inches < MIN_PPI:
        return (f"prints at {width / inches:.0f} pixels per inch ({width} pixels across "
                f"{inches * 25.4:.0f} mm); print needs at least {MIN_PPI}",
                f"supply a larger image, or print it smaller, e.g. "
                f"{{width={max(1, int(100 * width / MIN_PPI / TEXT_WIDTH_IN))}%}}")
    return None


_WIDTH = re.compile(r"[^)]*\)\{[^}]*\bwidth=\"?([\d.]+)(%|in|cm|mm|pt|px)?")
_UNITS_IN = {"%": TEXT_WIDTH_IN / 100, "in": 1, "cm": 1 / 2.54, "mm": 1 / 25.4, "pt": 1 / 72.27,
             "px": 1 / 96, None: 1 / 96}


def _printed_width_in(after: str) -> float | None:
    """The width an {width=...} attribute after the image gives, in inches."""
    match = _WIDTH.match(after.split("\n\n", 1)[0])
    return float(match.group(1)) * _UNITS_IN[match.group(2)] if match else None
