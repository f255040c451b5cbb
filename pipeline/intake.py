"""`build.py import FILE --into ISSUE`: a Word or OpenDocument manuscript
becomes <slug>.md (+ its figures) in the issue folder, listed in issue.yaml.

office.py checks the file and reads its tracked changes and comments;
Pandoc reads it, templates/filters/intake.lua guesses the front matter and
shapes the body; here the guesses are written (each marked with a YAML
comment and reported), the figures moved and the manifest updated.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import office as office_files
from .errors import InputError, Location
from .model import Limits, issue_limits, load_issue
from .style import load_article
from .paths import TEMPLATES
from .runner import Budget
from .tools import pandoc

FIGURE_TYPES = {".png", ".jpg", ".jpeg", ".pdf"}
CONVERTED_TO_PNG = {".gif", ".bmp", ".tif", ".tiff", ".webp"}   # by Pillow
_STOP_WORDS = {"a", "an", "the", "and", "of", "in", "on", "for", "to", "after", "with",
               "its", "at", "by", "from", "between", "towards", "toward"}


@dataclass
class Imported:
    """What the import wrote and what the editor should confirm or fill in."""

    manuscript: Path
    figures: list[Path] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    remarks: list[str] = field(default_factory=list)
    manifest: str = ""
    check: str = ""            # what `check` says (only once listed in issue.yaml)

    def report(self) -> str:
        lines = [f"wrote {self.manuscript}" + "".join(f"\n  + {f}" for f in self.figures)]
        lines += ["guessed (confirm; marked '# guessed' in the file):"] + \
                 [f"  {g}" for g in self.guesses or ["nothing"]]
        lines += [f"  {r}" for r in self.remarks]
        lines.append(self.manifest)
        if self.missing:
            lines.append("missing (check fails until they are written): "
                         + ", ".join(self.missing))
        elif self.check:
            lines.append(self.check)
        return "\n".join(lines)


def import_manuscript(source: Path, into: Path, *, slug: str | None = None,
                      force: bool = False, manifest: bool = True,
                      changes: str | None = None) -> Imported:
    """Import source into the issue folder `into`; changes: None, 'accept' or 'reject'."""
    limits = _target_limits(into, slug, manifest)
    budget = Budget.of(limits)
    document = office_files.open_office(source, limits.output_mb * 2**20)
    _settle_changes(document, changes)
    with tempfile.TemporaryDirectory(prefix="import-") as scratch:
        work = Path(scratch)
        tree = _read(document, work, budget, changes or "accept")
        intake = _plain(tree["meta"].pop("intake", {}))
        fields = _front_matter(intake.get("guesses", []))
        slug = slug or _slug(fields.get("title") or "") or _slug(source.stem) or "article"
        target = into / f"{slug}.md"
        renames = _figure_names(tree, intake.get("images", []), slug)
        _refuse_overwrite([target, *(into / name for name in renames.values())], force)
        body = pandoc.write_markdown(tree, cwd=work, budget=budget, manuscript=source)
        result = Imported(target, guesses=_guess_lines(intake.get("guesses", [])),
                          remarks=[str(x) for x in intake.get("report", [])])
        result.remarks += [f"{c} (not printed)" for c in document.comments]
        result.figures = _move_figures(work, renames, into, result.remarks)
        front, result.missing = _yaml(fields)
        _write_atomically(target, front + "\n" + body)
    result.manifest = _list_in_manifest(into, target.name, manifest)
    if not result.missing and manifest:
        result.check = _check(target, into)
    return result


def _target_limits(into: Path, slug: str | None, manifest: bool) -> Limits:
    """Check the import's arguments; the limits of the target issue (or the defaults)."""
    if not into.is_dir():
        raise InputError("is not an issue folder", where=Location(into),
                         hint="create the folder (with its issue.yaml) first")
    if slug is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        raise InputError(f"--slug '{slug}' is not a file name of lowercase letters, digits "
                         "and hyphens", hint="e.g. --slug water-diplomacy")
    if not (into / "issue.yaml").is_file():
        if manifest:
            raise InputError("has no issue.yaml to list the article in", where=Location(into),
                             hint="create issue.yaml first, or pass --no-manifest")
        return Limits()
    return issue_limits(into)


def _check(manuscript: Path, folder: Path) -> str:
    """What `build.py check` says of the issue now holding the manuscript."""
    try:
        load_article(manuscript, load_issue(folder))
    except InputError as error:
        return f"check fails (the import itself is done):\n{error}"
    return "check: the manuscript is valid"


def _settle_changes(document, changes: str | None) -> None:
    if document.changes and changes is None:
        listed = "".join(f"\n    {n}. {c}" for n, c in enumerate(document.changes[:20], 1))
        more = f"\n    ... and {len(document.changes) - 20} more" \
            if len(document.changes) > 20 else ""
        raise InputError(f"has {len(document.changes)} unresolved tracked change(s):"
                         f"{listed}{more}", where=Location(document.path),
                         hint="accept or reject them in the word processor, or pass "
                              "--accept-changes or --reject-changes")
    if document.changes and changes == "reject" and document.format == "odt":
        raise InputError("has tracked changes, and Pandoc's OpenDocument reader can only "
                         "accept them", where=Location(document.path),
                         hint="reject them in LibreOffice (Edit > Track Changes > Manage), "
                              "save, and import again")


def _read(document, work: Path, budget: Budget, changes: str) -> dict:
    metadata = work / "intake-meta.json"
    metadata.write_text(json.dumps({"intake-languages": document.languages,
                                    "intake-large-opening": document.large_opening},
                                   ensure_ascii=False), encoding="utf-8")
    copy = work / f"manuscript.{document.format}"  # Pandoc reads only its own folder
    shutil.copyfile(document.path, copy)
    return pandoc.read_office(copy, document.format, media=work / "media", changes=changes,
                              lua_filter=TEMPLATES / "filters" / "intake.lua",
                              metadata=metadata, cwd=work, budget=budget,
                              manuscript=document.path)


def _plain(meta):
    """Pandoc's JSON metadata as plain Python values."""
    kind, content = meta.get("t"), meta.get("c")
    if kind == "MetaMap":
        return {key: _plain(value) for key, value in content.items()}
    if kind == "MetaList":
        return [_plain(value) for value in content]
    if kind in ("MetaString", "MetaBool"):
        return content
    return ""


def _front_matter(guesses: list[dict]) -> dict:
    fields: dict = {"authors": [], "keywords": []}
    for guess in guesses:
        name, value = guess["field"], guess["value"]
        if name == "author":
            fields["authors"].append({"name": value})
        elif name == "bio" and fields["authors"]:
            fields["authors"][-1]["bio"] = value
        elif name == "keyword":
            fields["keywords"].append(value)
        else:
            fields[name] = value
    return fields


def _guess_lines(guesses: list[dict]) -> list[str]:
    return [f"{g['field']}: {g['value']}   <- {g['reason']}" for g in guesses]


def _yaml(fields: dict) -> tuple[str, list[str]]:
    """The front matter, every guessed line marked; and the fields still missing."""
    def scalar(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML one
    lines, missing = ["---"], []
    if fields.get("title"):
        lines.append(f"title: {scalar(fields['title'])}  # guessed: confirm")
    else:
        lines.append('title: ""  # MISSING: no Title style or bold first paragraph')
        missing.append("title")
    if fields.get("subtitle"):
        lines.append(f"subtitle: {scalar(fields['subtitle'])}  # guessed: confirm")
    lines.append("authors:")
    if not fields["authors"]:
        lines += ['  - name: ""  # MISSING: no author line under the title', '    bio: ""']
        missing.append("authors")
    for number, author in enumerate(fields["authors"]):
        lines.append(f"  - name: {scalar(author['name'])}  # guessed: confirm")
        if author.get("bio"):
            lines.append(f"    bio: {scalar(author['bio'])}  # guessed from the note on the name")
        else:
            lines.append('    bio: ""  # MISSING: no footnote on the name')
            missing.append(f"authors[{number + 1}].bio ({author['name']})")
    if fields["keywords"]:
        lines.append(f"keywords: [{', '.join(map(scalar, fields['keywords']))}]  # guessed")
    lines.append("---")
    return "\n".join(lines) + "\n", missing


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_text.lower()) if w not in _STOP_WORDS]
    return "-".join(words[:4])


def _figure_names(tree: dict, images: list[dict], slug: str) -> dict[str, str]:
    """Extracted image -> <slug>-figure-N.ext (.png for GIF, BMP, TIFF, WebP);
    the AST's image targets renamed to match."""
    def final(name: str) -> str:
        short = Path(name)
        return f"{slug}-{short.stem}.png" if short.suffix in CONVERTED_TO_PNG \
            else f"{slug}-{name}"
    renames = {image["to"]: final(image["to"]) for image in images}
    sources = {image["to"]: image["from"] for image in images}

    def walk(node):
        if isinstance(node, dict):
            if node.get("t") == "Image" and node["c"][2][0] in renames:
                node["c"][2][0] = renames[node["c"][2][0]]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(tree["blocks"])
    return {sources[short]: name for short, name in renames.items()}


def _refuse_overwrite(paths: list[Path], force: bool) -> None:
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        raise InputError("already exists; importing again would replace it",
                         where=Location(existing[0]),
                         hint="pass --force to replace it, or --slug NAME for another file")


def _move_figures(work: Path, renames: dict[str, str], into: Path,
                  remarks: list[str]) -> list[Path]:
    moved = []
    for extracted, name in renames.items():
        found = next((p for p in (work / extracted, work / "media" / extracted) if p.is_file()),
                     None)
        if found is None:
            remarks.append(f"figure {name}: the image is not in the file; insert it again")
            continue
        if Path(name).suffix.lower() not in FIGURE_TYPES:
            remarks.append(f"figure {name}: not PNG, JPEG or PDF; save it as PNG and "
                           "change its name in the manuscript (the build refuses other types)")
        if found.suffix.lower() != Path(name).suffix:
            _convert_to_png(found, into / name, remarks)
        else:
            shutil.copyfile(found, into / name)
        moved.append(into / name)
    return moved


def _convert_to_png(image: Path, target: Path, remarks: list[str]) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(image) as picture:
            picture.save(target, "PNG")
        remarks.append(f"figure {target.name}: converted to PNG from {image.suffix}")
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
        raise InputError(f"its image {image.name} cannot be read ({exc})",
                         hint="save the image as PNG in the word processor") from None


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _list_in_manifest(folder: Path, name: str, manifest: bool) -> str:
    """Add name to issue.yaml's articles, keeping its comments, order and layout."""
    if not manifest:
        return f"not listed (--no-manifest); add to issue.yaml's articles:\n  - {name}"
    from ruamel.yaml import YAML

    path = folder / "issue.yaml"
    text = path.read_text(encoding="utf-8")
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    dash = re.search(r"^articles:[^\n]*\n(?:\s*#[^\n]*\n)*( *)- ", text, re.MULTILINE)
    offset = len(dash.group(1)) if dash else 2
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    data = yaml.load(text)
    articles = data.get("articles")
    if articles is None:
        data["articles"] = articles = []
    if name in articles:
        return f"{path}: already lists {name}"
    articles.append(name)
    temporary = path.with_name(f".issue.yaml.{os.getpid()}.tmp")
    with temporary.open("w", encoding="utf-8") as stream:
        yaml.dump(data, stream)
    os.replace(temporary, path)
    return f"{path}: {name} added to articles"
