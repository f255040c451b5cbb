"""The archive deposit of an issue: a BagIt 1.0 bag and a deterministic zip.

build/archive/<series>-v<volume>-n<number>/ holds, under data/: the PDF/A
files, one JATS file per article, the Crossref and DOAJ records, the
sources and provenance.json; SHA-256 and SHA-512 manifests. Every date
comes from the issue (or SOURCE_DATE_EPOCH), so the same sources give the
same bytes in any folder. A deposited bag is never changed: unchanged
sources are a no-op, changed ones are refused unless --supersede asks for
a new version (<name>-v2, -v3...) beside the old.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from . import NAME, __version__, jats, registry, tex
from .article import figure_files
from .errors import InputError, Location
from .issue import IssueResult
from .model import Issue
from .paths import ROOT, BuildDirs
from .runner import Budget, run
from .style import style_of
from .tools import pandoc

CHECKSUMS = ("sha256", "sha512")
FILE_MODE, FOLDER_MODE = 0o644, 0o755


@dataclass
class Archived:
    bag: Path
    zip: Path
    written: bool                      # False: the same package was there already
    not_registrable: list[str] = field(default_factory=list)
    not_in_doaj: list[str] = field(default_factory=list)  # unsigned items: DOAJ needs an author
    superseded: Path | None = None


def archive_date(issue: Issue) -> datetime:
    """The package's one date: SOURCE_DATE_EPOCH if set, else the issue's month."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime(issue.year, issue.month, 1, tzinfo=timezone.utc)


def package_name(issue: Issue) -> str:
    series = re.sub(r"[^a-z0-9]+", "-", issue.series.lower()).strip("-")
    return f"{series}-v{issue.volume}-n{issue.number}"


def archive(result: IssueResult, dirs: BuildDirs, *, supersede: bool = False) -> Archived:
    """Package a built issue (result of a full issue build) under dirs.root/archive."""
    issue, built = result.issue, result.built
    registry.require_deposit(issue, "contact", "email", "url")
    folder = dirs.root / "archive"
    name = package_name(issue)
    versions = _versions(folder, name)
    dirs.work.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="archive-", dir=dirs.work))
    try:
        payload = stage / "data"
        _payload(payload, result, dirs)
        version = len(versions) or 1
        if versions:
            latest = versions[-1]
            _versioned(payload, result, name, len(versions))
            differences = _differences(latest, payload)
            if not differences:
                return Archived(latest, latest.with_name(latest.name + ".zip"), False,
                                registry.not_registrable(built), registry.not_in_doaj(built))
            version += 1
            if not supersede:
                raise InputError(
                    f"{latest.name} is already deposited and these files differ:\n    "
                    + "\n    ".join(differences[:20]), where=Location(issue.folder),
                    hint="a deposited package is never changed: run again with --supersede "
                         f"to write {name}-v{version} beside it")
        bag = stage / (name if version == 1 else f"{name}-v{version}")
        _versioned(payload, result, bag.name, version)
        payload.rename(bag)
        _make_bag(bag, issue)
        target = folder / bag.name
        folder.mkdir(parents=True, exist_ok=True)
        zip_path = target.with_name(target.name + ".zip")
        write_zip(bag, zip_path.with_name(zip_path.name + ".tmp"), archive_date(issue))
        os.replace(bag, target)
        os.replace(zip_path.with_name(zip_path.name + ".tmp"), zip_path)
        return Archived(target, zip_path, True, registry.not_registrable(built),
                        registry.not_in_doaj(built), versions[-1] if versions else None)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _versions(folder: Path, name: str) -> list[Path]:
    """The deposited versions of a package, oldest first."""
    found = [(1, folder / name)] if (folder / name).is_dir() else []
    for path in folder.glob(f"{name}-v*"):
        number = path.name[len(name) + 2:]
        if path.is_dir() and number.isdigit():
            found.append((int(number), path))
    return [path for _, path in sorted(found)]


# ----------------------------------------------------------------- payload
def _payload(bag: Path, result: IssueResult, dirs: BuildDirs) -> None:
    """bag/ <- pdf/, jats/, registry/doaj.xml, source/: what no version number changes."""
    issue, built = result.issue, result.built
    pdf = bag / "pdf"
    pdf.mkdir(parents=True)
    shutil.copyfile(dirs.issue_pdf(issue.slug), pdf / "issue.pdf")
    (bag / "jats").mkdir()
    for item in built:
        shutil.copyfile(item.pdf, pdf / f"{item.article.slug}.pdf")
        jats.write(item, bag / "jats" / f"{item.article.slug}.xml", dirs)
    (bag / "registry").mkdir()
    (bag / "registry" / "doaj.xml").write_bytes(registry.doaj(issue, built))
    for path in [issue.folder / "issue.yaml", *issue.articles, *figure_files(issue.folder, dirs)]:
        target = bag / "source" / path.relative_to(issue.folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def _versioned(bag: Path, result: IssueResult, name: str, version: int) -> None:
    """The files that name the package's version: Crossref's timestamp must grow
    with each deposit (its seconds are the version), and provenance.json."""
    issue, built = result.issue, result.built
    stamp = archive_date(issue).strftime("%Y%m%d%H%M") + f"{version:02d}"
    deposit = registry.crossref(issue, built, stamp)
    if deposit:
        (bag / "registry" / "crossref.xml").write_bytes(deposit)
    provenance = {"package": name, "version": version,
                  "not_registrable": registry.not_registrable(built), **provenance_record()}
    if registry.not_in_doaj(built):  # the unsigned items registry/doaj.xml leaves out
        provenance["not_in_doaj"] = registry.not_in_doaj(built)
    (bag / "provenance.json").write_text(
        json.dumps(provenance, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


@cache
def provenance_record() -> dict:
    """What made the package: the pipeline's version and commit, the tools' versions."""
    import bagit
    import lxml.etree
    import pikepdf

    def first_line(argv: list[str]) -> str | None:
        try:
            output = run(argv, cwd=ROOT, budget=Budget(seconds=30, memory_mb=None)).stdout
        except Exception:  # a tool that is missing is recorded as such
            return None
        return output.strip().splitlines()[0] if output.strip() else None

    packages = ("tex-gyre", "fonts-texgyre", "fonts-hosny-amiri", "lmodern", "texlive-base",
                "poppler-utils")
    dpkg = first_line(["dpkg-query", "-W", "-f", "${Package}=${Version}; ", *packages])
    return {
        "pipeline": {"name": NAME, "version": __version__,
                     "commit": first_line(["git", "-C", str(ROOT), "rev-parse", "HEAD"])},
        "tools": {"pandoc": pandoc.version() or None,  # the probes the content keys hold
                  "pdftex": tex.version("pdflatex") or None,
                  "xetex": tex.version("xelatex") or None,
                  "pikepdf": pikepdf.__version__, "qpdf": pikepdf.__libqpdf_version__,
                  "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)), "bagit": bagit.VERSION,
                  "python": sys.version.split()[0]},
        "fonts": dict(entry.strip().split("=", 1) for entry in (dpkg or "").split(";")
                      if "=" in entry),
    }


# --------------------------------------------------------------------- bag
def _make_bag(bag: Path, issue: Issue) -> None:
    import bagit

    deposit = issue.deposit
    info = {
        "Source-Organization": issue.publisher,
        "Contact-Name": deposit.contact,
        "Contact-Email": deposit.email,
        "External-Identifier": f"ISSN {issue.issn}, Vol. {issue.volume}, No. {issue.number}"
        if issue.issn else f"{issue.series}, Vol. {issue.volume}, No. {issue.number}",
        "External-Description": f"{style_of(issue).text('citation', issue)}: "
                                f"PDF/A-2b issue and offprints, JATS 1.3, "
                                "Crossref and DOAJ records, sources",
        "Bagging-Date": archive_date(issue).date().isoformat(),
        "Bag-Software-Agent": f"{NAME} {__version__} (bagit.py {bagit.VERSION})",
        "Internal-Sender-Identifier": bag.name,
    }
    bagit.make_bag(str(bag), info, checksums=list(CHECKSUMS))
    (bag / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
                                   encoding="utf-8")
    _tag_manifests(bag)


def _tag_manifests(bag: Path) -> None:
    """bagit writes tag manifests in directory order and before bagit.txt
    changes: write them again, sorted, from the final tag files."""
    tags = sorted(p.name for p in bag.iterdir() if p.is_file() and not p.name.startswith("tagmanifest-"))
    for algorithm in CHECKSUMS:
        lines = [f"{hashlib.new(algorithm, (bag / name).read_bytes()).hexdigest()}  {name}\n"
                 for name in tags]
        (bag / f"tagmanifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")


def _differences(deposited: Path, payload: Path) -> list[str]:
    """Payload files that differ from a deposited bag's (by its SHA-256 manifest);
    provenance.json, the record of what made them, is not compared."""
    before = {}
    for line in (deposited / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        before[path.removeprefix("data/")] = digest
    after = {path.relative_to(payload).as_posix():
             hashlib.sha256(path.read_bytes()).hexdigest()
             for path in payload.rglob("*") if path.is_file()}
    for record in (before, after):
        record.pop("provenance.json", None)
    return ([f"changed: {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]]
            + [f"new: {p}" for p in sorted(after.keys() - before.keys())]
            + [f"gone: {p}" for p in sorted(before.keys() - after.keys())])


# --------------------------------------------------------------------- zip
def write_zip(folder: Path, output: Path, when: datetime) -> None:
    """folder as <folder name>/... in a zip with sorted entries, one fixed
    time, fixed permissions and no extra fields: the same bytes every time."""
    stamp = max(when, datetime(1980, 1, 1, tzinfo=timezone.utc)).timetuple()[:6]
    paths = sorted(folder.rglob("*"), key=lambda p: p.relative_to(folder).as_posix())
    with zipfile.ZipFile(output, "w") as archive_file:
        for path in paths:
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            info = zipfile.ZipInfo(name + ("/" if path.is_dir() else ""), date_time=stamp)
            info.create_system = 3
            if path.is_dir():
                info.external_attr = (0o40000 | FOLDER_MODE) << 16
                archive_file.writestr(info, b"")
            else:
                info.external_attr = (0o100000 | FILE_MODE) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive_file.writestr(info, path.read_bytes(), compresslevel=9)
