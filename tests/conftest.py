"""Session fixtures: the sample issue built once, a short synthetic issue built once
(once per run: pytest-xdist's workers share them, see shared_folder)."""
from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import RESOURCES, ROUND_EDIT, copy_issue, make_round, seed_cache
from pipeline.issue import IssueResult, build_issue
from pipeline.paths import MANUSCRIPT, BuildDirs

SAMPLE = MANUSCRIPT / "2022-06"


# The files that take longest (measured with --durations) come first, so that
# `make test`'s workers (--dist loadfile --no-loadscope-reorder) start them
# first and no long file is left to run alone at the end.
LONGEST_FIRST = ("test_corpus.py", "test_confinement.py", "test_archive.py", "test_faults.py",
                 "test_fuzz.py", "test_titles.py", "test_proof.py", "test_import.py",
                 "test_limits.py", "test_errors.py", "test_diff.py",
                 "test_regional_studies.py", "test_validation.py")


def pytest_collection_modifyitems(items):
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST_FIRST)))


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", dest="update_golden",
                     help="rewrite tests/golden/expected/ from what the pipeline makes now "
                          "(also UPDATE_GOLDEN=1); review the change with git diff")


@dataclass
class BuiltIssue:
    folder: Path              # the issue folder that was built (a copy in tmp)
    dirs: BuildDirs
    result: IssueResult
    issue_pdf: Path
    articles: dict[str, Path]  # slug -> offprint PDF, in issue order

    @property
    def built(self):
        return {b.article.slug: b for b in self.result.built}


def build(folder: Path, build_root: Path, seed_from: Path | None = None) -> BuiltIssue:
    dirs = BuildDirs(build_root)
    if seed_from is not None:
        seed_cache(dirs.root, seed_from)
    result = build_issue(folder, dirs, jobs=2)
    assert not result.failures, result.failures
    slugs = [path.stem for path in result.issue.articles]
    return BuiltIssue(folder, dirs, result, dirs.issue_pdf(result.issue.slug),
                      {slug: dirs.article_pdf(result.issue.slug, slug) for slug in slugs})


@contextmanager
def shared_folder(tmp_path_factory, name: str):
    """A tmp folder made once per test run, shared by pytest-xdist's workers
    (`make test` runs two): a worker holds its lock while it fills it or, if an
    earlier worker has, reuses it. Yields (folder, made): made is True if the
    folder was filled before; it counts as filled only if the filling raised nothing."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    folder = root / name
    with open(root / f"{name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        made = (folder / ".made").exists()
        if not made:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
        yield folder, made
        (folder / ".made").touch()


def build_shared(tmp_path_factory, name: str, source: Path,
                 seed_from: Path | None = None) -> BuiltIssue:
    """source copied to tmp and built once per run; a worker that finds it built
    runs the build again, which finds every output up to date and builds nothing."""
    with shared_folder(tmp_path_factory, name) as (tmp, made):
        folder = tmp / source.name if made else copy_issue(source, tmp)
        return build(folder, tmp / "build", seed_from=None if made else seed_from)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> BuiltIssue:
    """manuscript/2022-06, copied to tmp and built once for the session."""
    return build_shared(tmp_path_factory, "sample", SAMPLE)


@pytest.fixture(scope="session")
def built_short(tmp_path_factory, built_sample) -> BuiltIssue:
    """tests/resources/short-issue built once; copy it (copy_built) before changing it."""
    return build_shared(tmp_path_factory, "short", RESOURCES / "short-issue",
                        seed_from=built_sample.dirs.root)


@pytest.fixture
def copy_built(tmp_path):
    """A private copy (mtimes kept) of a built issue folder and its build folder."""
    def copy(original: BuiltIssue) -> BuiltIssue:
        folder = tmp_path / original.folder.name
        shutil.copytree(original.folder, folder)
        shutil.copytree(original.dirs.root, tmp_path / "build", symlinks=True)
        dirs = BuildDirs(tmp_path / "build")
        slug = original.result.issue.slug
        return BuiltIssue(folder, dirs, original.result, dirs.issue_pdf(slug),
                          {s: dirs.article_pdf(slug, s) for s in original.articles})
    return copy


@pytest.fixture
def fresh_build(project, tmp_path) -> Path:
    """An empty build folder reusing the precompiled format of the module's
    `project` (a fixture each module that uses this one defines)."""
    build = tmp_path / "build"
    seed_cache(build, project.build)
    return build


@pytest.fixture(scope="session")
def two_rounds(tmp_path_factory, built_sample):
    """The sample as proof rounds 1 and 2 (laid out by helpers.make_round from
    final builds); between them one sentence of sco-summit.md changes (ROUND_EDIT)."""
    with shared_folder(tmp_path_factory, "rounds") as (tmp, made):
        if made:
            return tmp / built_sample.folder.name, BuildDirs(tmp / "build")
        folder = copy_issue(built_sample.folder, tmp)
        shutil.copytree(built_sample.dirs.root, tmp / "build", symlinks=True)
        make_round(folder, tmp / "build", 1)
        manuscript = folder / "sco-summit.md"
        old, new = ROUND_EDIT
        manuscript.write_text(manuscript.read_text(encoding="utf-8").replace(old, new, 1),
                              encoding="utf-8")
        build(folder, tmp / "build")
        make_round(folder, tmp / "build", 2)
        return folder, BuildDirs(tmp / "build")


@pytest.fixture(scope="session")
def built_regional(tmp_path_factory) -> BuiltIssue:
    """manuscript/rs-2014-autumn (Regional Studies, the second journal: footnotes,
    running heads by parity, Roman volume, seasons), copied to tmp and built once."""
    return build_shared(tmp_path_factory, "regional-studies", MANUSCRIPT / "rs-2014-autumn")
