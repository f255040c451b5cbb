"""style.yaml declared once, like the model (pipeline/declare.py): no TeX, no Pandoc.

Each case copies styles/ into a temporary folder, changes one line of a
style.yaml and reads it as a build does, asserting the style or the located
error; the last ones show that a broken style.yaml stops only the issues
that name it.
"""
from __future__ import annotations

import shutil

import pytest
import yaml

from pipeline import model, style
from pipeline.declare import declarations, field_names
from pipeline.errors import InputError
from pipeline.paths import STYLES, TEMPLATES
from pipeline.style import Forms, Labels, Script, Style, load_style

ISSUE = """\
series: Spotlight on Regional Affairs
volume: 41
number: 6
month: 6
year: 2022
publisher: Institute of Regional Studies, Islamabad
articles:
  - article.md
"""


def copy_styles(tmp_path, name: str = "", old: str = "", new: str = ""):
    """styles/ copied into tmp_path, with old replaced by new in <name>/style.yaml;
    the line (1-based) old was on."""
    shutil.copytree(STYLES, tmp_path / "styles")
    if not name:
        return tmp_path / "styles", 0
    path = tmp_path / "styles" / name / "style.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "styles", text[:text.index(old)].count("\n") + 1


def error(folder) -> InputError:
    with pytest.raises(InputError) as caught:
        load_style(folder)
    return caught.value


def test_every_key_of_style_yaml_is_a_declared_field_of_style():
    """The top-level keys both journals write are Style's declared fields, no more."""
    written = set()
    for folder in STYLES.iterdir():
        if (folder / "style.yaml").is_file():
            written |= set(yaml.safe_load((folder / "style.yaml").read_text(encoding="utf-8")))
    assert written == set(declarations(Style))
    assert {"labels.notes", "forms.head_even", "fonts.scripts", "fields.required_by_type",
            "limits.abstract_words"} <= field_names(Style)


def test_a_style_is_made_of_its_declared_records():
    spotlight = load_style(STYLES / "spotlight")
    assert isinstance(spotlight.labels, Labels) and isinstance(spotlight.forms, Forms)
    assert spotlight.labels.notes == "Notes and References"
    assert spotlight.forms.head_even == ""            # the declared default
    assert spotlight.limits.abstract_words == (0, 0)  # limits: absent, all defaults
    assert isinstance(spotlight.scripts["urdu"], Script)
    assert spotlight.scripts["cjk"].features == ""
    assert spotlight.required == {"title", "authors", "authors.name", "authors.bio"}
    assert "A" in spotlight.pdflatex_chars and "\u0915" not in spotlight.pdflatex_chars


@pytest.mark.parametrize("old, new, key, message, hint", [
    ('footer: "{issue} ({page})"', 'footer: "{issue} ({pgae})"', "footer",
     "'forms.footer' names an unknown field '{pgae}'", "did you mean '{page}'?"),
    ("seasons: [Winter, Winter, ", "seasons: [Winter, ", "seasons",
     "'issue.seasons' has 11 entries; expected 12",
     "write a list, one '- item' per line under 'seasons:'"),
    ("  footer: every ", "  footer: evry ", "footer",
     "'check.footer' 'evry' is not one of: every, first, none", "did you mean 'every'?"),
    ("cjk: {font: WenQuanYi Zen Hei, direction: ltr}", "cjk: {font: WenQuanYi Zen Hei}",
     "cjk", "required key 'direction' is missing", "add a line 'direction: ...'"),
    ("  en-US: american", "  en-US: [american]", "en-US",
     "'languages.en-US' expected text, got a list",
     "write en-US: followed by the text on the same line (quote it if it has ': ')"),
])
def test_a_wrong_style_yaml_value_is_located_with_advice(tmp_path, old, new, key, message,
                                                        hint):
    styles, line = copy_styles(tmp_path, "spotlight", old, new)
    caught = error(styles / "spotlight")
    assert (caught.message, caught.hint) == (message, hint)
    assert (caught.where.path, caught.where.line) == (styles / "spotlight" / "style.yaml", line)


def test_a_missing_label_names_the_key_to_add(tmp_path):
    styles, line = copy_styles(tmp_path, "spotlight", "  board: Editorial Board\n", "")
    caught = error(styles / "spotlight")
    assert (caught.message, caught.hint) == ("required key 'board' is missing",
                                             "add a line 'board: ...'")
    assert caught.where.line == line - 4   # the first line of 'labels:', where it belongs


def test_notes_endnotes_layers_the_shared_endnotes_filter():
    """`notes:` does the work: no style folder names the endnotes filter itself."""
    assert load_style(STYLES / "spotlight").layers[-1] == TEMPLATES / "endnotes.yaml"
    assert TEMPLATES / "endnotes.yaml" not in load_style(STYLES / "regional-studies").layers
    for defaults in STYLES.glob("*/defaults.yaml"):
        assert "endnotes" not in yaml.safe_load(defaults.read_text(encoding="utf-8")).get(
            "filters", [])


@pytest.fixture
def broken_second_journal(tmp_path, monkeypatch):
    """styles/ copied, the non-default journal's style.yaml broken (an unknown
    key, a wrong choice); the pipeline reads styles from the copy."""
    styles, line = copy_styles(tmp_path, "regional-studies", "check:", "chekc:")
    path = styles / "regional-studies" / "style.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("notes: footnotes", "notes: foot"),
                    encoding="utf-8")
    monkeypatch.setattr(style, "STYLES", styles)
    monkeypatch.setattr(model, "STYLES", styles)
    issue = tmp_path / "2022-06"
    issue.mkdir()
    (issue / "issue.yaml").write_text(ISSUE, encoding="utf-8")
    (issue / "article.md").write_text("---\ntitle: T\nauthors:\n  - name: A\n    bio: B\n---\n\nText.\n",
                                      encoding="utf-8")
    return styles, issue, line


def test_a_broken_style_yaml_does_not_stop_the_other_journal(broken_second_journal):
    styles, issue_folder, _ = broken_second_journal
    issue = model.load_issue(issue_folder)
    assert issue.style == "spotlight"                    # the default, found all the same
    article = style.load_article(issue_folder / "article.md", issue)
    assert article.language == "en" and list(model.LANGUAGES) == ["en", "en-GB", "en-US"]


def test_a_broken_style_yaml_stops_its_own_issues_at_its_line(broken_second_journal):
    styles, issue_folder, line = broken_second_journal
    text = (issue_folder / "issue.yaml").read_text(encoding="utf-8")
    (issue_folder / "issue.yaml").write_text(text + "style: regional-studies\n", encoding="utf-8")
    issue = model.load_issue(issue_folder)
    with pytest.raises(InputError) as caught:
        style.style_of(issue)
    assert (caught.value.message, caught.value.hint) == ("unknown key 'chekc'",
                                                         "did you mean 'check'?")
    assert (caught.value.where.path, caught.value.where.line) == (
        styles / "regional-studies" / "style.yaml", line)
