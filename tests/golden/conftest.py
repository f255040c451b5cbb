"""The golden comparison: text made now against tests/golden/expected/<name>,
shown as a unified diff when they differ; rewritten instead with
`pytest tests/golden --update-golden` or UPDATE_GOLDEN=1 (see README)."""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

EXPECTED = Path(__file__).resolve().parent / "expected"


@pytest.fixture
def golden(request):
    """golden(name, text): compare text with expected/name (or store it when updating)."""
    update = request.config.getoption("update_golden") or os.environ.get("UPDATE_GOLDEN") == "1"

    def compare(name: str, actual: str) -> None:
        path = EXPECTED / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(f"no golden file {path.relative_to(EXPECTED.parent)}: run "
                        "'pytest tests/golden --update-golden' and review it with git diff",
                        pytrace=False)
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = difflib.unified_diff(expected.splitlines(keepends=True),
                                        actual.splitlines(keepends=True),
                                        f"expected/{name}", f"made now/{name}")
            pytest.fail(f"{name} differs from its golden file (if the change is intended: "
                        f"pytest tests/golden --update-golden, then review git diff):\n"
                        + "".join(diff), pytrace=False)
    return compare
