"""Concurrent live-card measurements share one run; sequential ones each run afresh, and
an error reaches every caller of the run it came from."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from stint.sessions import single_flight


def test_callers_during_a_run_share_it_and_later_callers_run_again() -> None:
    started, release = threading.Event(), threading.Event()
    runs: list[int] = []

    def slow() -> int:
        runs.append(1)
        started.set()
        assert release.wait(10)
        return len(runs)

    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(single_flight.share, "k", slow)
        assert started.wait(10)
        others = [pool.submit(single_flight.share, "k", slow) for _ in range(3)]
        time.sleep(1.0)  # the three reach the running measurement and wait on it
        release.set()
        assert [f.result(10) for f in [first, *others]] == [1, 1, 1, 1]
    assert single_flight.share("k", slow) == 2  # nothing running: measured again


def test_an_error_is_raised_and_not_kept() -> None:
    def broken() -> int:
        raise OSError("git went away")

    with pytest.raises(OSError):
        single_flight.share("e", broken)
    assert single_flight.share("e", lambda: 7) == 7
