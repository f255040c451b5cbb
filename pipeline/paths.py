"""Where the project's own files are, and where builds put theirs."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STYLES = ROOT / "styles"          # one folder per house style (style.py)
SHARED_LATEX = TEMPLATES / "latex"  # the LaTeX package every house class loads
MANUSCRIPT = ROOT / "manuscript"


@dataclass(frozen=True)
class BuildDirs:
    """build/<issue>/issue.pdf, build/<issue>/articles/<slug>.pdf, logs and caches."""

    root: Path

    def __post_init__(self):
        object.__setattr__(self, "root", Path(self.root).resolve())

    def issue(self, issue_slug: str) -> Path:
        return self.root / issue_slug

    def issue_pdf(self, issue_slug: str) -> Path:
        return self.issue(issue_slug) / "issue.pdf"

    def article_pdf(self, issue_slug: str, article_slug: str) -> Path:
        return self.issue(issue_slug) / "articles" / f"{article_slug}.pdf"

    def log(self, issue_slug: str, name: str) -> Path:
        return self.issue(issue_slug) / "logs" / f"{name}.log"

    def proofs(self, issue_slug: str) -> Path:
        """build/<issue>/proofs/: round-N/ folders (never overwritten) and live/ (watch)."""
        return self.issue(issue_slug) / "proofs"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"

    @property
    def work(self) -> Path:
        return self.root / ".work"


@dataclass(frozen=True)
class ProofDirs(BuildDirs):
    """A proof round being built: its offprints, issue PDF and TeX logs go into
    folder (proof.pdf, articles/, logs/); the caches and scratch stay shared."""

    folder: Path = Path()

    def issue_pdf(self, issue_slug: str) -> Path:
        return self.folder / "proof.pdf"

    def article_pdf(self, issue_slug: str, article_slug: str) -> Path:
        return self.folder / "articles" / f"{article_slug}.pdf"

    def log(self, issue_slug: str, name: str) -> Path:
        return self.folder / "logs" / f"{name}.log"
