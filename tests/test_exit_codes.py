"""The exit codes: one enum (errors.ExitCode) that --help, the error classes and the
README table all come from, and the cases the other tests do not reach: 2 (usage)
and 6 (a built PDF that disagrees with the issue). 3, 4, 5, 7 and 8 are asserted by
test_validation, test_errors, test_corpus, test_limits, test_odd_inputs and test_faults."""
from __future__ import annotations

from helpers import digest, run_build
from pipeline import check, cli, errors
from pipeline.errors import ExitCode
from pipeline.paths import ROOT


def test_usage_error_is_2_and_names_the_commands():
    result = run_build("typeset-everything")
    assert result.returncode == ExitCode.USAGE == 2
    assert "invalid choice" in result.stderr and "article" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_the_error_classes_and_the_readme_agree_with_the_enum():
    shown = run_build("--help")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert errors.readme_table() in readme  # the integrator pastes it from errors.readme_table()
    for code in ExitCode:
        assert f"  {code.value:<3} {code.meaning}: {code.explanation}" in shown.stdout
        assert f"| {code.value} | {code.meaning} | {code.example} |" in readme
    classes = {cls.exit_code for cls in vars(errors).values()
               if isinstance(cls, type) and issubclass(cls, errors.PipelineError)}
    assert classes == set(ExitCode) - {ExitCode.SUCCESS}
    assert 1 not in {int(code) for code in ExitCode}  # 1 is left to bugs alone


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
    assert code == ExitCode.OUTPUT == 6, stderr
    assert "invalid output" in stderr and "shows footer 'June 2022, Vol.40, No.6 (999)'" in stderr
    assert "Traceback" not in stderr
    assert digest(made.issue_pdf) == good
    assert not list(made.issue_pdf.parent.glob(".issue.pdf*"))
