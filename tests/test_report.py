"""The report of a proof round, loaded in a real browser (headless Chromium):
the DOM it renders holds the findings grouped by article, each with its
source lines, page thumbnail and link; a screenshot is taken."""
from __future__ import annotations

import json
import re

import pytest
from PIL import Image

from pipeline import preflight, report
from pipeline.runner import Budget, run


def chromium(tmp_path, *args: str) -> str:
    result = run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  f"--user-data-dir={tmp_path / 'profile'}", *args], cwd=tmp_path,
                 budget=Budget(seconds=90, memory_mb=None), what="chromium")
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def written(two_rounds):
    folder, dirs = two_rounds
    round_folder = preflight.round_folder(dirs, folder, "last")
    return round_folder, report.write(preflight.run(folder, dirs, round_folder), round_folder)


def test_report_files(written):
    round_folder, paths = written
    assert paths == [round_folder / "report.json", round_folder / "report.html"]
    data = json.loads(paths[0].read_text())
    assert data["round"] == 2
    spaces = [f for f in data["findings"] if f["message"].startswith("two spaces")]
    assert [(f["article"], f["line"], f["severity"]) for f in spaces] == [("sco-summit", 16, "note")]


def test_report_in_a_browser(written, tmp_path):
    round_folder, paths = written
    url = paths[1].as_uri()
    dom = chromium(tmp_path, "--dump-dom", url)
    sections = dict(re.findall(r'<section class="article" id="([^"]+)">(.*?)</section>', dom, re.S))
    assert list(sections) == ["afghanistan-water", "cpec-energy", "sco-summit", "issue"]
    sco = sections["sco-summit"]
    finding = next(part for part in sco.split('<div class="finding ')[1:] if "two spaces" in part)
    assert finding.startswith('note">')
    assert '<a class="page" href="articles/sco-summit.pdf#page=1"><img src="pages/sco-summit-1.png"' \
        in finding
    assert '<a class="proof" href="proof.pdf#page=11">page 9 of the issue proof</a>' in finding
    assert re.search(r"<b>  16 │ .*exceptionally<u> </u> tense environment", finding)  # the line, its column
    assert "  15 │" in finding and "  17 │" in finding                            # and its context
    assert "4 page(s), pp. 9–12" in sco
    assert "the issue's 14 pages are not a multiple of 4" in sections["issue"]
    shot = tmp_path / "report.png"
    chromium(tmp_path, "--window-size=1100,1600", f"--screenshot={shot}", url)
    with Image.open(shot) as image:
        assert image.size == (1100, 1600)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 50   # text, the thumbnails and the marked source line, not a blank page
