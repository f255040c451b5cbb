"""Diff between proof rounds: one sentence of one article changes between
rounds 1 and 2 of the sample (conftest.two_rounds); exactly that article and
that sentence are reported, its changed page boxed, the others unchanged."""
from __future__ import annotations

from PIL import Image

from helpers import run_build
from pipeline import diff


def test_one_sentence_changed_in_one_article(two_rounds):
    folder, dirs = two_rounds
    made = diff.diff_rounds(folder, dirs)        # default: the last two rounds
    assert (made.old.name, made.new.name) == ("round-1", "round-2")
    assert [a.slug for a in made.articles if a.unchanged] == ["afghanistan-water", "cpec-energy"]
    changed = made.articles[2]
    assert changed.slug == "sco-summit"
    assert changed.changes == [diff.Change(
        removed="unusually difficult", added="exceptionally tense",
        before="The summit will take place in an", after="environment. The war in "
        "Ukraine has strained Russia's", line=16)]
    assert [(p.page, p.gone) for p in changed.pages] == [(1, False)]


def test_the_changed_words_are_boxed_on_the_page_image(two_rounds):
    folder, dirs = two_rounds
    made = diff.diff_rounds(folder, dirs, 1, 2)
    image = made.articles[2].pages[0].image
    assert image == made.new / "diff-1-2" / "sco-summit-1.png"
    with Image.open(image) as shot:
        red = [(x, y) for x, y in ((x, y) for x in range(0, shot.width, 2)
                                   for y in range(0, shot.height, 2))
               if shot.getpixel((x, y))[:3] == (220, 0, 0)]
    assert red, "no box drawn"
    # The boxes stand where the new words print: in the text block, in the upper half.
    ys = [y / shot.height for _, y in red]
    assert 0.1 < min(ys) and max(ys) < 0.6


def test_diff_command_writes_the_html(two_rounds):
    folder, dirs = two_rounds
    result = run_build("--build-dir", str(dirs.root), "diff", str(folder), "--from", "1", "--to", "2")
    assert result.returncode == 0, result.stderr
    assert "  afghanistan-water: unchanged\n  cpec-energy: unchanged\n  sco-summit: 1 change(s) " \
           "in the source; pages changed: 1" in result.stdout
    html = (dirs.issue("2022-06") / "proofs" / "round-2" / "diff-1-2.html").read_text()
    assert "<del>unusually difficult</del> <ins>exceptionally tense</ins>" in html
    assert 'href="articles/sco-summit.pdf#page=1"><img src="diff-1-2/sco-summit-1.png"' in html


def test_diff_needs_two_rounds(tmp_path):
    folder = tmp_path / "2022-06"
    folder.mkdir()
    result = run_build("--build-dir", str(tmp_path / "build"), "diff", str(folder))
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert f"{folder}: input error: two proof rounds are needed to compare (rounds of this " \
           "issue: none yet)" in result.stderr


def test_real_proof_rounds_differ_only_where_the_text_changed(tmp_path, built_short):
    """Two rounds made by `build.py proof` itself (watermark, line numbers and a
    stamp naming each round): the stamps and numbers are not reported as changes."""
    import shutil

    from helpers import seed_cache

    folder = tmp_path / "short-issue"
    shutil.copytree(built_short.folder, folder)
    build = tmp_path / "build"
    seed_cache(build, built_short.dirs.root)
    assert run_build("--build-dir", str(build), "proof", str(folder)).returncode == 0
    beta = folder / "beta.md"
    beta.write_text(beta.read_text().replace("## Section", "## Changed section", 1))
    assert run_build("--build-dir", str(build), "proof", str(folder)).returncode == 0

    done = run_build("--build-dir", str(build), "diff", str(folder))

    assert done.returncode == 0, done.stderr
    assert "alpha: unchanged" in done.stdout and "gamma: unchanged" in done.stdout
    assert "beta: 1 change(s) in the source; pages changed: 1\n" in done.stdout
