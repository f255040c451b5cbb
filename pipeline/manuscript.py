"""Checks of a manuscript's Markdown body, made before Pandoc or TeX runs.

Each check reads the body as the author typed it (code blocks, code spans
and math set aside where they do not concern it) and reports findings with
the manuscript's line and column: errors stop the build (exit 3), warnings
are printed and the build goes on. The Lua filters guard the same rules
on Pandoc's own reading of the text, so nothing this scanner reads
differently can slip through to TeX.
"""
from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import figures
from .errors import InputError, Location
from .model import Article
from .paths import TEMPLATES

MAX_BRACKETS = 4        # '[' open at once: Pandoc's parser is exponential in this
MAX_EMPHASIS = 8        # emphasis nested in emphasis
MAX_PARAGRAPH = 50_000  # characters: Pandoc needs over 20 s for a 1 MB paragraph
MAX_LIST_DEPTH = 4      # LaTeX's itemize and enumerate nest 4 deep
MAX_QUOTE_DEPTH = 2     # with 4 list levels, inside LaTeX's limit of 6 list-like environments
MAX_HEADING_DEPTH = 3   # section, sub-heading, run-in heading
LINK_SCHEMES = ("http://", "https://", "mailto:", "doi:")


@dataclass(frozen=True)
class Finding:
    """One problem in a manuscript: an error stops the build, a warning is
    printed, a note is for the editor's eye (the preflight's)."""

    severity: str        # "error", "warning" or "note"
    message: str
    where: Location
    hint: str = ""
    page: int | None = None   # the page of the article's PDF, where only the PDF knows

    def __str__(self) -> str:
        place = f"{self.where}" + (f" (page {self.page})" if self.page else "")
        text = f"{place}: {self.severity}: {self.message}"
        return text + (f"\n  what to do: {self.hint}" if self.hint else "")


def check(article: Article) -> list[Finding]:
    """Every finding in the article's body, in the order of the text."""
    body = Body(article)
    findings = (_notes(body) + _headings(body) + _nesting(body)
                + _links(body) + _figures(body, article.issue.folder))
    if not article.bibliography:  # with one, citeproc prints them and citations.py checks keys
        findings += _citations(body)
    if not article.issue.allow_raw_latex:
        findings += _math(body)
    return sorted(findings, key=lambda f: (f.where.line or 0, f.where.column or 0))


def stop_at_errors(findings: list[Finding]) -> list[str]:
    """Raise the first error as an InputError; return the warnings as text."""
    for finding in findings:
        if finding.severity == "error":
            raise InputError(finding.message, where=finding.where, hint=finding.hint)
    return [str(finding) for finding in findings]


# ------------------------------------------------------------- the body
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
_FENCE = re.compile(r"[ \t]*+(?:>[ \t]?)*+[ \t]*+(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"([ \t]*+)(?:[-+*]|\d{1,9}[.)]|#[.)]|[a-zA-Z][.)]|\(?[ivxlcIVXLC]+\))[ \t]+\S")
_QUOTES = re.compile(r"[ ]{0,3}((?:>[ \t]?)+)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


class Body:
    """The body as typed (`text`), and with code (`code_free`) and then math,
    escapes and code (`plain`) blanked out, offsets unchanged."""

    def __init__(self, article: Article):
        self.path, self.first_line = article.path, article.body_line
        self.text = article.body
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self.code_free = _blank_code_spans(_blank_code_blocks(self.text))
        self.math = list(_math_spans(self.code_free))
        plain = list(_ESCAPED.sub(lambda m: "  ", self.code_free))
        for start, end, _ in self.math:
            plain[start:end] = _blank(self.code_free[start:end])
        self.plain = "".join(plain)

    def where(self, offset: int) -> Location:
        index = _bisect(self.line_starts, offset)
        return Location(self.path, self.first_line + index, offset - self.line_starts[index] + 1)

    def error(self, offset: int, message: str, hint: str) -> Finding:
        return Finding("error", message, self.where(offset), hint)

    def paragraphs(self):
        """(offset, text) of each run of lines between blank lines, in `plain`."""
        start = 0
        for gap in [*_BLANK_LINE.finditer(self.plain), None]:
            end = gap.start() if gap else len(self.plain)
            text = self.plain[start:end]
            lead = len(text) - len(text.lstrip())
            yield start + lead, text[lead:]
            start = gap.end() if gap else end


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if starts[middle] <= offset else (low, middle)
    return low


def _blank(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return re.sub(r"[^\n]", " ", text)


def _blank_code_blocks(text: str) -> str:
    """Fenced and indented code blocks replaced by spaces."""
    out, fence, after_blank, in_list = [], None, True, False
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) \
                    and not line[opened.end():].strip():
                fence = None
            out.append(_blank(line))
            continue
        if opened and not (opened.group(1)[0] == "`" and "`" in line[opened.end():]):
            fence = opened.group(1)
            out.append(_blank(line))
            continue
        blank = not line.strip()
        if _LIST_ITEM.match(line) or _NOTE_DEFINITION.match(line):  # indented text continues them
            in_list = True
        elif not blank and not line[:1].isspace() and after_blank:
            in_list = False
        indented = line.startswith(("    ", "\t")) and not blank
        out.append(_blank(line) if indented and after_blank and not in_list else line)
        after_blank = blank or (indented and after_blank and not in_list)
    return "\n".join(out)


def _blank_code_spans(text: str) -> str:
    """`code` spans replaced by spaces (a run of n backticks closes with n)."""
    chars, position = list(text), 0
    ticks = re.compile(r"`+")
    while (opening := ticks.search(text, position)):
        if _escaped(text, opening.start()):
            position = opening.end()
            continue
        closing = re.compile(rf"(?<!`){opening.group()}(?!`)").search(text, opening.end())
        paragraph_end = _BLANK_LINE.search(text, opening.end())
        if not closing or (paragraph_end and paragraph_end.start() < closing.start()):
            position = opening.end()
            continue
        chars[opening.start():closing.end()] = _blank(text[opening.start():closing.end()])
        position = closing.end()
    return "".join(chars)


def _escaped(text: str, offset: int) -> bool:
    """Whether an odd number of backslashes stands right before offset."""
    before = offset
    while before > 0 and text[before - 1] == "\\":
        before -= 1
    return (offset - before) % 2 == 1


def _math_spans(text: str):
    """(start, end, display) of each $...$ and $$...$$, by Pandoc's rules: an
    opening $ is followed by a non-space, a closing one follows a non-space
    and is not followed by a digit; math never spans a blank line."""
    position = 0
    while (dollar := text.find("$", position)) >= 0:
        position = dollar + 1
        if _escaped(text, dollar):
            continue
        limit = _BLANK_LINE.search(text, dollar)
        limit = limit.start() if limit else len(text)
        if text.startswith("$$", dollar):
            close = dollar + 2
            while (close := text.find("$$", close, limit)) >= 0 and _escaped(text, close):
                close += 1
            if close >= 0:
                yield dollar, close + 2, True
                position = close + 2
            else:
                position = dollar + 2
            continue
        if dollar + 1 >= len(text) or text[dollar + 1].isspace():
            continue
        close = dollar + 1
        while (close := text.find("$", close + 1, limit)) >= 0:
            if not _escaped(text, close) and not text[close - 1].isspace() \
                    and not text[close + 1:close + 2].isdigit():
                yield dollar, close + 1, False
                position = close + 1
                break


# ----------------------------------------------------------------- notes
_NOTE_DEFINITION = re.compile(r"(?m)^[ ]{0,3}\[\^([^\]\s]+)\]:")
_NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")


def _notes(body: Body) -> list[Finding]:
    """Every note cited is defined once; every note defined is cited."""
    findings, defined = [], {}
    starts = set()
    for match in _NOTE_DEFINITION.finditer(body.plain):
        label, offset = match.group(1), match.start(1) - 2
        starts.add(offset)
        if label in defined:
            findings.append(body.error(offset, f"note [^{label}] is defined twice (first on line "
                                               f"{body.where(defined[label]).line})",
                                       f"give one of them another label, e.g. [^{label}b], "
                                       "and cite it where it belongs; or delete one"))
        else:
            defined[label] = offset
    cited = set()
    for match in _NOTE_REFERENCE.finditer(body.plain):
        label = match.group(1)
        if match.start() in starts:
            continue
        cited.add(label)
        if label not in defined:
            findings.append(body.error(match.start(), f"note [^{label}] is cited but never defined",
                                       f"add its text on a line of its own: [^{label}]: ...; "
                                       "or remove the reference"))
    for label, offset in defined.items():
        if label not in cited:
            findings.append(Finding("warning", f"note [^{label}] is defined but never cited, so it "
                                    "does not print", body.where(offset),
                                    f"cite it with [^{label}] where it belongs, or delete it"))
    return findings


# ------------------------------------------------------------- citations
_BRACKETED = re.compile(r"(?<!!)\[([^\[\]]*+)\](?![(\[:])")
_CITATION_KEY = re.compile(r"(?:^|[\s;])-?@[\w{]")


def _citations(body: Body) -> list[Finding]:
    return [body.error(match.start(), f"[{match.group(1)}] is a citation, and the journal "
                       "has no bibliography", "write the reference out in a note "
                       "(text.[^1] ... [^1]: Author, Title, ...), or escape the @ as \\@ "
                       "to print it")
            for match in _BRACKETED.finditer(body.plain)
            if not match.group(1).startswith("^") and _CITATION_KEY.search(match.group(1))]


# -------------------------------------------------------------- headings
_ATX = re.compile(r"(?m)^(?:>[ \t]?)*[ ]{0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"(?m)^(?:>[ \t]?)*[ ]{0,3}(=+|-+)[ \t]*$")


def _headings(body: Body) -> list[Finding]:
    """The body's top heading level is the section: two more levels may follow."""
    found = [(len(m.group(1)), m.start(1), (m.group(2) or "").strip())
             for m in _ATX.finditer(body.plain)]
    for match in _SETEXT.finditer(body.plain):
        above = body.plain.rfind("\n", 0, max(0, match.start() - 1))
        title = body.plain[above + 1:max(0, match.start() - 1)].strip()
        if match.start() > 0 and title and not title.startswith(("|", "#", "-", "*", "+")) \
                and not _SETEXT.fullmatch(title):
            found.append((1 if match.group(1)[0] == "=" else 2, above + 1, title))
    if not found:
        return []
    top = min(level for level, _, _ in found)
    names = "#" * top, "#" * (top + 1), "#" * (top + 2)
    return [body.error(offset, f'"{title}" is a heading of level {level - top + 1} '
                       f"({'#' * level}); the house style has three: sections ({names[0]}), "
                       f"sub-headings ({names[1]}) and run-in headings ({names[2]})",
                       f"make it a {names[2]} heading, or write it as *italic* text "
                       "at the start of its paragraph")
            for level, offset, title in found if level - top + 1 > MAX_HEADING_DEPTH]


# --------------------------------------------------------------- nesting
def _nesting(body: Body) -> list[Finding]:
    """Quotes, lists, brackets and emphasis no deeper than LaTeX and Pandoc bear."""
    findings = _block_nesting(body)
    for start, text in body.paragraphs():
        size = len(text) - text.count(" ") - text.count("\n")
        if size > MAX_PARAGRAPH:
            findings.append(body.error(start, f"this paragraph (up to the next blank line) holds "
                                       f"{size:,} characters; at most {MAX_PARAGRAPH:,} are allowed",
                                       "break it into paragraphs with blank lines"))
            continue
        findings += _bracket_depth(body, start, text) + _emphasis_depth(body, start, text)
    return findings


def _block_nesting(body: Body) -> list[Finding]:
    findings, indents, offset = [], [], 0
    for line in body.plain.split("\n"):
        quotes = _QUOTES.match(line)
        depth = quotes.group(1).count(">") if quotes else 0
        if depth > MAX_QUOTE_DEPTH:
            findings.append(body.error(offset, f"block quotes nest {depth} deep here; at most "
                                       f"{MAX_QUOTE_DEPTH} are allowed",
                                       "remove the extra '>' marks"))
            return findings
        rest = line[quotes.end():] if quotes else line
        item = _LIST_ITEM.match(rest)
        if item:
            indent = len(item.group(1).expandtabs(4))
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            if len(indents) > MAX_LIST_DEPTH:
                findings.append(body.error(offset + len(line) - len(rest) + indent,
                                           f"lists nest {len(indents)} deep here; at most "
                                           f"{MAX_LIST_DEPTH} levels print",
                                           "indent this item less, or make the deeper items "
                                           "a sentence of their parent item"))
                return findings
        elif rest.strip() and not rest[:1].isspace():
            indents = []
        offset += len(line) + 1
    return findings


def _bracket_depth(body: Body, start: int, text: str) -> list[Finding]:
    depth = 0
    for match in re.finditer(r"[\[\]]", text):
        depth = depth + 1 if match.group() == "[" else max(0, depth - 1)
        if depth > MAX_BRACKETS:
            return [body.error(start + match.start(), f"brackets '[' nest more than {MAX_BRACKETS} "
                               "deep here (an unclosed '[' stays open to the paragraph's end)",
                               "close each '[' with ']', or write \\[ for a bracket "
                               "that is only a character")]
    return []


def _emphasis_depth(body: Body, start: int, text: str) -> list[Finding]:
    """Delimiter runs that can only open (a space before, a letter after)
    against those that can only close; more than MAX_EMPHASIS open at once."""
    depth = 0
    for match in re.finditer(r"(?<![*_])([*_]+)(?![*_])", text):
        if len(match.group()) > 3 and text.strip(" \t\n*_"):  # not a rule line ('****')
            return [body.error(start + match.start(), f"a run of {len(match.group())} "
                               f"'{match.group()[0]}' is not emphasis and would print as it is",
                               f"write \\{match.group()[0]} for each one that should print")]
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        opens, closes = not after.isspace() and before.isspace(), after.isspace() and not before.isspace()
        depth += 1 if opens else -1 if closes and depth else 0
        if depth > MAX_EMPHASIS:
            return [body.error(start + match.start(), f"emphasis (* or _) nests more than "
                               f"{MAX_EMPHASIS} deep here", "close the emphasis you opened, "
                               "or write \\* and \\_ for characters that should print")]
    return []


# ----------------------------------------------------------------- links
_LINK_TARGET = re.compile(r"\]\([ \t]*<?([^\s)>]*)")
_IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]")
_REFERENCE_DEFINITION = re.compile(r"(?m)^[ ]{0,3}\[([^\]^][^\]]*)\]:[ \t]*<?([^\s>]+)")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.\-]{1,31}:[^\s<>]*)>")


def _decoded(target: str) -> str:
    """A link or image target as Pandoc and TeX will read it."""
    return urllib.parse.unquote(html.unescape(target))


def _image_targets(body: Body) -> dict[int, str]:
    """Offset -> target of each image's target (inline or by reference)."""
    definitions = {m.group(1).strip().lower(): m for m in _REFERENCE_DEFINITION.finditer(body.plain)}
    targets = {}
    for image in _IMAGE.finditer(body.plain):
        inline = re.match(r"\([ \t]*<?([^\s)>]*)", body.plain[image.end():])
        if inline:
            targets[image.end() + inline.start(1)] = inline.group(1)
            continue
        label = re.match(r"\[([^\]]*)\]", body.plain[image.end():])
        key = (label.group(1) if label and label.group(1) else image.group()[2:-1]).strip().lower()
        if key in definitions:
            targets[definitions[key].start(2)] = definitions[key].group(2)
    return targets


def _links(body: Body) -> list[Finding]:
    """Link targets: web, e-mail and DOI addresses, and anchors in the article."""
    images = _image_targets(body)
    candidates = [(m.start(1), m.group(1)) for m in _LINK_TARGET.finditer(body.plain)]
    candidates += [(m.start(2), m.group(2)) for m in _REFERENCE_DEFINITION.finditer(body.plain)]
    candidates += [(m.start(1), m.group(1)) for m in _AUTOLINK.finditer(body.plain)
                   if "@" not in m.group(1).split(":")[0]]
    findings = []
    for offset, target in candidates:
        if offset in images or not target:
            continue
        decoded = _decoded(target).strip()
        if decoded.startswith("#") or decoded.lower().startswith(LINK_SCHEMES):
            continue
        findings.append(body.error(offset, f'link target "{target}" is not a web, e-mail or '
                                   "DOI address", "links may point only to http://, https://, "
                                   "mailto: or doi: addresses, or to #anchors in the article: "
                                   "write the address in full, e.g. https://www.example.org/"))
    return findings


# --------------------------------------------------------------- figures
def _figures(body: Body, folder: Path) -> list[Finding]:
    """Each image: a file of the issue folder, named plainly, readable, of
    a size TeX can embed, and sharp enough at the size it prints."""
    findings = []
    for offset, target in sorted(_image_targets(body).items()):
        problem = figures.problem(folder, _decoded(target), body.text[offset:offset + 1000])
        if problem:
            findings.append(body.error(offset, f'image "{target}" {problem[0]}', problem[1]))
    return findings


# ------------------------------------------------------------------ math
_MATH_TOKEN = re.compile(r"\\([a-zA-Z]+|[^a-zA-Z])|\^\^|~/|[%#]")
_ENVIRONMENT = re.compile(r"\\begin\s*\{([^}]*)\}")


@cache
def math_allowlist() -> tuple[frozenset, frozenset]:
    """(commands, environments) from templates/filters/math-commands.txt."""
    names = [word for line in (TEMPLATES / "filters" / "math-commands.txt").read_text().splitlines()
             if not line.startswith("#") for word in line.split()]
    return (frozenset(n for n in names if n.startswith("\\")),
            frozenset(n[1:-1] for n in names if n.startswith("{")))


def _math(body: Body) -> list[Finding]:
    """Math is math: commands and environments of the allowlist only."""
    commands, environments = math_allowlist()
    findings = []
    for start, end, _ in body.math:
        span = body.code_free[start:end]
        for token in _MATH_TOKEN.finditer(span):
            problem = _math_problem(token.group(), commands)
            if problem:
                findings.append(body.error(start + token.start(), problem[0], problem[1]))
                break
        for environment in _ENVIRONMENT.finditer(span):
            if environment.group(1) not in environments:
                findings.append(body.error(start + environment.start(), f"math environment "
                                           f"{{{environment.group(1)}}} is not allowed",
                                           f"use one of: {', '.join(sorted(environments))}"))
    return findings


def _math_problem(token: str, commands: frozenset) -> tuple[str, str] | None:
    if token in ("%", "#"):
        return (f"a bare {token} in math", f"write \\{token} to print it")
    if token in ("^^", "~/"):
        return (f"'{token}' in math is a TeX escape, not math", "remove it")
    if token in commands or token[1:].isspace() or token == "\\":
        return None
    return (f"{token} is not a math command this journal prints",
            "use the math commands of KaTeX's list (\\frac, \\alpha, \\sum...); TeX programming "
            "(\\def, \\input, \\csname...) is refused")


# ======================================================= the preflight's review
def review(article: Article) -> list[Finding]:
    """What needs an editor's decision before print, beyond check(): placeholders,
    captions, house style and the shape of URLs. A placeholder is an error (no
    final PDF prints it); the rest are warnings and notes."""
    body = Body(article)
    prose = _prose(body)
    findings = (_placeholders(body) + _figure_captions(body) + _tables(body) + _quotes(body, prose)
                + _ranges(body, prose) + _spaces(body, prose) + _abbreviations(body, prose)
                + _url_shapes(body))
    return sorted(findings, key=lambda f: (f.where.line or 0, f.where.column or 0))


_URL_TEXT = re.compile(r"\b(?:https?|ftp)://[^\s<>\]()]+|\bwww\.[^\s<>\]()]+")
_ATTRIBUTES = re.compile(r"\{[^{}\n]*\}")


def _prose(body: Body) -> str:
    """`plain` with link targets, URLs, note labels and {attributes} blanked: the words that print."""
    text = body.plain
    for pattern in (_LINK_TARGET, _AUTOLINK, _REFERENCE_DEFINITION, _URL_TEXT, _ATTRIBUTES,
                    _NOTE_REFERENCE):
        text = pattern.sub(lambda m: _blank(m.group()), text)
    return text


# ---------------------------------------------------------- placeholders
_PLACEHOLDER = re.compile(r"\b(?:TODO|TBD|FIXME|XXX)\b|\[[a-z ]{2,20} missing\]")
_PLACEHOLDER_WORDS = ("TODO", "TBD", "FIXME", "XXX", " missing]")


def placeholders(article: Article) -> list[Finding]:
    """The placeholders of the body (a fast path for the many bodies without one)."""
    body = article.body
    return _placeholders(Body(article)) if any(word in body for word in _PLACEHOLDER_WORDS) else []


def _placeholders(body: Body) -> list[Finding]:
    return [body.error(m.start(), f"placeholder '{m.group()}' is still in the text",
                       "write what belongs here, or delete the placeholder")
            for m in _PLACEHOLDER.finditer(body.code_free)]


# ------------------------------------------------------ figures and tables
def _figure_captions(body: Body) -> list[Finding]:
    """An image alone in its paragraph is a figure, captioned by its alt text."""
    findings = []
    for match in _IMAGE.finditer(body.plain):
        if not match.group()[2:-1].strip():
            alone = _paragraph_at(body, match.start()).startswith("![")
            what = ("figure has no caption (and no alt text for readers who cannot see it)"
                    if alone else "image has no alt text")
            findings.append(Finding("warning", what, body.where(match.start()),
                                    "write the caption between the brackets: ![Map of the "
                                    "Kabul basin](figures/map.png)"))
    return findings


def _paragraph_at(body: Body, offset: int) -> str:
    start = body.plain.rfind("\n\n", 0, offset)
    return body.plain[start + 2 if start >= 0 else 0:].lstrip()


_TABLE_RULE = re.compile(r"(?m)^[ ]{0,3}(?:\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)+\|?"
                         r"|\+(?:[-=:]+\+)+)[ \t]*$")
_CAPTION = re.compile(r"(?:Table)?:[ \t]")
_CAPTION_TYPED = re.compile(r"(?i)[*_]{0,2}(?:table|tab\.)\s*\d+[.:]")


def _tables(body: Body) -> list[Finding]:
    """Each table has a caption (a 'Table: ...' line above or below it); a
    'Table 1:' paragraph beside it was meant as one but prints as a paragraph."""
    findings, seen = [], set()
    for rule in _TABLE_RULE.finditer(body.plain):
        start, end = _block_around(body.plain, rule.start())
        if start in seen:
            continue
        seen.add(start)
        before, after = _neighbour(body.plain, start, -1), _neighbour(body.plain, end, 1)
        neighbours = [n for n in (before, after) if n]
        if any(_CAPTION.match(text) for _, text in neighbours):
            continue
        typed = [(offset, text) for offset, text in neighbours if _CAPTION_TYPED.match(text)]
        if typed:
            findings.append(Finding("warning", "this paragraph looks like the caption of the table "
                                    "beside it, but prints as an ordinary paragraph",
                                    body.where(typed[0][0]), "begin the line with 'Table: ' "
                                    "(Table: Water flows, 2010–2020) to make it the table's caption"))
        else:
            findings.append(Finding("warning", "table has no caption", body.where(start),
                                    "add a line 'Table: what the table shows' right above or "
                                    "below it, separated by a blank line"))
    return findings


def _block_around(text: str, offset: int) -> tuple[int, int]:
    """Start and end of the run of non-blank lines holding offset."""
    gap = text.rfind("\n\n", 0, offset)
    start = gap + 2 if gap >= 0 else 0
    gap = text.find("\n\n", offset)
    return start, gap if gap >= 0 else len(text)


def _neighbour(text: str, offset: int, direction: int) -> tuple[int, str] | None:
    """(offset, text) of the block just before (-1) or after (1) offset's block."""
    if direction < 0:
        head = text[:offset].rstrip()
        if not head:
            return None
        start, _ = _block_around(text, len(head) - 1)
        return start, text[start:len(head)]
    tail = text[offset:]
    lead = len(tail) - len(tail.lstrip())
    if lead == len(tail):
        return None
    start, end = _block_around(text, offset + lead)
    return start, text[start:end]


# ------------------------------------------------------------ house style
_STRAIGHT_DOUBLE = re.compile(r'"')
_ELIDED_YEAR = re.compile(r"(?<![\w'])'(?=\d)")
_RANGE = re.compile(r"(?<![\w./\-–])(\d{1,4})-(\d{1,4})(?![\w/\-])")
_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
_ABBREVIATION = re.compile(r"\b(?:(pp?|[Nn]o|[Vv]ol)\.|(pp)[ ])(\d+)")
_HOUSE_FORMULA = re.compile(r"Vol\.\d+, No\.\d")   # the house's own 'Vol.40, No.6'


def _quotes(body: Body, prose: str) -> list[Finding]:
    """Straight quotes Pandoc cannot pair print straight: the house's are curly."""
    findings = []
    for start, text in _paragraphs_of(prose):
        doubles = [m.start() for m in _STRAIGHT_DOUBLE.finditer(text)]
        if len(doubles) % 2:
            findings.append(Finding("warning", 'a straight quote (") with no partner in its '
                                    "paragraph prints straight", body.where(start + doubles[-1]),
                                    'type the curly quote meant: “ or ”'))
        for match in _ELIDED_YEAR.finditer(text):
            findings.append(Finding("warning", "a straight ' before a number becomes an opening "
                                    "quote (‘90s)", body.where(start + match.start()),
                                    "type the apostrophe ’ (’90s)"))
    return findings


def _paragraphs_of(text: str):
    position = 0
    for gap in [*_BLANK_LINE.finditer(text), None]:
        end = gap.start() if gap else len(text)
        yield position, text[position:end]
        position = gap.end() if gap else end


def _ranges(body: Body, prose: str) -> list[Finding]:
    return [Finding("warning", f"'{m.group()}' is a range with a hyphen",
                    body.where(m.start() + len(m.group(1))),
                    f"a range takes an en dash: type {m.group(1)}--{m.group(2)} "
                    f"or {m.group(1)}–{m.group(2)}")
            for m in _RANGE.finditer(prose)]


def _spaces(body: Body, prose: str) -> list[Finding]:
    """Two spaces typed between words (read in the text as typed: blanked code
    and labels leave spaces of their own; table rows are aligned on purpose)."""
    return [Finding("note", "two spaces between words (they print as one)",
                    body.where(m.start()), "type one space")
            for m in _DOUBLE_SPACE.finditer(body.text)
            if prose[m.start() - 1:m.end() + 1] == body.text[m.start() - 1:m.end() + 1]
            and not _line_of(body.text, m.start()).lstrip().startswith(("|", "+"))]


def _line_of(text: str, offset: int) -> str:
    return text[text.rfind("\n", 0, offset) + 1:]


def _abbreviations(body: Body, prose: str) -> list[Finding]:
    formulas = {m.start() + 7 for m in _HOUSE_FORMULA.finditer(prose)}
    findings = []
    for match in _ABBREVIATION.finditer(prose):
        if match.start() in formulas or prose[match.start() - 5:match.start()].startswith("Vol."):
            continue
        word = match.group(1) or match.group(2)
        findings.append(Finding("warning", f"'{match.group()}': the house writes "
                                f"'{word}. {match.group(3)}' (a full stop, then a space)",
                                body.where(match.start()), f"type '{word}. ' before the number"))
    return findings


# ------------------------------------------------------------------ URLs
_HOST = re.compile(r"(?i)(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?|localhost")
_BROKEN_SCHEME = re.compile(r"(?i)\bhttps?(?::/?(?!/)|//)|\bhtps?://|\bwww\.\.")


def _url_shapes(body: Body) -> list[Finding]:
    """Web addresses that cannot be visited: a broken scheme or host."""
    findings = []
    targets = [(m.start(1), m.group(1)) for m in _LINK_TARGET.finditer(body.plain)]
    targets += [(m.start(), m.group()) for m in _URL_TEXT.finditer(body.plain)]
    for offset, url in dict(targets).items():
        parts = urllib.parse.urlsplit(url if "://" in url else "http://" + url)
        if parts.scheme.lower() in ("http", "https") and not _HOST.fullmatch(parts.netloc):
            findings.append(Finding("warning", f"'{url}' is not a web address that can be "
                                    "visited (its host is malformed)", body.where(offset),
                                    "copy the address again from the browser's address bar"))
    for match in _BROKEN_SCHEME.finditer(body.plain):
        findings.append(Finding("warning", f"'{match.group()}' is a malformed web address",
                                body.where(match.start()), "write it as https://..."))
    return findings


def links(article: Article) -> list[tuple[str, str, Location]]:
    """(text, target, place) of each inline link [text](target) of the body."""
    body = Body(article)
    found = []
    for match in re.finditer(r"(?<!!)\[([^\[\]]+)\]\([ \t]*<?([^\s)>]+)", body.plain):
        if not match.group(1).startswith("^"):
            found.append((match.group(1), match.group(2), body.where(match.start())))
    return found
