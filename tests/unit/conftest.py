"""The unit tier: no Pandoc, no TeX, no build.py. A test here that starts one
fails, even if the code under test caught the refusal, so that the tier cannot
slowly fill with slow tests (move such a test up to tests/)."""
from __future__ import annotations

import pytest

from .tier_guard import refusing_slow_programs


def _guarded(item):
    started: list[str] = []
    with refusing_slow_programs(started):
        result = yield
    if started:
        raise pytest.fail.Exception(f"{item.nodeid} started {', '.join(started)}: unit tests run "
                                    "no Pandoc and no TeX (tests/unit/conftest.py)", pytrace=False)
    return result


# Setup too: a session fixture that builds PDFs, first set up by a unit test, fails it.
pytest_runtest_setup = pytest.hookimpl(wrapper=True)(_guarded)
pytest_runtest_call = pytest.hookimpl(wrapper=True)(_guarded)
