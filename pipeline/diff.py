"""What changed between two proof rounds of an issue: per article, the words
added and removed in its Markdown (in context, with the line), the pages
whose printed words changed (from the PDFs' word positions), and those pages'
thumbnails with the changed words boxed. Written as round-M/diff-N-M.html.
"""
from __future__ import annotations

import difflib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import report
from .errors import InputError, Location
from .paths import BuildDirs
from .preflight import round_folders
from .tools import poppler

CONTEXT_WORDS = 8
_WORD = re.compile(r"\S+")


@dataclass
class Change:
    """Words removed and added at one place of the source, in context."""
    removed: str
    added: str
    before: str
    after: str
    line: int           # of the newer source


@dataclass
class PageChange:
    page: int           # in the newer round's offprint (or the older's, if the page went)
    image: Path | None  # the thumbnail with the changed words boxed
    gone: bool = False


@dataclass
class ArticleDiff:
    slug: str
    changes: list[Change] = field(default_factory=list)
    pages: list[PageChange] = field(default_factory=list)
    status: str = ""    # "added", "removed" or ""

    @property
    def unchanged(self) -> bool:
        return not (self.changes or self.pages or self.status)


@dataclass
class RoundDiff:
    old: Path
    new: Path
    articles: list[ArticleDiff]
    html: Path | None = None


def diff_rounds(folder: Path, dirs: BuildDirs, old: int | None = None,
                new: int | None = None) -> RoundDiff:
    """Compare two rounds (default: the last two) and write the HTML."""
    old_dir, new_dir = _pick(dirs, Path(folder), old, new)
    made = compare(old_dir, new_dir)
    made.html = new_dir / f"diff-{_number(old_dir)}-{_number(new_dir)}.html"
    temporary = made.html.with_name(f".{made.html.name}.{os.getpid()}.tmp")
    temporary.write_text(to_html(made), encoding="utf-8")
    os.replace(temporary, made.html)
    return made


def _number(round_dir: Path) -> int:
    return int(round_dir.name.removeprefix("round-"))


def _pick(dirs: BuildDirs, folder: Path, old: int | None, new: int | None) -> tuple[Path, Path]:
    rounds = {_number(r): r for r in round_folders(dirs, folder.resolve().name)}
    numbers = sorted(rounds)
    new = new if new is not None else (numbers[-1] if numbers else None)
    old = old if old is not None else max((n for n in numbers if new is not None and n < new),
                                          default=None)
    for wanted in (old, new):
        if wanted is None or wanted not in rounds:
            have = ", ".join(map(str, numbers)) or "none yet"
            raise InputError(f"two proof rounds are needed to compare (rounds of this issue: "
                             f"{have})", where=Location(folder),
                             hint="make a proof round with 'build.py proof FOLDER' after each "
                                  "set of corrections; name rounds with --from N --to M")
    return rounds[old], rounds[new]


def compare(old_dir: Path, new_dir: Path) -> RoundDiff:
    old_data, new_data = (json.loads((d / "round.json").read_text(encoding="utf-8"))
                          for d in (old_dir, new_dir))
    old_entries = {e["slug"]: e for e in old_data["articles"]}
    new_entries = {e["slug"]: e for e in new_data["articles"]}
    slugs = list(new_entries) + [s for s in old_entries if s not in new_entries]
    output = new_dir / f"diff-{_number(old_dir)}-{_number(new_dir)}"

    def one(slug: str) -> ArticleDiff:
        if slug not in old_entries or slug not in new_entries:
            return ArticleDiff(slug, status="added" if slug in new_entries else "removed")
        found = ArticleDiff(slug, source_changes(old_dir / "sources" / f"{slug}.md",
                                                 new_dir / "sources" / f"{slug}.md"))
        found.pages = page_changes(old_dir, new_dir, old_entries[slug], new_entries[slug],
                                   output, (old_data["checksum"], new_data["checksum"]))
        return found
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        articles = list(pool.map(one, slugs))
    return RoundDiff(old_dir, new_dir, articles)


# --------------------------------------------------------------- sources
def source_changes(old: Path, new: Path) -> list[Change]:
    """The words removed and added between two versions of a manuscript, each
    with the words around it on its line."""
    old_text, new_text = (p.read_text(encoding="utf-8") if p.exists() else "" for p in (old, new))
    a = [m.group() for m in _WORD.finditer(old_text)]
    found = list(_WORD.finditer(new_text))
    b = [m.group() for m in found]
    lines = [new_text.count("\n", 0, m.start()) + 1 for m in found]
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        line = lines[min(j1, len(lines) - 1)] if lines else 1
        end_line = lines[j2 - 1] if j2 > j1 else line
        before = [w for w, n in zip(b[max(0, j1 - CONTEXT_WORDS):j1],
                                    lines[max(0, j1 - CONTEXT_WORDS):j1]) if n == line]
        after = [w for w, n in zip(b[j2:j2 + CONTEXT_WORDS], lines[j2:j2 + CONTEXT_WORDS])
                 if n == end_line]
        changes.append(Change(" ".join(a[i1:i2]), " ".join(b[j1:j2]), " ".join(before),
                              " ".join(after), line))
    return changes


# ----------------------------------------------------------------- pages
def page_changes(old_dir: Path, new_dir: Path, old: dict, new: dict, output: Path,
                 checksums: tuple[str, str]) -> list[PageChange]:
    """Pages of the newer offprint whose printed words differ from the older's."""
    old_pages = poppler.page_layouts(old_dir / old["pdf"])
    new_pages = poppler.page_layouts(new_dir / new["pdf"])
    changed = []
    for index, page in enumerate(new_pages):
        words = printed_words(page, checksums)
        before = printed_words(old_pages[index], checksums) if index < len(old_pages) else []
        if [w.text for w in words] == [w.text for w in before]:
            continue
        boxes = _changed_boxes(before, words)
        image = highlight(new_dir / "pages" / f"{new['slug']}-{index + 1}.png", page, boxes,
                          output / f"{new['slug']}-{index + 1}.png")
        changed.append(PageChange(index + 1, image))
    changed += [PageChange(k + 1, None, gone=True) for k in range(len(new_pages), len(old_pages))]
    return changed


def printed_words(page: poppler.PageLayout, checksums: tuple[str, ...]) -> list[poppler.Word]:
    """The page's words but the proof's own marks: line numbers in the left
    margin and the stamp's line (the one naming a round's checksum)."""
    margin = page.width * 0.11
    stamps = [line.box for line in page.lines
              if any(c and c[:7] in line.text for c in checksums)]
    # poppler may cut the stamp into pieces ("PROOF", "Round 2", ...): drop all
    # that stand on the stamp's baseline
    return [word for line in page.lines
            if not any(abs(line.box[3] - stamp[3]) < 1 for stamp in stamps)
            for word in line.words if word.x1 > margin]


def _changed_boxes(before: list[poppler.Word], after: list[poppler.Word]) -> list[poppler.Word]:
    """The words of `after` that are new or replaced; a deletion marks the word after it."""
    matcher = difflib.SequenceMatcher(None, [w.text for w in before], [w.text for w in after],
                                      autojunk=False)
    boxes = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            boxes += after[j1:j2]
        elif tag == "delete" and after:
            boxes.append(after[min(j1, len(after) - 1)])
    return boxes


def highlight(thumbnail: Path, page: poppler.PageLayout, words: list[poppler.Word],
              output: Path) -> Path | None:
    """The page's thumbnail with each changed word boxed in translucent red."""
    if not thumbnail.exists():
        return None
    from PIL import Image, ImageDraw
    with Image.open(thumbnail) as opened:
        image = opened.convert("RGBA")
    scale_x, scale_y = image.width / page.width, image.height / page.height
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for word in words:
        box = (word.x0 * scale_x - 2, word.y0 * scale_y - 2, word.x1 * scale_x + 2,
               word.y1 * scale_y + 2)
        draw.rectangle(box, fill=(255, 60, 60, 70), outline=(220, 0, 0, 255), width=2)
    output.parent.mkdir(parents=True, exist_ok=True)
    Image.alpha_composite(image, overlay).convert("RGB").save(output)
    return output


# ------------------------------------------------------- terminal and HTML
def summary(made: RoundDiff) -> str:
    lines = [f"{made.new.parent.parent.name}: {made.old.name} -> {made.new.name}"]
    for article in made.articles:
        if article.unchanged:
            lines.append(f"  {article.slug}: unchanged")
        elif article.status:
            lines.append(f"  {article.slug}: {article.status}")
        else:
            pages = ", ".join(str(p.page) for p in article.pages) or "none"
            lines.append(f"  {article.slug}: {len(article.changes)} change(s) in the source; "
                         f"pages changed: {pages}")
    if made.html:
        lines.append(f"  {made.html}")
    return "\n".join(lines)


def to_html(made: RoundDiff) -> str:
    e = report._e
    parts = []
    for article in made.articles:
        parts.append(f'<section class="article" id="{e(article.slug)}"><h2>{e(article.slug)}.md</h2>')
        if article.unchanged or article.status:
            parts.append(f'<p class="{"unchanged" if article.unchanged else "status"}">'
                         f'{"unchanged" if article.unchanged else e(article.status)}</p></section>')
            continue
        for change in article.changes:
            parts.append(f'<div class="finding note"><div class="body"><span class="place">line '
                         f'{change.line}</span><div class="change">… {e(change.before)} '
                         + (f"<del>{e(change.removed)}</del> " if change.removed else "")
                         + (f"<ins>{e(change.added)}</ins> " if change.added else "")
                         + f"{e(change.after)} …</div></div></div>")
        shots = []
        for page in article.pages:
            pdf = os.path.relpath(made.new / "articles" / f"{article.slug}.pdf", made.new)
            label = f"page {page.page}" + (" (no longer in this round)" if page.gone else "")
            image = (f'<img src="{e(os.path.relpath(page.image, made.new))}" alt="{label}">'
                     if page.image else "")
            shots.append(f'<a href="{e(pdf)}#page={page.page}">{image}<br>{label}</a>')
        if shots:
            parts.append('<p>Pages whose printed text changed:</p><div class="shots">'
                         + "".join(shots) + "</div>")
        parts.append("</section>")
    unchanged = [a.slug for a in made.articles if a.unchanged]
    head = (f'<p class="meta">{e(made.old.name)} → {e(made.new.name)} · unchanged: '
            f'{e(", ".join(unchanged)) or "none"}</p>')
    title = f"Changes: {made.new.parent.parent.name}, {made.old.name} to {made.new.name}"
    return report.page(title, head + "\n".join(parts))
