"""The suite's own layout across test workers: what must run on one worker does.

The tests on the real O*NET and ESCO data share one session build (minutes) only if they run on
one worker, and the wheel tests build in the checkout's build/ folder, where two builds at once
break each other. pytest-xdist's ``--dist loadgroup`` keeps each group on one worker by
suffixing the test ids with ``@group``; these tests fail when the groups fall apart (as they do
under pytest 9, which no longer reads the id xdist renames).
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import REAL_DATA

pytestmark = pytest.mark.skipif("PYTEST_XDIST_WORKER" not in os.environ,
                                reason="one process: nothing to keep together")


def test_real_data_tests_are_one_group(request):
    real = [item for item in request.session.items
            if REAL_DATA & set(getattr(item, "fixturenames", ()))]
    if not real:
        pytest.skip("no test on the real data in this run")
    assert all(item.nodeid.endswith("@real-data") for item in real), [
        item.nodeid for item in real if not item.nodeid.endswith("@real-data")][:3]


def test_wheel_tests_are_one_group(request):
    wheel = [item for item in request.session.items if "test_packaging.py" in item.nodeid]
    if not wheel:
        pytest.skip("no wheel test in this run")
    assert all(item.nodeid.endswith("@wheel") for item in wheel)
