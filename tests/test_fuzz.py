"""Property-based tests: author-supplied text reaches the PDF exactly, or is refused.

For a title, an author's name and bio, and a body paragraph made of Unicode
letters (any script), spaces, TeX's special characters and Markdown
punctuation, a build of a one-article issue must either

  (a) succeed, and then the offprint's text layer (pipeline.tools.poppler,
      i.e. pdftotext -layout) and its XMP (dc:title, dc:creator) hold the
      text exactly, or
  (b) fail with a typed error (a PipelineError with exit code 3..7, or that
      exit code and no traceback from the command line) that names the
      code point of a character of the input the house fonts lack.

Never a traceback, a hang, or a silent change.

Runtime: each example is a real build (Pandoc, pdfLaTeX or XeLaTeX, pikepdf,
pdftotext), 0.3-2 s. The default profile runs few examples, derandomized so
CI is reproducible, and does not shrink (shrinking a failure costs hundreds of
builds); `HYPOTHESIS_PROFILE=long` runs more, randomized, with shrinking.
`SPOTLIGHT_FUZZ_EXAMPLES=N` sets the number of examples of either profile.

    .venv/bin/python -m pytest tests/test_fuzz.py -q
    HYPOTHESIS_PROFILE=long SPOTLIGHT_FUZZ_EXAMPLES=300 .venv/bin/python -m pytest tests/test_fuzz.py -q
"""
from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
import yaml
from hypothesis import HealthCheck, Phase, event, given, note, settings
from hypothesis import strategies as st

from pipeline.errors import PipelineError
from pipeline.issue import build_issue
from pipeline.paths import ROOT, BuildDirs
from pipeline.tools import poppler

# ------------------------------------------------------------------ profiles
# Registered here (not in conftest or pytest.ini) and applied per test with
# settings(parent=...), so they do not change other test files' settings.
_EXAMPLES = os.environ.get("SPOTLIGHT_FUZZ_EXAMPLES")
_COMMON = dict(
    # A hang is caught twice: each program run stops at the issue's
    # limits.seconds (set low below), and an example slower than the deadline
    # fails. 60 s leaves room for the first example, which also makes the
    # pdfLaTeX format and may warm XeLaTeX's font cache.
    deadline=timedelta(seconds=60),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "spotlight-fuzz-default",
    max_examples=int(_EXAMPLES or 12), derandomize=True, database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate], **_COMMON)
settings.register_profile(
    "spotlight-fuzz-long",
    max_examples=int(_EXAMPLES or 200), derandomize=False, **_COMMON)
FUZZ = settings.get_profile("spotlight-fuzz-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long"
                            else "spotlight-fuzz-default")

# ----------------------------------------------------------------- alphabet
TEX_SPECIALS = "#$%&~_^\\{}"
MARKDOWN_PUNCTUATION = "*_[]()!`<>|\"'-.+:=@,"
SPECIALS = TEX_SPECIALS + MARKDOWN_PUNCTUATION
# Characters of the alphabet that Pandoc's Markdown may read as markup
# (emphasis, code, math, sub/superscript, smart quotes and dashes, links,
# entities, raw HTML, attributes...). Every one of them is ASCII punctuation,
# which Pandoc's Markdown lets an author backslash-escape to mean "this very
# character" ('Any ASCII punctuation character may be escaped'). We escape
# rather than restrict the alphabet: what an author meant by '\*' or '\$' is
# unambiguous, and keeping it is the pipeline's job. '%' and ',' are never
# Markdown markup and are left bare (they test Pandoc's TeX escaping alone).
MARKDOWN_ESCAPED = set(SPECIALS) - {"%", ","}

# Letters: hypothesis' st.characters(categories=["L"]) draws from every
# script, where nearly every letter is outside the house fonts, so nearly
# every example would be a (correct) rejection. Half the letters are drawn
# from Latin (up to U+024F, plus Latin Extended Additional, where the
# dot-below letters live) so that successful builds, where silent changes
# hide, are common too.
ANY_LETTER = st.characters(categories=["L"])
LATIN_LETTER = st.one_of(st.characters(categories=["L"], max_codepoint=0x024F),
                         st.characters(categories=["L"], min_codepoint=0x1E00, max_codepoint=0x1EFF))
CHARACTER = st.one_of(ANY_LETTER, LATIN_LETTER, LATIN_LETTER, st.sampled_from(SPECIALS),
                      st.just(" "))


def texts(max_size: int):
    # Surrounding whitespace is stripped by the schema, and an all-blank
    # field is refused as empty (a correct InputError, but not interesting).
    return st.text(CHARACTER, min_size=1, max_size=max_size).filter(lambda s: s.strip())


def escape_markdown(text: str) -> str:
    """Text as Markdown that Pandoc reads back as exactly this text."""
    return "".join("\\" + c if c in MARKDOWN_ESCAPED else c for c in text)


# Fixed ASCII words around each fuzzed field, so that it is found in its own
# place on the page and not anywhere (a one-letter title is on every page).
# They are short enough never to be hyphenated.
MARKS = {"title": ("Tqz", "zqT"), "name": ("Nqz", "zqN"), "bio": ("Bqz", "zqB"),
         "body": ("Pqz", "zqP")}


def marked(field: str, text: str) -> str:
    before, after = MARKS[field]
    return f"{before} {text} {after}"


# ----------------------------------------------------------- normalisation
# Poppler wraps right-to-left runs in these bidi controls (U+202A-U+202E,
# U+2066-U+2069); they are not in the PDF and are not the author's.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def nfc(text: str) -> str:
    # NFC on both sides: the PDF text layer of an accented letter TeX builds
    # from a base letter and an accent comes out decomposed (a + U+0304),
    # and a few letters of the input are not NFC themselves (U+212B ANGSTROM
    # SIGN is NFC U+00C5). Both are the same text to a reader.
    return unicodedata.normalize("NFC", text)


def fold_spaces(text: str) -> str:
    return " ".join(text.split())


def layer_pattern(expected: str) -> re.Pattern:
    """A regex that finds expected in folded text-layer text.

    Whitespace is not compared: pdfTeX writes no space characters, poppler
    infers word gaps from glyph positions, and -layout drops gaps next to
    narrow glyphs in centred lines ('A ^ b ~ c' extracts as 'Aˆb~c'; with
    pdftotext -raw the spaces are there). Between any two characters the
    text layer may also show a line break made by hyphenation ('- ')."""
    chars = [re.escape(c) for c in nfc(expected) if not c.isspace()]
    return re.compile(r"(?:-? )?".join(chars))


def text_layer(pdf: Path) -> str:
    return fold_spaces(nfc("\n".join(poppler.page_texts(pdf))).translate(_BIDI_CONTROLS))


# --------------------------------------------------------------- the build
ISSUE_YAML = """\
series: Spotlight on Regional Affairs
volume: 40
number: 7
month: 7
year: 2022
publisher: Institute of Regional Studies, Islamabad
first_page: 1
limits:
  seconds: 20
articles:
  - fuzz.md
"""
DEFAULTS = {"title": "A Plain Title", "name": "Ann Author", "bio": "Ann Author is a fellow.",
            "body": "A plain paragraph of text."}
_counter = itertools.count()


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory) -> Path:
    """One build folder for the module, so the pdfLaTeX format is made once."""
    return tmp_path_factory.mktemp("fuzz")


def write_issue(root: Path, fields: dict[str, str]) -> Path:
    """A one-article issue whose fields are the given plain texts (Markdown-escaped)."""
    folder = root / f"fuzz-{next(_counter)}"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ISSUE_YAML, encoding="utf-8")
    front = {"title": escape_markdown(fields["title"]),
             "authors": [{"name": escape_markdown(fields["name"]),
                          "bio": escape_markdown(fields["bio"])}]}
    front_matter = yaml.safe_dump(front, allow_unicode=True, width=1_000_000, sort_keys=False)
    body = escape_markdown(fields["body"])
    (folder / "fuzz.md").write_text(f"---\n{front_matter}---\n\n{body}\n", encoding="utf-8")
    note(f"fuzz.md:\n{(folder / 'fuzz.md').read_text(encoding='utf-8')}")
    return folder


def input_characters(fields: dict[str, str]) -> set[str]:
    return set("".join(fields.values()))


def check_rejection(error: PipelineError, fields: dict[str, str]) -> None:
    """(b): a typed error that names a non-ASCII character of the input.

    Printable ASCII is in every house font, so text of ASCII letters, TeX
    specials and Markdown punctuation must never be refused; a refusal must
    name (as U+XXXX) the character the author has to replace."""
    message = str(error)
    note(f"rejected: {type(error).__name__} (exit {error.exit_code}): {message}")
    assert 3 <= error.exit_code <= 7, message
    named = {chr(int(code, 16)) for code in re.findall(r"U\+([0-9A-F]{4,6})", message)}
    culprits = {c for c in named if c in input_characters(fields) and not c.isascii()}
    assert culprits, f"valid input refused without naming a character of it: {message}"
    event(f"rejected: {type(error).__name__}")


def check_offprint(pdf: Path, fields: dict[str, str]) -> None:
    """(a): every field is in the text layer; title and name in the XMP."""
    layer = text_layer(pdf)
    note(f"text layer: {layer}")
    with pikepdf.open(pdf) as document:
        meta = document.open_metadata()
        title, creators = meta.get("dc:title"), meta.get("dc:creator")
    note(f"dc:title={title!r} dc:creator={creators!r}")
    assert fold_spaces(nfc(str(title))) == fold_spaces(nfc(fields["title"])), "dc:title differs"
    assert [fold_spaces(nfc(c)) for c in creators or []] == [fold_spaces(nfc(fields["name"]))], \
        "dc:creator differs"
    for field in ("title", "name", "bio", "body"):
        assert layer_pattern(fields[field]).search(layer), \
            f"{field} {fields[field]!r} is not in the text layer"
    event("built")


def build_and_check(root: Path, **fuzzed: str) -> None:
    fields = dict(DEFAULTS)
    for field, text in fuzzed.items():
        fields[field] = marked(field, text)
    folder = write_issue(root, fields)
    dirs = BuildDirs(root / "build")
    try:
        try:
            result = build_issue(folder, dirs, jobs=1)
        except PipelineError as error:  # input errors and issue-PDF checks raise
            check_rejection(error, fields)
            return
        if result.failures:
            (_, error), = result.failures
            check_rejection(error, fields)
            return
        assert result.issue_pdf is not None and result.issue_pdf.exists()
        check_offprint(result.built[0].pdf, fields)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(dirs.issue(folder.name), ignore_errors=True)


# -------------------------------------------------------------------- tests
@settings(parent=FUZZ)
@given(title=texts(40))
def test_title_text_reaches_pdf_or_is_refused(fuzz_root, title):
    build_and_check(fuzz_root, title=title)


@settings(parent=FUZZ)
@given(name=texts(30), bio=texts(80))
def test_author_name_and_bio_reach_pdf_or_are_refused(fuzz_root, name, bio):
    build_and_check(fuzz_root, name=name, bio=bio)


@settings(parent=FUZZ)
@given(body=texts(300))
def test_body_paragraph_reaches_pdf_or_is_refused(fuzz_root, body):
    build_and_check(fuzz_root, body=body)


@settings(parent=FUZZ, max_examples=min(FUZZ.max_examples, 4))
@given(title=texts(30), name=texts(20), body=texts(60))
def test_command_line_never_shows_a_traceback(fuzz_root, title, name, body):
    """The same inputs through `build.py issue`: exit 0 or 3..7, never a traceback."""
    fields = dict(DEFAULTS, title=marked("title", title), name=marked("name", name),
                  body=marked("body", body))
    folder = write_issue(fuzz_root, fields)
    build = fuzz_root / "build"
    try:
        run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--build-dir", str(build),
                              "-j", "1", "issue", str(folder)],
                             capture_output=True, text=True, timeout=120, cwd=ROOT)
        note(f"exit {run.returncode}\nstdout: {run.stdout}\nstderr: {run.stderr}")
        assert "Traceback" not in run.stderr + run.stdout
        assert "internal error" not in run.stderr
        assert run.returncode == 0 or 3 <= run.returncode <= 7, run.returncode
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(BuildDirs(build).issue(folder.name), ignore_errors=True)
