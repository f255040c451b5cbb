"""The model declared once (issue 10, item 3): no TeX, no Pandoc.

Each case writes a small issue folder and reads it with model.load_issue /
load_article, as a build does, and asserts the model or the located error."""
from __future__ import annotations

import dataclasses
import inspect

import pytest

from pipeline import model, runner
from pipeline.errors import InputError
from pipeline.model import (ARTICLE_FIELDS, DEFAULT_REQUIRED, Deposit, Editorial, Limits,
                            load_article, load_issue)

ISSUE = """\
series: Regional Studies
volume: 32
number: 4
month: 10
year: 2014
publisher: Institute of Regional Studies, Islamabad
articles:
  - article.md
"""
ARTICLE = """\
---
title: Water and the Treaty
authors:
  - name: Ayesha Khan
    bio: Ayesha Khan writes about water.
---

Text.
"""
# Every new field, as the Regional Studies sample writes them (lines 1-21).
FULL = """\
---
title: "The Indus Waters Treaty at Sixty-Five"
short_title: Indus Waters at Sixty-Five
type: commentary
abstract: |
  The treaty has survived three wars.

  This *second* paragraph: asks what comes next.
keywords: [Indus, water, treaty]
authors:
  - name: Ayesha Khan
    degree: M.Phil
    affiliation: Kingston University, London
    position: Research Officer at the Institute of Regional Studies, Islamabad
    orcid: "0000-0002-1825-0097"
    email: ayesha.khan@example.org
    bio: Ayesha Khan writes about water.
  - name: Bilal Ahmed
    degree: PhD
    position: Director of Research
---

Text.
"""
# Regional Studies: abstract, keywords and each author's degree, affiliation, position.
REGIONAL = DEFAULT_REQUIRED - {"authors.bio"} | {
    "abstract", "keywords", "authors.degree", "authors.affiliation", "authors.position"}


def write(tmp_path, article: str, issue: str = ISSUE):
    (tmp_path / "issue.yaml").write_text(issue, encoding="utf-8")
    (tmp_path / "article.md").write_text(article, encoding="utf-8")
    return load_issue(tmp_path)


def read(tmp_path, article: str, **options):
    issue = write(tmp_path, article)
    return load_article(tmp_path / "article.md", issue, **options)


def error(tmp_path, article: str, **options) -> InputError:
    with pytest.raises(InputError) as caught:
        read(tmp_path, article, **options)
    assert caught.value.exit_code == 3
    return caught.value


# ------------------------------------------------------------ new fields
def test_every_new_field_is_accepted(tmp_path):
    article = read(tmp_path, FULL, required=REGIONAL - {"authors.affiliation"},
                   style_name="regional-studies")
    assert article.short_title == "Indus Waters at Sixty-Five"
    assert article.type == "commentary"
    assert article.abstract == ("The treaty has survived three wars.\n\n"
                                "This *second* paragraph: asks what comes next.")
    assert article.keywords == ("Indus", "water", "treaty")
    first, second = article.authors
    assert (first.degree, first.affiliation, first.position) == (
        "M.Phil", "Kingston University, London",
        "Research Officer at the Institute of Regional Studies, Islamabad")
    assert (first.orcid, first.email) == ("0000-0002-1825-0097", "ayesha.khan@example.org")
    assert second.bio is None and second.affiliation is None


def test_defaults_of_the_new_fields(tmp_path):
    article = read(tmp_path, ARTICLE)
    assert (article.type, article.abstract, article.short_title) == ("article", None, None)
    assert (article.authors[0].degree, article.authors[0].position) == (None, None)
    assert article.keywords == ()


@pytest.mark.parametrize("line, needle", [
    ("short_title: " + "x" * 81, "'short_title' is 81 characters long; at most 80"),
    ("abstract: |\n" + "  word" * 401 + "\n", "'abstract' has 401 words; at most 400"),
    ("abstract: |\n  " + "x" * 3001 + "\n", "'abstract' is 3001 characters long; at most 3000"),
])
def test_bounds_of_the_new_article_fields(tmp_path, line, needle):
    caught = error(tmp_path, ARTICLE.replace("authors:", line + "\nauthors:"))
    assert needle in caught.message
    assert caught.where.line == 3


def test_abstract_advice_shows_the_block_scalar(tmp_path):
    caught = error(tmp_path, ARTICLE.replace("authors:", "abstract: [a, b]\nauthors:"))
    assert "'abstract' expected text, got a list" in caught.message
    assert "abstract: |" in caught.hint and "400 words" in caught.hint


@pytest.mark.parametrize("line, needle", [
    ("degree: " + "M" * 81, "'authors.0.degree' is 81 characters long; at most 80"),
    ("position: " + "p" * 201, "'authors.0.position' is 201 characters long; at most 200"),
    ("degree: |\n      M.Phil\n      PhD", "'authors.0.degree' must be on one line"),
])
def test_bounds_of_the_new_author_fields(tmp_path, line, needle):
    caught = error(tmp_path, ARTICLE.replace("    bio:", f"    {line}\n    bio:"))
    assert needle in caught.message
    assert caught.where.line == 5


# ------------------------------------------------------------ article types
def test_type_with_did_you_mean(tmp_path):
    caught = error(tmp_path, ARTICLE.replace("authors:", "type: editor-note\nauthors:"))
    assert str(caught.where) == f"{tmp_path / 'article.md'}:3:7"
    assert "'type' 'editor-note' is not one of: article, commentary, editors-note, " \
           "book-review" in caught.message
    assert caught.hint.startswith("did you mean 'editors-note'?")


def test_a_type_far_from_any_lists_them(tmp_path):
    caught = error(tmp_path, ARTICLE.replace("authors:", "type: poem\nauthors:"))
    assert caught.hint == "use one of: article, commentary, editors-note, book-review"


def test_an_editors_note_may_be_unsigned(tmp_path):
    article = read(tmp_path, "---\ntitle: From the Editor\ntype: editors-note\n---\n\nText.\n")
    assert article.authors == () and article.type == "editors-note"
    article = read(tmp_path, "---\ntitle: From the Editor\ntype: editors-note\n"
                             "authors: []\n---\n\nText.\n")
    assert article.authors == ()


@pytest.mark.parametrize("kind", ["article", "commentary", "book-review"])
def test_every_other_type_needs_an_author(tmp_path, kind):
    caught = error(tmp_path, f"---\ntitle: A Title\ntype: {kind}\n---\n\nText.\n")
    assert caught.message == "required key 'authors' is missing"
    caught = error(tmp_path, f"---\ntitle: A Title\ntype: {kind}\nauthors: []\n---\n\nText.\n")
    assert "'authors' has 0 entries; expected 1 to 12" in caught.message
    assert caught.where.line == 4


def test_a_declared_advice_is_the_hint(tmp_path):
    caught = error(tmp_path, ARTICLE.replace(
        "authors:\n  - name: Ayesha Khan\n    bio: Ayesha Khan writes about water.\n",
        "authors: Ayesha Khan\n"))
    assert "'authors' expected a list, got text" in caught.message
    assert caught.hint.startswith("under 'authors:', one '- name: ...' per author")


def test_a_signed_editors_note_is_still_checked(tmp_path):
    caught = error(tmp_path, ARTICLE.replace("authors:", "type: editors-note\nauthors:")
                   .replace("    bio: Ayesha Khan writes about water.\n", ""))
    assert caught.message == "required key 'bio' is missing" and caught.where.line == 5


# ------------------------------------------------------------ required by style
def test_default_required_is_spotlights():
    assert DEFAULT_REQUIRED == {"title", "authors", "authors.name", "authors.bio"}
    assert inspect.signature(load_article).parameters["required"].default is DEFAULT_REQUIRED
    assert REGIONAL <= ARTICLE_FIELDS and "authors.degree" in ARTICLE_FIELDS


def test_bio_is_optional_in_the_declaration_required_by_default(tmp_path):
    no_bio = ARTICLE.replace("    bio: Ayesha Khan writes about water.\n", "")
    caught = error(tmp_path, no_bio)
    assert caught.message == "required key 'bio' is missing"
    assert caught.hint == "add a line 'bio: ...'"
    assert str(caught.where) == f"{tmp_path / 'article.md'}:4:5"
    assert read(tmp_path, no_bio, required=DEFAULT_REQUIRED - {"authors.bio"}).authors[0].bio \
        is None


@pytest.mark.parametrize("name, line, key", [
    ("abstract", 2, "abstract"), ("keywords", 2, "keywords"),
    ("authors.degree", 4, "degree"), ("authors.position", 4, "position"),
    ("authors.affiliation", 4, "affiliation"),
])
def test_a_field_the_style_requires_is_a_located_error(tmp_path, name, line, key):
    caught = error(tmp_path, ARTICLE, required=DEFAULT_REQUIRED | {name},
                   style_name="regional-studies")
    assert caught.message == f"required key '{key}' is missing"
    assert caught.hint == f"add a line '{key}: ...'; the house style 'regional-studies' requires it"
    assert caught.where.path == tmp_path / "article.md" and caught.where.line == line


def test_a_required_list_must_not_be_empty(tmp_path):
    caught = error(tmp_path, ARTICLE.replace("authors:", "keywords: []\nauthors:"),
                   required=DEFAULT_REQUIRED | {"keywords"})
    assert "'keywords' has 0 entries; expected 1 to 30" in caught.message


def test_the_declaration_wins_over_the_style(tmp_path):
    """title has no default: it is required even if a style leaves it out."""
    caught = error(tmp_path, ARTICLE.replace("title: Water and the Treaty\n", ""),
                   required=frozenset(), style_name="regional-studies")
    assert caught.hint == "add a line 'title: ...'"   # not the style's doing


def test_an_unknown_required_name_is_refused(tmp_path):
    with pytest.raises(ValueError, match="authors.degre"):
        read(tmp_path, ARTICLE, required=DEFAULT_REQUIRED | {"authors.degre"})


def test_proof_placeholders_follow_required(tmp_path):
    article = read(tmp_path, ARTICLE, proof=True, required=REGIONAL)
    assert article.abstract == "**[abstract missing]**"
    assert article.keywords == ("**[keywords missing]**",)
    assert article.authors[0].degree == "**[degree missing]**"
    assert article.authors[0].bio == "Ayesha Khan writes about water."
    assert sorted(article.placeholders) == [
        ("abstract", 2), ("authors[0].affiliation", 4), ("authors[0].degree", 4),
        ("authors[0].position", 4), ("keywords", 2)]


def test_proof_placeholders_by_default_are_todays(tmp_path):
    article = read(tmp_path, "---\nkeywords: [x]\n---\n\nText.\n", proof=True)
    assert article.title == "**[title missing]**"
    assert article.authors[0].name == "**[name missing]**"
    assert article.authors[0].bio == "**[bio missing]**"
    assert [name for name, _ in article.placeholders] == [
        "title", "authors[0].name", "authors[0].bio"]


def test_an_unsigned_editors_note_gets_no_placeholder_author(tmp_path):
    article = read(tmp_path, "---\ntitle: From the Editor\ntype: editors-note\n---\n\nT.\n",
                   proof=True)
    assert article.authors == () and article.placeholders == ()


# ------------------------------------------------------------ declared once
def test_each_field_is_declared_once_on_its_dataclass():
    """The checker reads the dataclasses' own fields: no second schema in model.py."""
    for cls in (model.Issue, model.Article, model.Author, Limits, Editorial, Deposit):
        declared = model.declarations(cls)
        assert declared, cls
        assert all(hasattr(f.metadata["rule"], "check") for f in declared.values())
    assert not [name for name, value in vars(model).items()
                if isinstance(value, model.Record) or name in ("ISSUE", "ARTICLE", "AUTHOR")]


def test_limits_defaults_have_one_home():
    defaults = {f.name: f.default for f in dataclasses.fields(Limits)}
    assert defaults == {"seconds": 120, "memory_mb": 2048, "output_mb": 200, "pages": 300}
    assert Limits() == Limits(**defaults)
    budget = runner.Budget()
    assert (budget.seconds, budget.memory_mb, budget.output_mb) == (
        Limits().seconds, Limits().memory_mb, Limits().output_mb)
    assert runner.Budget.of(Limits()) == budget
    assert "2048" not in inspect.getsource(runner) and "120" not in inspect.getsource(runner)


def test_limits_from_issue_yaml(tmp_path):
    issue = write(tmp_path, ARTICLE, ISSUE + "limits:\n  seconds: 60\n")
    assert issue.limits == Limits(seconds=60)
    assert model.issue_limits(tmp_path) == Limits(seconds=60)
    (tmp_path / "issue.yaml").write_text(ISSUE + "limits:\n  secnds: 60\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        model.issue_limits(tmp_path)
    assert caught.value.message == "unknown key 'secnds'" and caught.value.where.line == 10
    assert caught.value.hint == "did you mean 'seconds'?"


def test_editorial_and_deposit_are_typed(tmp_path):
    issue = write(tmp_path, ARTICLE, ISSUE + """\
editorial:
  patron: Ambassador (R) Nadeem Riyaz
  board:
    - Dr Shabana Fayyaz
deposit:
  contact: Editor
  url: https://www.example.org/rs
""")
    assert issue.editorial == Editorial(patron="Ambassador (R) Nadeem Riyaz",
                                        board=("Dr Shabana Fayyaz",))
    assert issue.deposit == Deposit(contact="Editor", url="https://www.example.org/rs")
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.editorial.editor = "someone"
    assert write(tmp_path, ARTICLE).editorial == Editorial()


def test_editorial_key_misspelt_is_located(tmp_path):
    with pytest.raises(InputError) as caught:
        write(tmp_path, ARTICLE, ISSUE + "editorial:\n  patrn: X\n")
    assert caught.value.message == "unknown key 'patrn'"
    assert str(caught.value.where).endswith("issue.yaml:10:3")
    assert caught.value.hint == "did you mean 'patron'?"


def test_language_choice_says_did_you_mean(tmp_path):
    caught = error(tmp_path, ARTICLE.replace("authors:", "language: en-gb\nauthors:"))
    assert "'language' 'en-gb' is not one of: en, en-GB, en-US" in caught.message
    assert caught.hint.startswith("did you mean 'en-GB'?")
