"""Citations `[@key, 12]` from an article's bibliography.

Pandoc's citeproc (templates/citations.yaml) prints them as Chicago full
notes; here a key the bibliography lacks becomes an input error at its
line, and an entry nothing cites a note for the editor.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from .errors import InputError, Location
from .model import Article
from .runner import Budget
from .tools import pandoc

_MISSING = re.compile(r"Citeproc: citation (\S+) not found")
# Pandoc's key syntax: a letter, digit or _ then word characters and inner punctuation.
_CITED = re.compile(r"(?<![\w.@])@\{?([\w][\w:.#$%&+?<>~/-]*?)[:.#$%&+?<>~/-]*(?=[\s;,\]}]|$)")


def check_keys(article: Article, warnings: list[str]) -> None:
    """Stop at the first citation whose key Pandoc did not find in the bibliography."""
    missing = [m.group(1) for line in warnings if (m := _MISSING.search(line))]
    if not missing:
        return
    line, column = _place(article, missing[0])
    also = f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""
    raise InputError(f"citation '@{missing[0]}' is not in the bibliography "
                     f"{article.bibliography}{also}", where=Location(article.path, line, column),
                     hint="correct the key, or add the entry to the bibliography "
                          "(in Zotero: export the collection again)")


def _place(article: Article, key: str) -> tuple[int | None, int | None]:
    return next(((line, column) for line, column, cited_key in cited(article)
                 if cited_key == key), (None, None))


def cited(article: Article) -> list[tuple[int, int, str]]:
    """(line, column, key) of each citation in the body."""
    return [(number + article.body_line, match.start() + 1, match.group(1))
            for number, text in enumerate(article.body.split("\n"))
            for match in _CITED.finditer(text)]


def unused_entries(articles: list[Article], budget: Budget) -> list[str]:
    """A note for each bibliography entry that no article naming the file cites."""
    return [f"{where}: note: '{key}' in {name} is never cited"
            for where, key, name in unused(articles, budget)]


def unused(articles: list[Article], budget: Budget) -> list[tuple[Path, str, str]]:
    """(where, key, file) of each bibliography entry that no article naming the
    file cites (an issue.yaml bibliography serves every article, so it is judged once)."""
    users: dict[str, list[Article]] = {}
    for article in articles:
        if article.bibliography:
            users.setdefault(article.bibliography, []).append(article)
    notes = []
    for name, group in users.items():
        cited = {m.group(1) for article in group for m in _CITED.finditer(article.body)}
        where = group[0].path if len(group) == 1 else group[0].issue.folder / "issue.yaml"
        notes += [(where, key, name) for key in entry_keys(group[0].issue.folder / name, budget)
                  if key not in cited]
    return notes


def entry_keys(path: Path, budget: Budget) -> list[str]:
    """The keys (CSL ids) of a BibTeX, BibLaTeX, CSL JSON or CSL YAML file."""
    suffix = path.suffix.lower()
    try:
        if suffix in (".json", ".yaml", ".yml"):
            data = (json.loads if suffix == ".json" else yaml.safe_load)(
                path.read_text(encoding="utf-8"))
            entries = data.get("references", []) if isinstance(data, dict) else data
        else:
            entries = pandoc.bibliography_entries(path, budget)
        return [str(entry["id"]) for entry in entries]
    except (ValueError, yaml.YAMLError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"the bibliography cannot be read ({exc})", where=Location(path),
                         hint="export it again from the reference manager") from None
