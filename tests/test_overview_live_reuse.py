"""The live card's git measurement may be reused for a moment (`reuse_seconds`), so a
busy overview runs `git status` about once a second instead of once a page; callers
without a window (`stint status`, `Tracker.live`) always measure afresh."""

from __future__ import annotations

import contextlib
import time

from stint.sessions import single_flight


def test_a_result_is_reused_within_the_window_and_measured_again_after_it() -> None:
    runs: list[int] = []

    def measure() -> int:
        runs.append(1)
        return len(runs)

    key = ("reuse", time.monotonic())
    assert single_flight.share(key, measure, reuse_seconds=0.5) == 1
    assert single_flight.share(key, measure, reuse_seconds=0.5) == 1
    assert single_flight.share(key, measure) == 2  # no window: a fresh run
    time.sleep(0.6)
    assert single_flight.share(key, measure, reuse_seconds=0.5) == 3


def test_a_failed_run_is_not_reused() -> None:
    key = ("failing", time.monotonic())

    def broken() -> int:
        raise OSError("git went away")

    with contextlib.suppress(OSError):
        single_flight.share(key, broken, reuse_seconds=10)
    assert single_flight.share(key, lambda: 7, reuse_seconds=10) == 7
