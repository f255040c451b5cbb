"""The exit codes the README promises, for the cases the other tests do not reach:
2 (usage) and 6 (a built PDF that disagrees with the issue). 3, 4, 5 and 7
are asserted by test_validation, test_errors, test_corpus and test_limits."""
from __future__ import annotations

from helpers import digest, run_build
from pipeline import check, cli
from pipeline.paths import ROOT


def test_usage_error_is_2_and_names_the_commands():
    result = run_build("typeset-everything")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr and "article" in result.stderr
    assert "Traceback" not in result.stderr


def test_readme_documents_every_exit_code():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, meaning in ((0, "success"), (2, "usage"), (3, "input error"), (4, "missing tool"),
                          (5, "build failed"), (6, "invalid output"), (7, "limit reached")):
        assert f"| {code} | {meaning} |" in text
        assert f"{code}  {meaning}" in cli.EXIT_CODES


def test_issue_that_fails_its_check_is_6_and_keeps_the_last_good_pdf(
        built_short, copy_built, monkeypatch, capsys):
    made = copy_built(built_short)
    good = digest(made.issue_pdf)
    alpha = made.folder / "alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    # A footer that prints the wrong page number, as a broken class would.
    monkeypatch.setattr(check, "_last_line", lambda text: "June 2022, Vol.40, No.6 (999)")

    code = cli.main(["--build-dir", str(made.dirs.root), "issue", str(made.folder)])

    stderr = capsys.readouterr().err
    assert code == 6, stderr
    assert "invalid output" in stderr and "expected '... (1)'" in stderr
    assert "Traceback" not in stderr
    assert digest(made.issue_pdf) == good
    assert not list(made.issue_pdf.parent.glob(".issue.pdf.tmp"))
