"""Faults of real machines and of real editors, each through `build.py` as a
subprocess: a clear message and a documented exit code (8: environment; 130:
interrupted; 2: usage), never exit 1, an abort or a traceback; no scratch
left behind and the last good PDF untouched. Also: inputs are read once (a
manuscript saved during a build is built again next time), cache keys do not
depend on how the issue folder is named, and two builds of one issue at once
both end with a correct issue."""
from __future__ import annotations

import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pikepdf
import pytest

from helpers import (BUILD_PY, FRONT_MATTER, ONE_ARTICLE_ISSUE, OneArticleProject, digest,
                     mtimes, page_texts, run_build, seed_cache)

MD = FRONT_MATTER + """
## Introduction

A paragraph about the river basin and its map.

![The basin](figures/basin.png){width=40%}

A closing paragraph with the word EDITION0.
"""
SLOW_TEX = r"\loop\iftrue\repeat"


def png(width: int = 600, height: int = 300, dpi: int = 300) -> bytes:
    """A grey RGB PNG with its resolution recorded (pHYs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\0" + bytes([90, 120, 150]) * width for _ in range(height))
    per_metre = round(dpi / 0.0254)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def project(tmp_path_factory, built_sample) -> OneArticleProject:
    """A one-article issue with a figure, built once (the good PDF)."""
    project = OneArticleProject(tmp_path_factory.mktemp("faults"), MD)
    project.write()
    (project.folder / "figures").mkdir()
    (project.folder / "figures" / "basin.png").write_bytes(png())
    seed_cache(project.build, built_sample.dirs.root)
    done = build_issue(project)
    assert done.returncode == 0, done.stderr
    project.remember_good_pdf()
    return project


@pytest.fixture
def copy(project, tmp_path) -> OneArticleProject:
    """A private copy of the built project (manuscript and build folder)."""
    mine = OneArticleProject.__new__(OneArticleProject)
    mine.__dict__.update(project.__dict__)
    mine.base = tmp_path / "p"
    shutil.copytree(project.base, mine.base, symlinks=True)
    mine.folder = mine.base / "manuscript" / OneArticleProject.SLUG
    mine.issue_yaml, mine.md = mine.folder / "issue.yaml", mine.folder / "article.md"
    mine.build = mine.base / "build"
    mine.pdf = mine.build / OneArticleProject.SLUG / "articles" / "article.pdf"
    return mine


def build_issue(project: OneArticleProject, folder: str | None = None):
    return run_build("--build-dir", str(project.build), "issue", folder or str(project.folder))


def edit(project: OneArticleProject, word: str) -> None:
    text = project.md.read_text(encoding="utf-8")
    project.md.write_text(text.split("EDITION")[0] + word + ".\n", encoding="utf-8")


def assert_scratch_removed(project: OneArticleProject) -> None:
    work = project.build / ".work"
    assert not work.exists() or list(work.iterdir()) == []
    leftovers = [p for p in project.build.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def assert_clean_failure(done, code: int, *needles: str) -> None:
    assert done.returncode == code, done.stderr
    for needle in needles:
        assert needle in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


# ------------------------------------------------------------ cache keys
def test_relative_absolute_and_all_rebuild_nothing_the_second_time(copy):
    relative = os.path.relpath(copy.folder, BUILD_PY.parent)
    first = build_issue(copy, relative)
    assert first.returncode == 0, first.stderr
    with pikepdf.open(copy.build / copy.SLUG / "issue.pdf") as pdf:  # the figure is printed
        assert any(xobject.get("/Subtype") == "/Image" for page in pdf.pages
                   for xobject in page.Resources.get("/XObject", {}).values())
    before = mtimes(copy.build)
    for how in (str(copy.folder), "all", relative, str(copy.folder) + "/.", "all"):
        args = ("all", str(copy.folder.parent)) if how == "all" else ("issue", how)
        done = run_build("--build-dir", str(copy.build), *args)
        assert done.returncode == 0 and "up to date" in done.stdout, (how, done.stdout, done.stderr)
    assert mtimes(copy.build) == before


def test_a_manuscript_saved_during_a_build_is_built_again(copy):
    edit(copy, "EDITION1")
    build = subprocess.Popen([sys.executable, str(BUILD_PY), "--build-dir", str(copy.build),
                              "issue", str(copy.folder)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    work = copy.build / ".work"
    while build.poll() is None and not (work.exists() and any(work.iterdir())):
        time.sleep(0.005)
    edit(copy, "EDITION2")  # saved while the first text is being typeset
    assert build.wait(60) == 0, build.stderr.read()
    assert "EDITION1" in " ".join(page_texts(copy.pdf))
    again = build_issue(copy)
    assert again.returncode == 0 and "up to date" not in again.stdout, again.stdout
    assert "EDITION2" in " ".join(page_texts(copy.pdf))


# ------------------------------------------------------------ concurrency
def test_two_builds_of_one_issue_at_once_both_end_with_a_correct_issue(copy):
    argv = [sys.executable, str(BUILD_PY), "--build-dir", str(copy.build), "issue",
            str(copy.folder)]
    for round_ in range(3):
        edit(copy, f"EDITION{round_ + 5}")
        builds = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True) for _ in range(2)]
        outcomes = [(b.wait(90), b.stderr.read()) for b in builds]
        assert [code for code, _ in outcomes] == [0, 0], outcomes
        issue_pdf = copy.build / copy.SLUG / "issue.pdf"
        with pikepdf.open(issue_pdf) as pdf:
            assert len(pdf.pages) >= 2
        assert f"EDITION{round_ + 5}" in " ".join(page_texts(issue_pdf))
        assert_scratch_removed(copy)
    assert any("another build of this issue is running" in err for _, err in outcomes)


# ------------------------------------------------------------ signals
def alive(pid: int) -> bool:
    """pid runs (a zombie, killed and waiting for its parent to read it, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_gone(pids: list[int], seconds: float = 3) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(pid) for pid in pids)


def tex_children(build_pid: int) -> list[int]:
    """Running TeX processes (or their sandbox) descended from build_pid."""
    parents, names = {}, {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if entry.name.isdigit():
            name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:]
            parents[int(entry.name)], names[int(entry.name)] = int(rest.split()[1]), name

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == build_pid:
                return True
        return False
    return [pid for pid, name in names.items()
            if name in ("pdftex", "xetex", "pdflatex", "xelatex", "bwrap") and descends(pid)]


@pytest.mark.parametrize("signum, urdu", [(signal.SIGTERM, ""), (signal.SIGINT, ""),
                                          (signal.SIGTERM, "اردو ")],
                         ids=["SIGTERM-pdflatex", "SIGINT-pdflatex", "SIGTERM-xelatex"])
def test_a_signal_mid_tex_kills_tex_and_removes_scratch(copy, signum, urdu):
    copy.write(FRONT_MATTER + f"\nWords {urdu}.\n\n" + SLOW_TEX + "\n",
               issue=ONE_ARTICLE_ISSUE + "allow_raw_latex: true\nlimits: {seconds: 60}\n")
    build = subprocess.Popen([sys.executable, str(BUILD_PY), "--build-dir", str(copy.build),
                              "issue", str(copy.folder)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while not (tex := tex_children(build.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tex, "TeX never started"
    time.sleep(0.3)
    build.send_signal(signum)
    assert build.wait(10) == 130
    stderr = build.stderr.read()
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert wait_gone(tex), "TeX left running: " + str(
        [(pid, Path(f"/proc/{pid}/stat").read_text()) for pid in tex if alive(pid)])
    assert_scratch_removed(copy)
    copy.assert_good_pdf_untouched()


# ------------------------------------------------------------ the machine
@pytest.fixture
def mounted(tmp_path):
    """mount(options) mounts a tmpfs on a fresh folder; all are unmounted at the end."""
    points = []

    def mount(options: str) -> Path:
        point = tmp_path / f"mount{len(points)}"
        point.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], check=True)
        points.append(point)
        return point
    yield mount
    for point in reversed(points):
        subprocess.run(["umount", "-l", str(point)], check=True)


@pytest.mark.parametrize("room_kb", [8, 60], ids=["tex-write", "later-write"])
def test_a_full_disk_is_exit_8_and_leaves_no_scratch(copy, mounted, room_kb):
    build = mounted("size=64m")
    seed_cache(build, copy.build)
    filler = build / "filler"
    with filler.open("wb") as file:  # leave room_kb free
        free = os.statvfs(build).f_bavail * os.statvfs(build).f_frsize
        file.write(b"\0" * (free - room_kb * 1024))
    copy.build = build
    done = build_issue(copy)
    assert_clean_failure(done, 8, "environment: ", "No space left on device", "free some space")
    filler.unlink()
    assert_scratch_removed(copy)
    assert not list(build.rglob("*.pdf"))


def test_a_file_size_limit_is_exit_8_and_leaves_no_scratch(copy):
    issue_pdf = copy.build / copy.SLUG / "issue.pdf"
    good_issue = digest(issue_pdf)
    # 12 KB stops pdfLaTeX's first write; 80% of the issue PDF lets the article and the
    # contents be typeset and stops pikepdf's write of the issue (QPDF used to abort, 134).
    for limit, says in ((12 << 10, "pdfLaTeX tried to write a file over 12 KB"),
                        (issue_pdf.stat().st_size * 4 // 5, "cannot write (File too large)")):
        edit(copy, f"EDITION{limit}")
        done = subprocess.run(
            [sys.executable, str(BUILD_PY), "--build-dir", str(copy.build), "issue",
             str(copy.folder)], capture_output=True, text=True, timeout=60,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
        assert_clean_failure(done, 8, "environment: ", says, "ulimit -f")
        assert_scratch_removed(copy)
        assert digest(issue_pdf) == good_issue
        if limit == 12 << 10:
            copy.assert_good_pdf_untouched()


def test_a_read_only_build_folder_is_exit_8(copy, mounted):
    build = mounted("size=64m")
    shutil.copytree(copy.build, build, dirs_exist_ok=True)
    subprocess.run(["mount", "-o", "remount,ro", str(build)], check=True)
    copy.build = build
    edit(copy, "EDITION3")
    done = build_issue(copy)
    assert_clean_failure(done, 8, "environment: ", "Read-only file system",
                         "build elsewhere with --build-dir")


def test_inherited_hard_limits_lower_than_the_pipelines_are_used_and_said(copy):
    edit(copy, "EDITION4")

    def lower_limits():
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
        resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
    done = subprocess.run([sys.executable, str(BUILD_PY), "--build-dir", str(copy.build),
                           "issue", str(copy.folder)], capture_output=True, text=True,
                          timeout=120, preexec_fn=lower_limits)
    assert done.returncode == 0, done.stderr
    assert "hard limit on CPU time (ulimit -t) is 60 s, lower than limits.seconds" in done.stderr
    assert "hard limit on memory (ulimit -v) is 1536 MB, lower than limits.memory_mb (2048 MB)" \
        in done.stderr
    assert "EDITION4" in " ".join(page_texts(copy.pdf))


def test_a_build_dir_that_is_a_file_is_a_usage_error(tmp_path, project):
    afile = tmp_path / "build"
    afile.write_text("not a folder")
    for where in (afile, afile / "inside"):
        done = run_build("--build-dir", str(where), "issue", str(project.folder))
        assert_clean_failure(done, 2, f"usage: --build-dir {where}: {afile} is not a folder")
    assert afile.read_text() == "not a folder"


@pytest.mark.parametrize("damage, says", [
    ("{not json", "cannot be read (Expecting property name"),
    ('{"articles": [], "pages": {}}', "not a state file this pipeline wrote"),
    ('{"articles": {"article": {"key": 1}}, "pages": {}}', "not a state file this pipeline wrote"),
], ids=["not-json", "wrong-shape", "wrong-entry"])
def test_a_damaged_state_file_is_a_warning_and_a_rebuild(copy, damage, says):
    state = copy.build / copy.SLUG / "state.json"
    state.write_text(damage)
    done = build_issue(copy)
    assert done.returncode == 0, done.stderr
    assert f"{state}: warning: {says}" in done.stderr
    assert "; every article is rebuilt" in done.stderr
    assert "up to date" not in done.stdout
    assert "EDITION0" in " ".join(page_texts(copy.pdf))
    again = build_issue(copy)
    assert "up to date" in again.stdout and "warning" not in again.stderr
