"""TeX logs: reading them (the first error, overfull lines, glyphs a font
lacks, whether LaTeX asks for another pass) and keeping them where the user
finds them (keep_log: the only place a log is copied out of a scratch folder)."""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import BuildFailed, LimitReached

_FILE_LINE_ERROR = re.compile(r"^(?:\./)?([^\s:]+\.(?:tex|cls|sty)):(\d+): (.+)$", re.M)
_OVERFULL = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) .*?lines? (\d+)", re.M)
_BANG = re.compile(r"^!\s*(.+)$", re.M)           # '! LaTeX Error: ...', '!pdfTeX error: ...'
_CONTEXT_LINE = re.compile(r"^l\.(\d+) ", re.M)
# A warning, with the lines that continue it ('(longtable)    in table 1').
_WARNING = re.compile(r"^(?:LaTeX|Package \S+|Class \S+) Warning: .*(?:\n\([\w@-]+\) .*)*",
                      re.M)
_UNDEFINED = re.compile(r"undefined references|^LaTeX Warning: (?:Hyper )?Reference `", re.M)
_MISSING = re.compile(r"^Missing character: There is no (.+?) (?:\(U\+([0-9A-F]+)\) )?in font (.+?)!$",
                      re.M)


class LatexError(BuildFailed):
    """TeX stopped, or printed wrong: the message and the .tex file and line it
    names (None when the log names none)."""

    tex_file: str | None
    tex_line: int | None

    def __init__(self, message: str, *, tex_file: str | None = None, tex_line: int | None = None,
                 hint: str = "", log: Path | None = None):
        super().__init__(message, hint=hint, log=log)
        self.tex_file = tex_file
        self.tex_line = tex_line


def keep_log(log: Path | None, dest: Path) -> Path | None:
    """Copy a TeX log out of its scratch folder to dest, whole or not at all;
    return dest, or None when there is no log to keep."""
    if log is None or not log.exists():
        return None
    dest.parent.mkdir(parents=True, exist_ok=True)
    temporary = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(log, temporary)
        os.replace(temporary, dest)
    finally:
        temporary.unlink(missing_ok=True)
    return dest


@dataclass
class Overfull:
    points: float
    tex_line: int


def read(log: Path | None) -> str:
    return log.read_text(encoding="utf-8", errors="replace") if log and log.exists() else ""


def first_error(log: Path | None, tex_name: str, driver: str = "") -> LatexError | LimitReached:
    """The first real error of a TeX log, with the .tex line it names (or the
    PDF driver's fatal error, from its output `driver`, if the log has none)."""
    text = read(log)
    found = [m for m in _FILE_LINE_ERROR.finditer(text) if not _is_aftermath(m.group(3))]
    found += [m for m in _BANG.finditer(text) if not _is_aftermath(m.group(1))]
    if not found:
        reading = re.search(r"^<read \d+>", text, re.M)  # \read of a file \openin could not open
        fatal = re.search(r"^xdvipdfmx:fatal: (.+)$", driver, re.M)
        message = ("TeX tried to \\read a file it could not open" if reading
                   else f"the PDF driver xdvipdfmx stopped: {fatal.group(1)}" if fatal
                   else "TeX stopped without an error message")
        context = _CONTEXT_LINE.search(text, reading.end()) if reading else None
        return LatexError(message, tex_file=tex_name,
                          tex_line=int(context.group(1)) if context else None,
                          hint=_advice(message), log=log)
    match = min(found, key=lambda m: m.start())
    if match.re is _FILE_LINE_ERROR:
        name, line, message = match.group(1), int(match.group(2)), match.group(3)
    else:
        context = _CONTEXT_LINE.search(text, match.end())
        name, line, message = tex_name, int(context.group(1)) if context else None, match.group(1)
    # Packages continue a long message on lines that begin '(package)'.
    for more in text[match.end():].split("\n")[1:]:
        continued = re.match(r"^\([\w@-]+\)\s+(.*)$", more)
        if not continued:
            break
        message += " " + continued.group(1)
    if "limits.pages" in message:
        return LimitReached(message.strip(), hint=_advice(message), log=log)
    return LatexError(message.strip(), tex_file=name, tex_line=line, hint=_advice(message),
                      log=log)


def _is_aftermath(message: str) -> bool:
    """Lines TeX writes after the real error, when it gives up."""
    return message.startswith(("Emergency stop", " ==> Fatal error", "==> Fatal error"))


def missing_glyphs(log: Path) -> LatexError | None:
    """An error for the first character a font had no glyph for, if any."""
    match = _MISSING.search(read(log))
    if not match:
        return None
    char, code, font = match.group(1), match.group(2), match.group(3)
    code = code or f"{ord(char[0]):04X}"
    return LatexError(f"no font has the character {char} (U+{code}); it would be missing "
                      f"from the page (font: {font})",
                      hint="replace the character, or write it in a script the house "
                           "fonts cover", log=log)


def rerun_reason(log: Path, labels_were_read: bool) -> str | None:
    """Why LaTeX needs another pass ('Table widths have changed...'), or None.

    LaTeX says "Label(s) may have changed" after any pass that started
    without an .aux file. Pandoc's LaTeX reads labels only through
    references, which say so when undefined; so unless labels_were_read
    (an .aux was read, or raw LaTeX may read labels silently), that
    warning alone asks for nothing."""
    text = read(log)
    for match in _WARNING.finditer(text):
        warning = match.group(0)
        if "rerun" not in warning.lower():
            continue
        if "Label(s) may have changed" in warning and not labels_were_read \
                and not _UNDEFINED.search(text):
            continue
        return re.sub(r"\s*\n\([\w@-]+\)\s+", " ", warning).strip()
    return None


def overfull_lines(log: Path, more_than: float = 1.0) -> list[Overfull]:
    return [Overfull(float(points), int(line)) for points, line in _OVERFULL.findall(read(log))
            if float(points) > more_than]


@dataclass
class OverfullLine:
    points: float
    words: list[str]
    page: int          # the page being filled when TeX reported it (1 = the first shipped)


_OVERFULL_TEXT = re.compile(r"^Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\)[^\n]*\n((?:.+\n)*)",
                            re.M)
_SHIPOUT = re.compile(r"(?<![\w\\])\[(\d+)(?=[\]\s{<])")
# '\T1/qpl/m/n/12 ', '\TU/TeXGyrePagella(0)/m/it/12 ': the font switches TeX prints
_FONT_SWITCH = re.compile(r"\\[A-Z0-9]+/[^/\s]+/[^/\s]+/[^/\s]+/[\d.]+(?:\s|$)|\[\]|\$\S*\$|\|")


def overfull_details(log: Path, more_than: float = 1.0) -> list[OverfullLine]:
    """Each overfull line: how far it runs out, its words as TeX printed them, its page."""
    text = read(log)
    found = []
    for match in _OVERFULL_TEXT.finditer(text):
        if float(match.group(1)) <= more_than:
            continue
        printed = re.sub(r"(?m)^(.{79})\n", r"\1", match.group(2))  # TeX wraps its log at 79
        words = [re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", "", word).rstrip("-")  # hyphenation points
                 for word in re.findall(r"[^\W_][\w’'-]*", _FONT_SWITCH.sub(" ", printed))]
        page = len(_SHIPOUT.findall(text, 0, match.start())) + 1
        found.append(OverfullLine(float(match.group(1)), words, page))
    return found


_MISSING_WRAPPED = re.compile(r"^Missing character: There is no (.+?) (?:\(U\+([0-9A-F]+)\) )?"
                              r"in font ([^!]+?)!", re.M)  # the font's name may wrap


def missing_characters(log: Path) -> list[tuple[str, str, str]]:
    """(character, code point, font) of each glyph a font lacked, once each."""
    found = {}
    for match in _MISSING_WRAPPED.finditer(read(log)):
        char = match.group(1)
        found.setdefault(char, (char, match.group(2) or f"{ord(char[0]):04X}",
                                match.group(3).replace("\n", "")))
    return list(found.values())


def _advice(message: str) -> str:
    if "Unicode character" in message:
        return ("this character has no glyph in the house fonts; replace it, or ask for it "
                "to be added to the class")
    if "limits.pages" in message:
        return "raise limits.pages in issue.yaml if the article is really that long"
    if "pdfTeX error" in message and "(file " in message:
        return "the image file is damaged, or not of the type its name says; save it again"
    if "not found" in message and "File" in message:
        return "put the file into the issue folder and refer to it by a relative path"
    if "xdvipdfmx" in message and "font" in message:
        return ("a font loaded by the manuscript itself has no outline the PDF can embed; "
                "use the house fonts")
    if "not writable" in message or "openin_any" in message or "openout_any" in message:
        return "TeX may read and write only inside the build folder"
    return "read the lines of the log around this message; correct the manuscript there"
