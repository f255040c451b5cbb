"""The PDF scan on PDFs that TeX made: clean LaTeX PDFs of both engines pass,
and the assembled issue PDF is scanned (the constructs one by one, in PDFs
made with pikepdf: tests/unit/test_pdfscan.py)."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pikepdf
import pytest

from pipeline import pdfscan
from pipeline.errors import BuildFailed, Location
from unit.test_pdfscan import _launch


CLEAN_LATEX = r"""\documentclass{article}
\usepackage[pdfstartview=,bookmarks=true]{hyperref}  % as the house class: no OpenAction
\begin{document}
\section{One}\label{one}
Links: \href{https://example.org}{web}, \href{http://example.org}{plain},
\href{mailto:editor@example.org}{mail}, \href{doi:10.1234/abc}{doi}, \url{https://x.org},
a note\footnote{A note.} and a reference to section~\ref{one}.
\end{document}
"""


@pytest.mark.parametrize("engine", ["pdflatex", "xelatex"])
def test_a_clean_latex_pdf_with_links_passes_quickly(engine, tmp_path):
    (tmp_path / "clean.tex").write_text(CLEAN_LATEX)
    done = subprocess.run([engine, "-interaction=nonstopmode", "-no-shell-escape", "clean.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:]
    with pikepdf.open(tmp_path / "clean.pdf") as pdf:
        uris = [str(a.A.URI) for a in pdf.pages[0].obj.Annots if "/URI" in a.get("/A", {})]
        assert "https://example.org" in uris and "doi:10.1234/abc" in uris  # links were made
        started = time.perf_counter()
        assert pdfscan.findings(pdf) == []
        assert time.perf_counter() - started < 0.5
        pdfscan.check(pdf, Location(Path("clean.tex")))


def test_the_assembled_issue_pdf_is_scanned_before_it_is_written(tmp_path):
    """An offprint changed after its own scan still cannot reach issue.pdf."""
    from helpers import FRONT_MATTER, ONE_ARTICLE_ISSUE
    from pipeline import compose
    from pipeline.issue import build_issue
    from pipeline.paths import BuildDirs

    folder = tmp_path / "issue"
    folder.mkdir()
    (folder / "issue.yaml").write_text(ONE_ARTICLE_ISSUE)
    (folder / "article.md").write_text(FRONT_MATTER + "\nSome text.\n")
    dirs = BuildDirs(tmp_path / "build")
    result = build_issue(folder, dirs, jobs=1)
    assert result.issue_pdf and not result.failures
    with pikepdf.open(result.built[0].pdf, allow_overwriting_input=True) as offprint:
        _launch(offprint)
        offprint.save()
    output = tmp_path / "out.pdf"
    with pytest.raises(BuildFailed) as raised:
        compose.assemble(result.issue, result.built, dirs, output)
    assert str(raised.value).startswith(f"{folder / 'issue.yaml'}: build failed: the PDF holds")
    assert "a Launch action (page 2, annotation 1, object" in raised.value.message
    assert not output.exists()
