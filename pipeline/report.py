"""The preflight's findings for people and machines: a short summary for the
terminal, report.json, and one self-contained report.html (inline CSS; page
images linked inside the round folder) grouped by article, each finding with
its source lines, a thumbnail of its page and a link to that page of the PDF.
"""
from __future__ import annotations

import html
import json
import os
from pathlib import Path

from .errors import printable
from .manuscript import Finding
from .preflight import SEVERITIES, Preflight

CONTEXT = 2          # source lines shown above and below a finding's line
SUMMARY_LINES = 12   # findings printed in the terminal before "... and N more"

CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:62rem;padding:1rem 2rem;color:#222}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.2rem;border-bottom:2px solid #ccc;margin-top:2rem}
.counts span{margin-right:1rem} .meta{color:#666}
.finding{display:flex;gap:1rem;border-left:5px solid #999;padding:.5rem .8rem;margin:.8rem 0;background:#fafafa}
.finding.error{border-color:#c0392b} .finding.warning{border-color:#e6a000} .finding.note{border-color:#3a7bd5}
.severity{font-weight:bold;text-transform:uppercase;font-size:.8rem}
.error .severity{color:#c0392b} .warning .severity{color:#a67300} .note .severity{color:#3a7bd5}
.place{font-family:monospace;color:#555} .hint{color:#444;font-style:italic}
pre{background:#fff;border:1px solid #ddd;padding:.3rem .5rem;white-space:pre-wrap;font-size:.85rem;margin:.4rem 0}
pre u{text-decoration:3px underline #c0392b}
pre b{background:#fff3b0;font-weight:normal;display:inline-block;width:100%}
.page img{width:120px;border:1px solid #bbb;display:block} .page{flex:none;font-size:.8rem;text-align:center}
.body{flex:1;min-width:0} del{background:#fdd;text-decoration:line-through} ins{background:#dfd;text-decoration:none}
.unchanged{color:#666} .shots img{width:300px;border:1px solid #bbb;margin:.3rem}
"""


def page(title: str, body: str) -> str:
    """A whole HTML document with the house's inline style."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}'
            f"</title><style>{CSS}</style></head>\n<body>\n<h1>{_e(title)}</h1>\n{body}\n"
            "</body></html>\n")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


# ---------------------------------------------------------------- terminal
def warnings(preflight: Preflight) -> list[str]:
    """Every warning, as the build prints them (errors stop with their own message)."""
    return [printable(str(f)) for f in preflight.findings if f.severity == "warning"]


def summary(preflight: Preflight, written: list[Path] = ()) -> str:
    """The first notes, the counts, and where the report is."""
    notes = [str(f) for f in preflight.findings if f.severity == "note"]
    lines = notes[:SUMMARY_LINES]
    if len(notes) > len(lines):
        lines.append(f"... and {len(notes) - len(lines)} more notes in the report")
    counts = preflight.counts()
    verdict = "all valid" if not counts["error"] else "NOT ready for print"
    head = (f"{preflight.issue.folder}: {len(preflight.articles)} articles, {verdict} ("
            + ", ".join(f"{counts[s]} {s}(s)" for s in SEVERITIES) + ")")
    return printable("\n".join([*lines, head, *(f"  {path}" for path in written)]))


# -------------------------------------------------------------------- JSON
def to_json(preflight: Preflight) -> dict:
    def entry(finding: Finding) -> dict:
        article = preflight.article_of(finding)
        return {"severity": finding.severity, "message": finding.message, "hint": finding.hint,
                "file": str(finding.where.path), "line": finding.where.line,
                "column": finding.where.column, "page": finding.page,
                "article": article.slug if article else None}
    return {"issue": preflight.issue.slug, "round": preflight.round_data.get("round"),
            "counts": preflight.counts(), "findings": [entry(f) for f in preflight.findings]}


def write(preflight: Preflight, folder: Path) -> list[Path]:
    """report.json and report.html into folder (the round's, or build/<issue>/)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, text in (("report.json", json.dumps(to_json(preflight), indent=1, ensure_ascii=False)),
                       ("report.html", to_html(preflight, folder))):
        temporary = folder / f".{name}.{os.getpid()}.tmp"
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, folder / name)
        made.append(folder / name)
    return made


# -------------------------------------------------------------------- HTML
def to_html(preflight: Preflight, folder: Path) -> str:
    """The report; page images and PDFs are linked relative to folder."""
    counts = preflight.counts()
    number = preflight.round_data.get("round")
    parts = [f'<p class="meta">{"Proof round " + str(number) if number else "Sources only (no proof round)"}'
             f" · {len(preflight.articles)} articles</p>",
             '<p class="counts">' + "".join(f'<span class="{s}">{counts[s]} {s}(s)</span>'
                                            for s in SEVERITIES) + "</p>"]
    groups: dict[str, list[Finding]] = {}
    for finding in preflight.findings:
        article = preflight.article_of(finding)
        groups.setdefault(article.slug if article else "", []).append(finding)
    entries = {e["slug"]: e for e in preflight.round_data.get("articles", [])}
    in_issue = issue_pages(preflight)
    for slug in [a.slug for a in preflight.articles] + [""]:
        if slug not in groups:
            continue
        title = "The issue" if not slug else f"{slug}.md"
        parts.append(f'<section class="article" id="{_e(slug or "issue")}"><h2>{_e(title)} '
                     f'<small>({len(groups[slug])})</small></h2>')
        parts += [_finding_html(f, preflight, entries.get(slug), folder, in_issue)
                  for f in groups[slug]]
        parts.append("</section>")
    if not preflight.findings:
        parts.append("<p>Nothing to report.</p>")
    return page(f"Preflight: {preflight.issue.slug}", "\n".join(parts))


def _finding_html(finding: Finding, preflight: Preflight, entry: dict | None, folder: Path,
                  in_issue: dict[str, int]) -> str:
    where = finding.where
    place = f"{where.path.name}" + (f":{where.line}" if where.line else "") \
        + (f":{where.column}" if where.column else "") + (f", page {finding.page}" if finding.page else "")
    body = (f'<span class="severity">{finding.severity}</span> <span class="place">{_e(place)}</span>'
            f'<div class="message">{_e(finding.message)}</div>')
    if finding.hint:
        body += f'<div class="hint">{_e(finding.hint)}</div>'
    body += source_lines(where.path, where.line, where.column)
    if entry and preflight.round and in_issue:
        label = str(entry["first_page"] + (finding.page or 1) - 1)
        if label in in_issue:
            proof = os.path.relpath(preflight.round / preflight.round_data["issue_pdf"], folder)
            body += (f'<div class="meta"><a class="proof" href="{_e(proof)}#page={in_issue[label]}">'
                     f"page {label} of the issue proof</a></div>")
    return (f'<div class="finding {finding.severity}">{_page_html(finding, entry, folder, preflight)}'
            f'<div class="body">{body}</div></div>')


def source_lines(path: Path, line: int | None, column: int | None = None,
                 context: int = CONTEXT) -> str:
    """The lines around `line` of the file, numbered, that line marked and
    the character at `column` underlined."""
    if not line or not path.is_file():
        return ""
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    shown = []
    for number in range(max(1, line - context), min(len(lines), line + context) + 1):
        text = lines[number - 1]
        if number == line and column and column <= len(text):
            text = (f"{_e(text[:column - 1])}<u>{_e(text[column - 1])}</u>{_e(text[column:])}")
            shown.append(f"<b>{number:4} │ {text}</b>")
            continue
        text = f"{number:4} │ {_e(text)}"
        shown.append(f"<b>{text}</b>" if number == line else text)
    return "<pre>" + "\n".join(shown) + "</pre>"


def issue_pages(preflight: Preflight) -> dict[str, int]:
    """Printed page number -> page of the round's issue proof (from its page labels)."""
    name = preflight.round_data.get("issue_pdf")
    if not preflight.round or not name or not (preflight.round / name).exists():
        return {}
    import pikepdf
    with pikepdf.open(preflight.round / name) as pdf:
        return {page.label: index for index, page in enumerate(pdf.pages, start=1)}


def _page_html(finding: Finding, entry: dict | None, folder: Path, preflight: Preflight) -> str:
    """A thumbnail of the finding's page, linked to that page of the PDF."""
    if not entry or not preflight.round:
        return ""
    number = finding.page or 1
    pdf = preflight.round / entry["pdf"]
    thumbnail = preflight.round / "pages" / f"{entry['slug']}-{number}.png"
    link = f"{os.path.relpath(pdf, folder)}#page={number}"
    image = (f'<img src="{_e(os.path.relpath(thumbnail, folder))}" alt="page {number}">'
             if thumbnail.exists() else "")
    return f'<a class="page" href="{_e(link)}">{image}page {number}</a>'
