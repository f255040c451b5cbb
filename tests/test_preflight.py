"""The preflight: purpose-made manuscripts holding each kind of finding, each
finding asserted with its severity and place; a proof round's log and PDF
(made by XeLaTeX from a small document laid out to hold each page fault);
final builds refusing errors; stale outputs removed."""
from __future__ import annotations

import json
import shutil

import pytest
from PIL import Image

from helpers import FRONT_MATTER, ISSUE_DATA, digest, run_build
from pipeline import preflight
from pipeline.paths import BuildDirs
from pipeline.runner import Budget, run

ISSUE = ISSUE_DATA + "page_budget: 1\narticles:\n  - rivers.md\n  - trade.md\n"
RIVERS = FRONT_MATTER.replace("authors:", "bibliography: refs.json\nauthors:") + """
## Background

The treaty of 1996-2001 was signed.[^1] See pp.12 for the terms.
He said "it was final. TODO check the year.
The river  rose in the '90s and [@nokey] fell.

![](map.png)

![Missing map](nowhere.png)

| a | b |
|---|---|
| 1 | 2 |

Table 1: Flows by year.

| c | d |
|---|---|
| 3 | 4 |

Table: A proper caption.

Visit [the commission](https://www.example.org/water) or [host](https://example/x) or http//bad.example.org today.

Farīda Ṣiddīqī met officials in Kabul.

| e | f |
|---|---|
| 5 | 6 |

##### Too deep

[^1]: A note.
[^2]: Unused note.
"""
TRADE = FRONT_MATTER + """
## Trade

Farida Siddiqi wrote on trade. The commission's [site](https://www.example.org/water/) helps. Later Siddiqui replied.
"""


def at(text: str, needle: str, body_offset: int = 0) -> tuple[int, int]:
    """(line, column) of the first occurrence of needle in text."""
    offset = text.index(needle) + body_offset
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


@pytest.fixture(scope="module")
def issue(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preflight") / "2022-06"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ISSUE)
    (folder / "rivers.md").write_text(RIVERS)
    (folder / "trade.md").write_text(TRADE)
    (folder / "draft.md").write_text(FRONT_MATTER + "\nNot yet listed.\n")
    (folder / "refs.json").write_text(json.dumps([{"id": "known", "type": "book", "title": "T"}]))
    Image.new("RGB", (1600, 1000), "white").save(folder / "map.png")
    return folder


@pytest.fixture(scope="module")
def found(issue, tmp_path_factory):
    build = tmp_path_factory.mktemp("build")
    for stale in ("articles/old.pdf", "logs/old.log"):
        (build / "2022-06" / stale).parent.mkdir(parents=True, exist_ok=True)
        (build / "2022-06" / stale).write_text("left over")
    return preflight.run(issue, BuildDirs(build))


def _rivers(needle, shift=0):
    return ("rivers.md", *at(RIVERS, needle, shift))


def _trade(needle, shift=0):
    return ("trade.md", *at(TRADE, needle, shift))


EXPECTED = [  # (severity, (file, line, column), words of the message)
    ("error", _rivers("TODO"), "placeholder 'TODO' is still in the text"),
    ("error", _rivers("[@nokey]", 1), "citation '@nokey' is not in the bibliography refs.json"),
    ("error", _rivers("nowhere.png"), 'image "nowhere.png" does not exist'),
    ("error", _rivers("#####"), "heading of level 4"),
    ("warning", _rivers("[^2]:"), "note [^2] is defined but never cited"),
    ("warning", _rivers("-2001"), "'1996-2001' is a range with a hyphen"),
    ("warning", _rivers("pp.12"), "'pp.12': the house writes 'pp. 12'"),
    ("warning", _rivers('"it'), "a straight quote (\")"),
    ("warning", _rivers("'90s"), "a straight ' before a number"),
    ("note", _rivers("river  rose", 5), "two spaces between words"),
    ("warning", _rivers("![](map"), "figure has no caption"),
    ("warning", _rivers("Table 1:"), "looks like the caption of the table"),
    ("warning", _rivers("| e |"), "table has no caption"),
    ("warning", _rivers("https://example/x"), "is not a web address that can be visited"),
    ("warning", _rivers("http//"), "'http//' is a malformed web address"),
    ("warning", _trade("Siddiqi"), "the same name spelled two ways: 'Siddiqi' here, 'Ṣiddīqī'"),
    ("note", _trade("Siddiqui"), "perhaps the same name spelled two ways"),
    ("note", _trade("[site]"), "reads 'site' here and 'the commission'"),
    ("note", ("rivers.md", None, None), "'known' in refs.json is never cited"),
    ("warning", ("issue.yaml", None, None), "draft.md is in the issue folder but not listed"),
    ("warning", ("issue.yaml", None, None), "articles/old.pdf is left from an article"),
    ("warning", ("issue.yaml", None, None), "logs/old.log is left from an article"),
]


@pytest.mark.parametrize("severity, place, words", EXPECTED, ids=[e[2][:40] for e in EXPECTED])
def test_each_finding_with_its_place(found, severity, place, words):
    name, line, column = place
    matches = [f for f in found.findings if words in f.message]
    assert matches, [str(f) for f in found.findings]
    finding = matches[0]
    assert (finding.severity, finding.where.path.name, finding.where.line,
            finding.where.column) == (severity, name, line, column), str(finding)


def test_nothing_else_is_found(found):
    """Every finding is one the manuscripts were written to hold (no false alarms)."""
    expected = [words for _, _, words in EXPECTED]
    unexpected = [str(f) for f in found.findings if not any(w in f.message for w in expected)]
    assert unexpected == []


def test_check_writes_the_report_and_exits_3_naming_every_error(issue, tmp_path):
    result = run_build("--build-dir", str(tmp_path), "check", str(issue))
    assert result.returncode == 3, result.stderr
    line, column = at(RIVERS, "TODO")
    assert f"rivers.md:{line}:{column}: input error: placeholder 'TODO'" in result.stderr
    assert "and 3 more error(s):" in result.stderr and "'@nokey'" in result.stderr
    counts = {s: sum(e[0] == s for e in EXPECTED) for s in ("error", "warning", "note")}
    counts["warning"] -= 2  # no stale outputs in this build folder
    assert "NOT ready for print ({error} error(s), {warning} warning(s), {note} note(s))".format(
        **counts) in result.stdout
    assert "Traceback" not in result.stderr
    data = json.loads((tmp_path / "2022-06" / "report.json").read_text())
    assert data["counts"] == counts
    assert (tmp_path / "2022-06" / "report.html").read_text().count('class="finding ') \
        == sum(counts.values())


def test_a_final_build_refuses_an_error_and_names_it(tmp_path):
    folder = tmp_path / "2022-06"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ISSUE.replace("  - trade.md\n", ""))
    (folder / "rivers.md").write_text(FRONT_MATTER + "\n## A\n\nText. XXX fill in.\n")
    result = run_build("--build-dir", str(tmp_path / "build"), "issue", str(folder))
    assert result.returncode == 3
    assert "rivers.md:10:7: input error: placeholder 'XXX' is still in the text" in result.stderr
    assert not list(tmp_path.rglob("*.pdf"))


def test_the_final_build_removes_stale_offprints_and_logs(built_sample, copy_built):
    built = copy_built(built_sample)
    folder = built.dirs.issue(built.result.issue.slug)
    stale = [folder / "articles" / "withdrawn.pdf", folder / "logs" / "withdrawn.log"]
    stale[1].parent.mkdir(exist_ok=True)
    for path in stale:
        path.write_text("left over")
    kept = digest(built.issue_pdf)
    result = run_build("--build-dir", str(built.dirs.root), "issue", str(built.folder))
    assert result.returncode == 0, result.stderr
    assert not any(path.exists() for path in stale)
    assert f"{stale[0]}: removed" in result.stderr
    assert digest(built.issue_pdf) == kept and all(p.exists() for p in built.articles.values())


# ------------------------------------------------------------ a proof round
PARAGRAPHS = [
    "Alpha beta gamma overfullmarker 1234567890abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz "
    "and no break can be found in it.",
    "Orphanopening words begin this paragraph",
    "and its remaining lines continue on the following page with more words here, so many "
    "that they fill two lines of the page and leave the second one only partly filled by words.",
    "Widowparagraph starts here on the page",
    "with a second line before the break",
    "lastwidowline ends it.",
    "Another paragraph follows the widow so that the heading comes next.",
    "Closing text after the heading, with an emoji 😀 nobody's font has.",
]
ROUND_TEX = r"""\documentclass[12pt]{article}
\usepackage[a4paper,margin=25mm]{geometry}
\setlength{\parindent}{0pt}\setlength{\parskip}{6pt}\pagestyle{plain}
\begin{document}
%s

%s\vadjust{\penalty-10000}\linebreak %s

%s\linebreak %s\vadjust{\penalty-10000}\linebreak %s

%s

{\Large\bfseries Background}\par\newpage
%s
\newpage Page five.
\end{document}
""" % tuple(PARAGRAPHS)
ARTICLE = FRONT_MATTER + "\n" + "\n\n".join([
    PARAGRAPHS[0], " ".join(PARAGRAPHS[1:3]), " ".join(PARAGRAPHS[3:6]), PARAGRAPHS[6],
    "## Background", PARAGRAPHS[7]]) + "\n"


@pytest.fixture(scope="module")
def proof_round(tmp_path_factory):
    """A one-article issue and a round laid out as `build.py proof` writes it,
    its PDF and log made by XeLaTeX from ROUND_TEX."""
    base = tmp_path_factory.mktemp("round")
    folder = base / "2022-06"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ISSUE.replace("  - rivers.md\n  - trade.md\n",
                                                     "  - article.md\n"))
    (folder / "article.md").write_text(ARTICLE)
    work = base / "tex"
    work.mkdir()
    (work / "article.tex").write_text(ROUND_TEX)
    run(["xelatex", "-interaction=nonstopmode", "article.tex"], cwd=work, budget=Budget(seconds=60))
    proof = base / "build" / "2022-06" / "proofs" / "round-1"
    for sub in ("articles", "logs"):
        (proof / sub).mkdir(parents=True)
    shutil.copy(work / "article.pdf", proof / "articles" / "article.pdf")
    shutil.copy(work / "article.pdf", proof / "proof.pdf")
    shutil.copy(work / "article.log", proof / "logs" / "article.log")
    (proof / "round.json").write_text(json.dumps({
        "round": 1, "date": "2026-11-25", "checksum": "0123456789",
        "articles": [{"slug": "article", "first_page": 1, "pages": 5, "pdf": "articles/article.pdf"}],
        "issue_pdf": "proof.pdf", "placeholders": [{"slug": "article", "field": "authors[0].bio"}]}))
    return folder, BuildDirs(base / "build")


ROUND_EXPECTED = [  # (severity, manuscript line holding these words, page, message words)
    ("warning", "overfullmarker", 1, "pt into the margin: “Alpha beta gamma overfullmarker"),
    ("warning", "Orphanopening", 1, "an orphan"),
    ("warning", "lastwidowline", 3, "a widow"),
    ("warning", "## Background", 3, "the heading “Background” stands at the foot of the page"),
    ("error", "😀", None, "no font has the character 😀 (U+1F600)"),
    ("warning", None, None, "5 pages, over its page budget of 1"),
    ("warning", None, None, "the issue's 5 pages are not a multiple of 4: the printer adds 3"),
    ("error", "---", None, "the proof prints '[bio missing]' for authors[0].bio"),
]


@pytest.mark.parametrize("severity, words, page, message", ROUND_EXPECTED,
                         ids=[e[3][:30] for e in ROUND_EXPECTED])
def test_round_findings_with_their_place(proof_round, severity, words, page, message):
    folder, dirs = proof_round
    found = preflight.run(folder, dirs, preflight.round_folder(dirs, folder, "last"))
    matches = [f for f in found.findings if message in f.message]
    assert matches, [str(f) for f in found.findings]
    finding = matches[0]
    line = at(ARTICLE, words)[0] if words else None
    assert (finding.severity, finding.where.line, finding.page) == (severity, line, page), str(finding)
