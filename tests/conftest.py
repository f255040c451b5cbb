"""Session fixtures: the sample issue built once, a short synthetic issue built once."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import RESOURCES, ROUND_EDIT, copy_issue, make_round, seed_cache
from pipeline.issue import IssueResult, build_issue
from pipeline.paths import MANUSCRIPT, BuildDirs

SAMPLE = MANUSCRIPT / "2022-06"


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


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> BuiltIssue:
    """manuscript/2022-06, copied to tmp and built once for the session."""
    tmp = tmp_path_factory.mktemp("sample")
    return build(copy_issue(SAMPLE, tmp), tmp / "build")


@pytest.fixture(scope="session")
def built_short(tmp_path_factory, built_sample) -> BuiltIssue:
    """tests/resources/short-issue built once; copy it (copy_built) before changing it."""
    tmp = tmp_path_factory.mktemp("short")
    return build(copy_issue(RESOURCES / "short-issue", tmp), tmp / "build",
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
    tmp = tmp_path_factory.mktemp("rounds")
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
