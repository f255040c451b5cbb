"""The preflight: everything in an issue that needs a human decision before
print, as one list of findings (error, warning or note), each with its place.

From the sources alone (no TeX): manuscript.check and manuscript.review of
each article, citation keys, and what only the whole issue shows (a name
spelled two ways, a URL given two texts, files not listed, stale outputs).
From a proof round (build/<issue>/proofs/round-N/), also what only the
logs and PDFs know: overfull lines, missing glyphs, widows and orphans,
headings at the foot of a page, page counts and budgets, placeholders.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import citations, manuscript
from .article import _line_with
from .errors import InputError, Location
from .manuscript import Finding
from .model import Article, Issue
from .paths import BuildDirs
from .runner import Budget
from .tex import log as texlog
from .tools import poppler

SEVERITIES = ("error", "warning", "note")


@dataclass
class Preflight:
    issue: Issue
    articles: list[Article]
    findings: list[Finding]
    round: Path | None = None                 # the proof round read, if any
    round_data: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    def article_of(self, finding: Finding) -> Article | None:
        return next((a for a in self.articles if a.path == finding.where.path), None)


def run(folder: Path, dirs: BuildDirs, round_folder: Path | None = None) -> Preflight:
    """The preflight of an issue folder; with a round, its logs and PDFs too."""
    from .issue import load
    issue, articles = load(folder, proof=round_folder is not None)
    findings = sources(issue, articles, dirs)
    data = {}
    if round_folder:
        data = json.loads((round_folder / "round.json").read_text(encoding="utf-8"))
        findings += typesetting(issue, articles, round_folder, data)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (str(f.where.path), f.page or 0, f.where.line or 0,
                                 f.where.column or 0, order[f.severity]))
    return Preflight(issue, articles, findings, round_folder, data)


def round_folder(dirs: BuildDirs, folder: Path, which: str | int) -> Path:
    """build/<issue>/proofs/round-N/ for N, or 'last'; an input error if there is none."""
    rounds = round_folders(dirs, Path(folder).resolve().name)
    if str(which) == "last" and rounds:
        return rounds[-1]
    chosen = [r for r in rounds if r.name == f"round-{which}"]
    if not chosen:
        have = ", ".join(r.name.removeprefix("round-") for r in rounds) or "none yet"
        raise InputError(f"there is no proof round {which} of this issue (rounds: {have})",
                         where=Location(Path(folder)), hint="make one with 'build.py proof FOLDER'")
    return chosen[0]


def round_folders(dirs: BuildDirs, issue_slug: str) -> list[Path]:
    """The issue's proof rounds that are complete (round.json written), in order."""
    found = [p for p in (dirs.issue(issue_slug) / "proofs").glob("round-*")
             if p.name[6:].isdigit() and (p / "round.json").is_file()]
    return sorted(found, key=lambda p: int(p.name[6:]))


def gate(articles: list[Article]) -> list[Finding]:
    """The errors a proof prints but a final build refuses: placeholders. (The
    other source errors stop every build of the article that holds them, in
    build_article; the round's errors, a missing field or glyph, stop the final
    build in the model and in TeX's log.) Fast: the 50-article no-op build runs it."""
    return [f for article in articles for f in manuscript.placeholders(article)]


def refuse_errors(findings: list[Finding]) -> None:
    """Stop a final build while any finding is an error, naming every one (exit 3)."""
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return
    first, rest = errors[0], errors[1:]
    more = "".join(f"\n  {f.where}: {f.message}" for f in rest)
    raise InputError(first.message + (f"\n  and {len(rest)} more error(s):{more}" if rest else ""),
                     where=first.where, hint=first.hint)


# ------------------------------------------------------------ the sources
def sources(issue: Issue, articles: list[Article], dirs: BuildDirs) -> list[Finding]:
    findings = []
    for article in articles:
        findings += manuscript.check(article) + manuscript.review(article)
        findings += [_warning_line(line, article) for line in article.warnings]
    findings += (_citation_keys(issue, articles) + spellings(articles) + _link_texts(articles)
                 + _unlisted(issue) + _stale(issue, dirs))
    return findings


def _warning_line(line: str, article: Article) -> Finding:
    """A front-matter warning (text 'file:line:col: warning: ...') as a finding."""
    place, _, message = line.partition(": warning: ")
    numbers = [int(n) for n in re.findall(r":(\d+)", place[len(str(article.path)):])][:2]
    return Finding("warning", message or line, Location(article.path, *numbers))


def _citation_keys(issue: Issue, articles: list[Article]) -> list[Finding]:
    """[@key] the bibliography lacks (errors), entries nothing cites (notes)."""
    findings, keys = [], {}
    budget = Budget.of(issue.limits)
    for article in articles:
        if not article.bibliography:
            continue
        name = article.bibliography
        if name not in keys:
            keys[name] = set(citations.entry_keys(issue.folder / name, budget))
        for line, column, key in citations.cited(article):
            if key not in keys[name]:
                findings.append(Finding("error", f"citation '@{key}' is not in the bibliography "
                                        f"{name}", Location(article.path, line, column),
                                        "correct the key, or add the entry to the bibliography"))
    for where, key, name in citations.unused(articles, budget):
        findings.append(Finding("note", f"'{key}' in {name} is never cited", Location(where)))
    return findings


# ------------------------------------------------------- the whole issue
_NAME = re.compile(r"(?<![\w’'-])(?=[^\W\d_a-z])[^\W_]+(?:[’'-][^\W\d_]+)*")  # not a-z first
_SENTENCE_START = set(".!?:;\"“”‘([\n")   # a capital after these may be any word


def fold(word: str) -> str:
    """A word without diacritics, transliteration marks or case: Ṣiddīqī -> siddiqi."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).lower()


def spellings(articles: list[Article]) -> list[Finding]:
    """One name spelled two ways in the issue: the same letters but for diacritics
    (a warning), or one letter apart (a note: perhaps two names)."""
    seen: dict[str, list[tuple[Location, str]]] = defaultdict(list)   # spelling -> places
    for article in articles:
        body = manuscript.Body(article)
        prose = manuscript._prose(body)
        for match in _NAME.finditer(prose):
            word = match.group()
            if not word[0].isupper() or word.isupper():
                continue
            word = word[:-2] if word.endswith(("'s", "’s")) else word
            before = prose[max(0, match.start() - 3):match.start()].rstrip(" \t")
            if len(word) >= 4 and before and before[-1] not in _SENTENCE_START:
                seen[word].append(body.where(match.start()))
    by_fold: dict[str, list[str]] = defaultdict(list)
    for word in seen:
        by_fold[fold(word)].append(word)
    findings = []
    for group in by_fold.values():
        if len({word.lower() for word in group}) > 1:   # not only a capital ('Cross-Border')
            findings += _variants(group, seen, "warning", "the same name spelled two ways")
    folded = sorted(by_fold)
    for index, one in enumerate(folded):
        for other in folded[index + 1:index + 40]:
            if len(one) >= 6 and _one_letter_apart(one, other):
                uses = lambda key: sum(len(seen[w]) for w in by_fold[key])
                main, rare = sorted((one, other), key=uses, reverse=True)
                findings += _variants(by_fold[main][:1] + by_fold[rare], seen, "note",
                                      "perhaps the same name spelled two ways", keep_first=True)
    return findings


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter added, dropped or changed; not a plural or a suffix ('Pakistan', 'Pakistani')."""
    if a[:2] != b[:2] or abs(len(a) - len(b)) > 1 or a.startswith(b) or b.startswith(a):
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def _variants(group: list[str], seen: dict, severity: str, what: str,
              keep_first: bool = False) -> list[Finding]:
    """A finding at the first use of each spelling but the most used one
    (but the first one given, with keep_first)."""
    if not keep_first:
        group = sorted(group, key=lambda w: -len(seen[w]))
    findings = []
    for word in group[1:]:
        others = ", ".join(f"'{o}' ({len(seen[o])}×, first at {seen[o][0]})" for o in group
                           if o != word)
        findings.append(Finding(severity, f"{what}: '{word}' here, {others}", seen[word][0],
                                "choose one spelling for the issue (the house transliteration) "
                                "and use it everywhere"))
    return findings


def _link_texts(articles: list[Article]) -> list[Finding]:
    """One URL given different link texts across the issue."""
    texts: dict[str, dict[str, Location]] = defaultdict(dict)
    for article in articles:
        for text, target, where in manuscript.links(article):
            texts[target.rstrip("/").lower()].setdefault(" ".join(text.split()), where)
    findings = []
    for target, given in texts.items():
        if len(given) > 1:
            (first, _), *rest = given.items()
            findings += [Finding("note", f"the link to {target} reads '{text}' here and "
                                 f"'{first}' at {given[first]}", where,
                                 "give the same address the same text throughout the issue")
                         for text, where in rest]
    return findings


def _unlisted(issue: Issue) -> list[Finding]:
    listed = {path.name for path in issue.articles}
    return [Finding("warning", f"{path.name} is in the issue folder but not listed in issue.yaml, "
                    "so it is not printed", Location(issue.folder / "issue.yaml"),
                    f"add '- {path.name}' under 'articles:', or move the file out of the folder")
            for path in sorted(issue.folder.glob("*.md")) if path.name not in listed]


def stale_outputs(issue: Issue, dirs: BuildDirs) -> list[Path]:
    """Offprints and logs in build/<issue>/ of articles issue.yaml no longer lists."""
    slugs = {path.stem for path in issue.articles}
    folder = dirs.issue(issue.slug)
    return sorted(path for pattern in ("articles/*.pdf", "logs/*.log")
                  for path in folder.glob(pattern) if path.stem not in slugs)


def _stale(issue: Issue, dirs: BuildDirs) -> list[Finding]:
    return [Finding("warning", f"{path} is left from an article issue.yaml no longer lists",
                    Location(issue.folder / "issue.yaml"), "the next final build removes it")
            for path in stale_outputs(issue, dirs)]


# ------------------------------------------------------- a proof round
def typesetting(issue: Issue, articles: list[Article], folder: Path, data: dict) -> list[Finding]:
    """What the round's logs and PDFs show."""
    by_slug = {a.slug: a for a in articles}
    findings = [_placeholder(p, issue, by_slug) for p in data.get("placeholders", [])]
    for entry in data.get("articles", []):
        article = by_slug.get(entry["slug"])
        if not article:
            continue
        findings += _log_findings(article, folder / "logs" / f"{article.slug}.log")
        layouts = poppler.page_layouts(folder / entry["pdf"])
        findings += page_breaks(article, layouts) + _budget(article, entry)
    findings += _issue_pages(issue, folder, data)
    return findings


def _placeholder(entry: dict, issue: Issue, by_slug: dict) -> Finding:
    slug = entry.get("slug") or Path(entry.get("file", "")).stem
    path = by_slug[slug].path if slug in by_slug else issue.folder / f"{slug}.md"
    name = entry["field"].rsplit(".", 1)[-1]
    return Finding("error", f"the proof prints '[{name} missing]' for {entry['field']}",
                   Location(path, 1), f"add {entry['field']} to the front matter")


def _log_findings(article: Article, log: Path) -> list[Finding]:
    findings = []
    for item in texlog.overfull_details(log):
        line = _line_with(article, sorted(item.words, key=len, reverse=True)[:6])
        findings.append(Finding("warning", f"a line runs {item.points:.1f} pt into the margin: "
                                f"“{' '.join(item.words)[:80]}”", Location(article.path, line),
                                "rephrase, or allow a break in a long word or URL", item.page))
    for char, code, font in texlog.missing_characters(log):
        findings.append(Finding("error", f"no font has the character {char} (U+{code}); it is "
                                f"missing from the page (font: {font})",
                                Location(article.path, _line_with(article, [char])),
                                "replace the character"))
    return findings


def body_lines(page: poppler.PageLayout) -> list[poppler.Line]:
    """The lines of the text block, as words sharing a baseline (a justified line
    with wide spaces may be several poppler lines): no running header, footer,
    stamp or line numbers."""
    top, bottom, left = page.height * 0.075, page.height * 0.925, page.width * 0.11
    words = sorted((w for w in page.words if w.y0 > top and w.y1 < bottom and w.x0 > left),
                   key=lambda w: (w.y1, w.x0))
    rows: list[list[poppler.Word]] = []
    for word in words:
        if rows and abs(rows[-1][-1].y1 - word.y1) < 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [poppler.Line(tuple(sorted(row, key=lambda w: w.x0)), 0) for row in rows]


def page_breaks(article: Article, layouts: list[poppler.PageLayout]) -> list[Finding]:
    """Widows (a paragraph's last line alone at the top of a page), orphans (its
    first line alone at the foot) and headings at the foot of a page."""
    headings = {" ".join(m.group(2).split()) for m in manuscript._ATX.finditer(article.body)
                if m.group(2)}
    lines = [body_lines(page) for page in layouts]
    steps = sorted(b.box[3] - a.box[3] for page in lines for a, b in zip(page, page[1:]))
    usual = steps[len(steps) // 4] if steps else 0   # the leading: most steps are within paragraphs
    pages = [_paragraphs(page, usual) for page in lines]
    edges = Counter(round(line.box[2]) for page in lines for line in page)
    right = edges.most_common(1)[0][0] if edges else 0   # where justified lines end
    full = lambda line: line.box[2] > right - 3
    findings = []
    for number, paragraphs in enumerate(pages, start=1):
        if not paragraphs:
            continue
        last = paragraphs[-1]
        if " ".join(last[-1].text.split()) in headings and number < len(pages):
            findings.append(_at(article, "warning", f"the heading “{last[-1].text}” stands at the "
                                "foot of the page, its text on the next", last[-1], number,
                                "shorten the text above, or ask for a page break before it"))
        elif len(last) == 1 and full(last[0]) and number < len(pages):
            findings.append(_at(article, "warning", "an orphan: a paragraph's first line alone at "
                                "the foot of the page", last[0], number,
                                "shorten or lengthen the paragraph before it"))
        previous = pages[number - 2] if number > 1 else []
        if number > 1 and len(paragraphs[0]) == 1 and previous and full(previous[-1][-1]):
            findings.append(_at(article, "warning", "a widow: a paragraph's last line alone at the "
                                "top of the page", paragraphs[0][0], number,
                                "shorten or lengthen the paragraph by a few words"))
    return findings


def _paragraphs(lines: list[poppler.Line], usual: float) -> list[list[poppler.Line]]:
    """Lines grouped into paragraphs by the space between them (the house's 6 pt)."""
    if not lines:
        return []
    groups = [[lines[0]]]
    for above, line in zip(lines, lines[1:]):
        if line.box[3] - above.box[3] > usual + 3 or line.box[3] <= above.box[3]:
            groups.append([line])
        else:
            groups[-1].append(line)
    return groups


def _at(article: Article, severity: str, message: str, line: poppler.Line, page: int,
        hint: str) -> Finding:
    words = [w.text for w in line.words if len(w.text) > 3]
    return Finding(severity, message, Location(article.path, _line_with(article, words[:6])),
                   hint, page)


def _budget(article: Article, entry: dict) -> list[Finding]:
    pages, first = entry["pages"], entry["first_page"]
    findings = [Finding("note", f"{pages} page(s), pp. {first}–{first + pages - 1}",
                        Location(article.path))]
    if article.page_budget and pages > article.page_budget:
        findings.append(Finding("warning", f"{pages} pages, over its page budget of "
                                f"{article.page_budget}", Location(article.path),
                                "cut the text, or raise page_budget in issue.yaml "
                                "or the front matter"))
    return findings


def _issue_pages(issue: Issue, folder: Path, data: dict) -> list[Finding]:
    if not data.get("issue_pdf"):
        return []
    pages = len(poppler.page_texts(folder / data["issue_pdf"]))
    where = Location(issue.folder / "issue.yaml")
    findings = [Finding("note", f"the issue has {pages} pages", where)]
    if pages % 4:
        findings.append(Finding("warning", f"the issue's {pages} pages are not a multiple of 4: "
                                f"the printer adds {4 - pages % 4} blank page(s)", where,
                                "plan the blank pages, or adjust an article's length"))
    return findings
