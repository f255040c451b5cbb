"""After every issue build: read back what was made and compare it with the model.

Page numbers printed in footers, the contents page, the page labels, the
offprints' metadata and the page count must all agree, or the build fails.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from . import metadata
from .article import Built
from .errors import InvalidOutput, Location
from .model import Issue
from .tools import poppler

PRISM = metadata.PRISM


def check_issue(issue: Issue, built: list[Built], issue_pdf: Path) -> None:
    import pikepdf

    problems: list[str] = []
    texts = poppler.page_texts(issue_pdf)
    with pikepdf.open(issue_pdf) as pdf:
        labels = [page.label for page in pdf.pages]
        total = len(pdf.pages)
    front = total - sum(b.pages for b in built)
    expected_total = front + built[-1].last_page - issue.first_page + 1
    if front < 1 or total != expected_total:
        problems.append(f"the issue has {total} pages; expected {expected_total}")
    problems += _contents_problems(texts[front - 1] if front >= 1 else "", built)
    index = front
    for item in built:
        problems += _offprint_problems(item)
        for number in range(item.first_page, item.last_page + 1):
            if index >= total:
                break
            footer = _last_line(texts[index])
            if not footer.endswith(f"({number})") or issue.date_label not in footer:
                problems.append(f"page {index + 1} of the issue shows footer '{footer}'; "
                                f"expected '... ({number})'")
            if labels[index] != str(number):
                problems.append(f"page {index + 1} has page label '{labels[index]}'; expected '{number}'")
            index += 1
    if problems:
        raise InvalidOutput("the issue does not agree with itself:\n    " + "\n    ".join(problems),
                            where=Location(issue.folder / "issue.yaml"),
                            hint="this is a bug in the pipeline or its class; the previous "
                                 "issue.pdf was kept")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _contents_problems(contents: str, built: list[Built]) -> list[str]:
    flat = " ".join(unicodedata.normalize("NFC", contents).split())
    problems = []
    for item in built:
        title = " ".join(unicodedata.normalize("NFC", metadata.record_title(item.article)).split())
        words = re.escape(" ".join(title.split()[:4]))
        match = re.search(words + r".*?(?:\.\s*)+(\d+)\b", flat)
        if not match or int(match.group(1)) != item.first_page:
            shown = match.group(1) if match else "nothing"
            problems.append(f"the contents page gives {shown} for '{title}'; "
                            f"it starts on page {item.first_page}")
    return problems


def _offprint_problems(item: Built) -> list[str]:
    import pikepdf

    with pikepdf.open(item.pdf) as pdf:
        pages = len(pdf.pages)
        meta = pdf.open_metadata()
        first = meta.get(f"{{{PRISM}}}startingPage")
        last = meta.get(f"{{{PRISM}}}endingPage")
    problems = []
    if pages != item.pages:
        problems.append(f"{item.pdf.name} has {pages} pages; expected {item.pages}")
    if (first, last) != (str(item.first_page), str(item.last_page)):
        problems.append(f"{item.pdf.name} says pages {first}-{last}; "
                        f"it is pages {item.first_page}-{item.last_page}")
    return problems
