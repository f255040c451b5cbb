"""Confinement, proven at the byte level: a manuscript cannot read, write or
run anything outside its build, nor put active content into a PDF.

Canaries are planted: a file outside the project, one in a fake $HOME (the
build's HOME), and a secret in an environment variable of the build. Every
route in ROUTES (one line each) is tried under pdfLaTeX and under XeLaTeX
(forced by an Urdu word), as `build.py article` in a subprocess. Then:
  - no canary, in any form TeX may give it (letters only, hex, UTF-16, any
    case), is in any output: every byte of every file built, every PDF
    object's decompressed stream and every string, the text layer, the kept
    logs, the messages;
  - nothing new exists outside the build folder (fake HOME, the outside
    folder, the project tree, the build's TMPDIR and the test's folder);
  - the route ends in its ONE expected outcome: REFUSED (exit 3 at the
    manuscript line, with what to do), FAILED (exit 5, naming why) or
    PRINTED (exit 0, the attempt printed harmlessly as text).
The comment above each group of ROUTES names the guard that holds it; each
was checked by removing the guard and seeing its routes fail.
"""
from __future__ import annotations

import os
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest

from helpers import ONE_ARTICLE_ISSUE, run_build, seed_cache
from pipeline.paths import ROOT
from pipeline.tools import poppler

TOKEN = "CANARY5e1f9cDoNotLeak"      # letters and digits: survives math mode and hyphenation
SECRET = "CITOKENq7Zk2Xw9PvRm4"       # in the build's environment, as a CI token would be
SECRET_VARIABLE = "SPOTLIGHT_DEPLOY_TOKEN"
URDU = "اردو"  # forces XeLaTeX
SYSTEM_PNG = "/usr/share/texlive/texmf-dist/tex/latex/mwe/example-image-1x1.png"  # in the sandbox

ISSUE = ONE_ARTICLE_ISSUE + "allow_raw_latex: {raw}\nlimits: {{seconds: 60}}\n"
FRONT = """---
title: Attack
authors:
  - name: Mallory
    bio: Mallory tests the pipeline.
{extra}---

## Introduction

{body}
"""
REFUSED, FAILED, PRINTED = 3, 5, 0

# Raw TeX that works under both engines: pdfTeX primitives, else dvipdfmx specials,
# passed to LaTeX verbatim (`...`{=latex}), as Pandoc's raw_tex parser would split it.
JS_ACTION = r"<< /S /JavaScript /JS (this.print) >>"
LAUNCH_ACTION = r"<< /S /Launch /F (/bin/sh) >>"


def _raw(tex: str) -> str:
    return f"`{tex}`{{{{=latex}}}} done"


def _both_engines(pdftex: str, dvipdfmx: str) -> str:
    return _raw(f"\\ifdefined\\pdfcatalog {pdftex}\\else {dvipdfmx}\\fi")


CATALOG_JS = _both_engines(r"\pdfcatalog{{/OpenAction " + JS_ACTION + "}}",
                           r"\special{{pdf:put @catalog << /OpenAction " + JS_ACTION + " >>}}")
ANNOT_LAUNCH = _both_engines(
    r"\pdfannot width 2cm height 1cm depth 0pt {{/Subtype /Link /A " + LAUNCH_ACTION + "}}",
    r"\special{{pdf:ann width 2cm height 1cm << /Subtype /Link /A " + LAUNCH_ACTION + " >>}}")
PAGE_AA = _both_engines(r"\pdfpageattr{{/AA << /O " + JS_ACTION + " >>}}",
                        r"\special{{pdf:put @thispage << /AA << /O " + JS_ACTION + " >> >>}}")
ATTACHMENT = _both_engines(
    r"\immediate\pdfobj stream attr{{/Type /EmbeddedFile}} {{hello}}"
    r"\pdfannot width 1cm height 1cm depth 0pt {{/Subtype /FileAttachment /FS << /Type /Filespec"
    r" /F (a.txt) /EF << /F \the\pdflastobj\space 0 R >> >>}}",
    r"\special{{pdf:stream @f (hello) << /Type /EmbeddedFile >>}}"
    r"\special{{pdf:ann width 1cm height 1cm << /Subtype /FileAttachment /FS << /Type /Filespec"
    r" /F (a.txt) /EF << /F @f >> >> >>}}")
PDFOBJ_OF = r"\immediate\pdfobj stream file{{FILE}}\pdfcatalog{{/Leak \the\pdflastobj\space 0 R}}"
OPENIN = r"\newread\canaryread \openin\canaryread=FILE \read\canaryread to\x \x"
# pdfTeX shows the first line of an encoding file it cannot parse.
MAPLINE = r"\pdfmapline{{=ecrm1000 X <{o}/canary.enc}}\font\y=ecrm1000 \y A"
# A file's bytes into a PDF stream the catalog refers to (not an attachment).
STREAM_OF = _both_engines(
    PDFOBJ_OF,
    r"\special{{pdf:fstream @leak (FILE)}}\special{{pdf:put @catalog << /Leak @leak >>}}")


@dataclass(frozen=True)
class Route:
    raw: bool            # allow_raw_latex in issue.yaml
    body: str            # the article's body; {o} is the outside folder
    outcome: int         # REFUSED, FAILED or PRINTED
    says: str            # in the message (REFUSED, FAILED) or the PDF's text (PRINTED)
    extra: str = ""      # a front-matter line (the refusal is then at line 6)
    linked: bool = False  # article.md is a symlink to a manuscript outside
    xelatex: tuple[int, str] | None = None  # (outcome, says) where XeLaTeX differs

    def expected(self, engine: str) -> tuple[int, str]:
        return self.xelatex if engine == "xelatex" and self.xelatex else (self.outcome, self.says)


ROUTES = {
    # ---- math is raw TeX even without allow_raw_latex: the math allowlist, before Pandoc
    "math-pdfobj-file": Route(False, "$" + PDFOBJ_OF.replace("FILE", "{o}/canary.txt") + "$",
                              REFUSED, "immediate"),
    "math-pdfobj-environ": Route(False, "$" + PDFOBJ_OF.replace("FILE", "/proc/self/environ")
                                 + "$", REFUSED, "immediate"),
    "math-special-fstream": Route(False, r"$\special{{pdf:fstream @c ({o}/canary.txt)}}"
                                         r"\special{{pdf:put @catalog << /Leak @c >>}}$",
                                  REFUSED, "special"),
    "math-input-home": Route(False, r"$\input{{~/canary}}$", REFUSED, "input"),
    "math-openin-home": Route(False, "$" + OPENIN.replace("FILE", r"\string~/canary.tex") + "$",
                              REFUSED, "newread"),
    "math-font-mktexpk": Route(False, r"$\font\x=ecbx1000 at 300pt \x A$", REFUSED, "font"),
    "math-pdfmapline": Route(False, "$" + MAPLINE + "$", REFUSED, "pdfmapline"),
    "math-pdfcatalog-js": Route(False, r"$\pdfcatalog{{/OpenAction " + JS_ACTION + "}}$",
                                REFUSED, "pdfcatalog"),
    "math-pdfannot-launch": Route(False, r"$\pdfannot{{/Subtype /Link /A " + LAUNCH_ACTION
                                  + "}}$", REFUSED, "pdfannot"),
    "math-special-js": Route(False, r"$\special{{pdf:put @catalog << /OpenAction " + JS_ACTION
                             + " >>}}$", REFUSED, "special"),
    "math-csname-input": Route(False, r"$\csname in\string put\endcsname{{{o}/canary.tex}}$",
                               REFUSED, "csname"),
    "math-openout": Route(False, r"$\immediate\openout15={o}/written.tex$", REFUSED, "immediate"),
    # ---- links: the link filter (http, https, mailto, doi); the PDF scan behind it
    "link-run": Route(False, "[x](run:/bin/sh)", REFUSED, "run:"),
    "link-file": Route(False, "[x](file://{o}/canary.txt)", REFUSED, "file:"),
    "link-javascript": Route(False, "[x](javascript:alert(1))", REFUSED, "javascript:"),
    "link-https-kept": Route(False, "[the site](https://example.org) done", PRINTED, "the site"),
    # ---- images: the image path checks (relative, inside the issue folder, no links)
    "image-absolute": Route(False, "![x]({o}/canary.png)", REFUSED, "absolute"),
    "image-traversal": Route(False, "![x](../../../../../../../../{o}/canary.png)", REFUSED, ".."),
    "image-backslash-outside": Route(False, "![x]({ob}\\canary.png)", REFUSED, "canary.png"),
    "image-backslash-system": Route(False, "![x](" + SYSTEM_PNG.replace("/", "\\") + ")",
                                    REFUSED, "example-image-1x1.png"),
    "image-symlink": Route(False, "![x](link.png)", REFUSED, "link.png"),
    # ---- the manuscript: no links as inputs; only schema keys; raw TeX off prints as text
    "manuscript-symlink": Route(False, "Text.", REFUSED, "article.md", linked=True),
    "meta-header-includes": Route(False, "Text.", REFUSED, "header-includes",
                                  extra=r"header-includes: '\input{{{o}/canary.tex}}'"),
    "meta-bibliography": Route(False, "Text [@key].", REFUSED, "bibliography",
                               extra="bibliography: {o}/canary.txt"),
    "meta-include-before": Route(False, "Text.", REFUSED, "include-before",
                                 extra="include-before: '{o}/canary.tex'"),
    "plain-input-text": Route(False, r"\input{{{o}/canary.tex}} done", PRINTED, "canary.tex"),
    # ---- raw LaTeX allowed. Files: openin_any/openout_any=p; XeLaTeX: bubblewrap
    "raw-input-absolute": Route(True, r"\input{{{o}/canary.tex}}", FAILED, "canary.tex"),
    "raw-input-traversal": Route(True, r"\input{{../../../../../../../../{o}/canary.tex}}",
                                 FAILED, "canary.tex"),
    "raw-openin-read": Route(True, _raw(OPENIN.replace("FILE", "{o}/canary.txt")), FAILED, "read"),
    "raw-openout-write": Route(True, r"\newwrite\w \immediate\openout\w={o}/written.tex "
                                     r"\immediate\write\w{{x}}\immediate\closeout\w done",
                               FAILED, "written.tex"),
    "raw-includegraphics": Route(True, r"\includegraphics{{{o}/canary.png}}", FAILED, "canary.png"),
    # ---- shell_escape=f and -no-shell-escape: \write18 is written to the log, not run
    "raw-shell-escape": Route(True, r"\immediate\write18{{touch {o}/shell-ran}} done",
                              PRINTED, "done"),
    # ---- HOME, TEXMFVAR... inside the work folder; mktexpk off
    "raw-input-home": Route(True, r"\input{{~/canary}}", FAILED, "canary"),
    "raw-openin-home": Route(True, _raw(OPENIN.replace("FILE", r"\string~/canary.tex")),
                             FAILED, "read"),
    "raw-font-mktexpk": Route(True, r"\font\x=ecbx1000 at 300pt \x A done", FAILED, "ecbx1000",
                              xelatex=(FAILED, "xdvipdfmx stopped")),
    # ---- \pdfobj file and \pdfmapline ignore openin_any: bubblewrap for pdfLaTeX too;
    #      and a minimal environment (no secret in /proc/self/environ)
    "raw-stream-of-outside-file": Route(True, STREAM_OF.replace("FILE", "{o}/canary.txt"),
                                        FAILED, "canary.txt", xelatex=(PRINTED, "done")),
    "raw-stream-of-environ": Route(True, STREAM_OF.replace("FILE", "/proc/self/environ"),
                                   FAILED, "/proc/self/environ", xelatex=(PRINTED, "done")),
    "raw-pdfmapline": Route(True, _raw(MAPLINE), FAILED, "canary.enc",
                            xelatex=(FAILED, "xdvipdfmx stopped")),
    # ---- active content: the PDF scan (pipeline/pdfscan.py), exit 5
    "raw-catalog-javascript": Route(True, CATALOG_JS, FAILED, "JavaScript"),
    "raw-annot-launch": Route(True, ANNOT_LAUNCH, FAILED, "Launch action"),
    "raw-page-additional-action": Route(True, PAGE_AA, FAILED, "/AA additional action"),
    "raw-file-attachment": Route(True, ATTACHMENT, FAILED, "FileAttachment annotation"),
    "raw-href-file": Route(True, r"\href{{file://{o}/canary.txt}}{{x}} done", FAILED,
                           "a link to 'file:"),
    "raw-href-run": Route(True, r"\href{{run:/bin/sh}}{{x}} done", FAILED, "Launch action"),
}


def _png(path: Path) -> None:
    """A valid 1x1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def outside(tmp_path_factory) -> Path:
    """The canaries outside the project, shared by every route."""
    folder = tmp_path_factory.mktemp("outside")
    for name in ("canary.tex", "canary.txt"):
        (folder / name).write_text(TOKEN + "\n")
    (folder / "canary.enc").write_text(TOKEN + "\n")
    (folder / "attack.md").write_text(FRONT.format(extra="", body=f"{TOKEN} is printed."))
    _png(folder / "canary.png")
    return folder


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """A clean one-article build: it passes the scan, and its format cache seeds every route."""
    base = tmp_path_factory.mktemp("seed")
    (base / "issue").mkdir()
    (base / "issue" / "issue.yaml").write_text(ISSUE.format(raw="false"))
    (base / "issue" / "article.md").write_text(FRONT.format(
        extra="", body="Clean [text](https://example.org).[^1]\n\n[^1]: A note."))
    done = run_build("--build-dir", str(base / "build"), "article", str(base / "issue" / "article.md"))
    assert done.returncode == 0, done.stderr
    return base / "build"


def _forms(secret: str) -> list[bytes]:
    """The secret as TeX or a PDF may hold it, lower-cased: plain, hex, UTF-16."""
    raw = secret.encode()
    return [raw.lower(), raw.hex().encode(), secret.lower().encode("utf-16-be")]


def _letters(text: str) -> str:
    """Letters and digits only, lower-cased: math mode and kerning add spaces and signs."""
    return re.sub(r"[\W_]", "", text).lower()


def _leaks(data: bytes) -> list[str]:
    """Which canaries data holds, in any of their forms."""
    lowered, letters = data.lower(), _letters(data.decode("latin-1"))
    return [secret for secret in (TOKEN, SECRET)
            if any(form in lowered for form in _forms(secret))
            or _letters(secret) in letters]


def _pdf_pieces(path: Path):
    """Every object's decompressed stream and every string of a PDF, and its text layer."""
    with pikepdf.open(path) as pdf:
        for obj in [pdf.trailer, *pdf.objects]:
            yield from _strings(obj)
            if isinstance(obj, pikepdf.Stream):
                try:
                    yield obj.read_bytes()
                except pikepdf.PdfError:  # a filter pikepdf cannot decode: the raw bytes
                    yield obj.read_raw_bytes()
        for name, spec in pdf.attachments.items():
            yield name.encode() + spec.get_file().read_bytes()
    yield "\n".join(poppler.page_texts(path)).encode()


def _strings(obj):
    if isinstance(obj, pikepdf.String):
        yield bytes(obj)
    elif isinstance(obj, (pikepdf.Array, pikepdf.Dictionary)):
        for value in (obj if isinstance(obj, pikepdf.Array) else obj.values()):
            if not (isinstance(value, pikepdf.Object) and value.is_indirect):
                yield from _strings(value)
    elif isinstance(obj, pikepdf.Stream):
        yield from _strings(obj.stream_dict)


def _leaks_in_build(build: Path) -> dict[str, list[str]]:
    """file -> the canaries it holds, over everything built and kept (PDFs decompressed)."""
    found = {}
    for path in sorted(build.rglob("*")):
        if not path.is_file() or path.is_relative_to(build / ".cache" / "formats"):
            continue
        pieces = [path.read_bytes()]
        if pieces[0].startswith(b"%PDF"):
            pieces += list(_pdf_pieces(path))
        leaked = sorted({s for piece in pieces for s in _leaks(piece)})
        if leaked:
            found[str(path.relative_to(build))] = leaked
    return found


# The project's own build/ is where `build.py` writes without --build-dir: under
# pytest-xdist, tests on the other worker (`build.py check`) write there while a
# route runs. The route builds into its own build folder (skip), and its TeX runs
# in a sandbox that can write nothing but its work folder; a leak of the canary
# into any file is still found by _leaks_in_build and the messages.
PROJECT_BUILD = ROOT / "build"


def _snapshot(*folders: Path, skip: Path) -> dict[str, tuple]:
    """Every entry under folders, except skip and the project's build/: kind,
    size and mtime (links not followed)."""
    ignored = {".git", ".venv", "__pycache__", ".pytest_cache"}
    skipped = {skip, PROJECT_BUILD}
    entries = {}
    for folder in folders:
        for parent, folders_in, files in os.walk(folder):
            folders_in[:] = [f for f in folders_in
                             if f not in ignored and Path(parent, f) not in skipped]
            for name in folders_in + files:
                info = os.lstat(os.path.join(parent, name))
                entries[os.path.join(parent, name)] = (info.st_mode, info.st_size, info.st_mtime_ns)
    return entries


def _write_issue(base: Path, route: Route, engine: str, outside: Path) -> Path:
    issue = base / "issue"
    issue.mkdir()
    (issue / "issue.yaml").write_text(ISSUE.format(raw=str(route.raw).lower()))
    places = {"o": outside, "ob": str(outside).replace("/", "\\")}
    body = route.body.format(**places)
    if engine == "xelatex":
        body = f"{URDU} {body}"
    extra = route.extra.format(**places) + "\n" if route.extra else ""
    article = issue / "article.md"
    if route.linked:
        article.symlink_to(outside / "attack.md")
    else:
        article.write_text(FRONT.format(extra=extra, body=body), encoding="utf-8")
    if "link.png" in route.body:
        (issue / "link.png").symlink_to(outside / "canary.png")
    return article


@pytest.mark.parametrize("engine", ["pdflatex", "xelatex"])
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_cannot_leak_or_escape(name, engine, outside, seeded, tmp_path):
    route = ROUTES[name]
    article = _write_issue(tmp_path, route, engine, outside)
    home, scratch, build = tmp_path / "home", tmp_path / "tmp", tmp_path / "build"
    home.mkdir()
    (home / "canary.tex").write_text(TOKEN + "\n")
    scratch.mkdir()
    seed_cache(build, seeded)
    env = {**os.environ, "HOME": str(home), "TMPDIR": str(scratch), SECRET_VARIABLE: SECRET}
    watched = (home, outside, ROOT, tmp_path)
    before = _snapshot(*watched, skip=build)

    done = run_build("--build-dir", str(build), "article", str(article), env=env)

    messages = done.stdout + done.stderr
    assert "Traceback" not in messages and "internal error" not in messages, messages
    assert _leaks(messages.encode()) == [], messages
    assert _leaks_in_build(build) == {}
    assert _snapshot(*watched, skip=build) == before, "something was written outside build/"
    outcome, says = route.expected(engine)
    assert done.returncode == outcome, messages
    offprint = build / "issue" / "articles" / "article.pdf"
    if outcome == PRINTED:
        assert _letters(says) in _letters("".join(poppler.page_texts(offprint)))
        return
    assert not offprint.exists()
    assert says in done.stderr and "what to do" in done.stderr, done.stderr
    if outcome == REFUSED:
        line = "" if route.linked else f":{6 if route.extra else 10}"
        assert f"{article}{line}" in done.stderr, done.stderr
        assert "input error" in done.stderr
    else:
        assert "build failed" in done.stderr
