"""For the benchmarks: generated manuscripts (prose, sections, notes) and cache resets."""
from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

# Runs as on an editor's machine: with Python's bytecode cache (some shells,
# this workplace's among them, set PYTHONDONTWRITEBYTECODE, which makes every
# run compile the pipeline again, about 0.06 s).
EDITOR_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}

WORDS = ("regional connectivity corridor diplomacy water basin treaty energy security "
         "border trade investment policy cooperation institution framework summit "
         "government province river infrastructure analysis dialogue agreement "
         "development strategy economic neighbours stability transit").split()

ISSUE_YAML = """series: Spotlight on Regional Affairs
volume: 40
number: 6
month: 6
year: 2022
publisher: Institute of Regional Studies, Islamabad
issn: 1234-5679
cover: true
articles:
{articles}
"""


def paragraph(rng: random.Random, words: int, note: int | None) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."
    return text + (f"[^{note}]" if note else "")


def article(seed: int, words: int = 2000, notes: int = 10) -> str:
    rng = random.Random(seed)
    parts = [f'---\ntitle: "Synthetic Article {seed}: Connectivity and Its Limits"\n'
             f"authors:\n  - name: Author {seed}\n    bio: Author {seed} is a researcher "
             f"at the Institute of Regional Studies, Islamabad.\nkeywords: [bench]\n---\n"]
    paragraphs = max(notes, words // 100)
    for index in range(paragraphs):
        if index % 4 == 0:
            parts.append(f"## Section {index // 4 + 1}\n")
        note = index + 1 if index < notes else None
        parts.append(paragraph(rng, words // paragraphs, note) + "\n")
    for number in range(1, notes + 1):
        parts.append(f'[^{number}]: Author {number}, "A Report on Things," *Journal*, 2021, '
                     f"https://www.example.org/reports/{seed}/{number}/a-long-slug-of-words.\n")
    return "\n".join(parts)


def write_issue(folder: Path, count: int, words: int = 2000, notes: int = 10) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(1, count + 1):
        path = folder / f"article-{seed}.md"
        path.write_text(article(seed, words, notes), encoding="utf-8")
        paths.append(path)
    listing = "\n".join(f"  - {p.name}" for p in paths)
    (folder / "issue.yaml").write_text(ISSUE_YAML.format(articles=listing), encoding="utf-8")
    return paths


def forget_outputs(build: Path) -> None:
    """Everything but the precompiled preamble (the class's format)."""
    for item in [*build.iterdir(), *(build / ".cache").iterdir()]:
        if item.name not in (".cache", "formats"):
            shutil.rmtree(item)
