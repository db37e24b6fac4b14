"""The live card's git measurement may be reused for a moment (`reuse_seconds`), so a
busy overview runs `git status` about once a second instead of once a page; callers
without a window (`stint status`, `Tracker.live`) always measure afresh."""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from stint.sessions import recent_run


def test_a_result_is_reused_within_the_window_and_measured_again_after_it() -> None:
    runs: list[int] = []

    def measure() -> int:
        runs.append(1)
        return len(runs)

    key = ("reuse", time.monotonic())
    assert recent_run.share(key, measure, 0.5) == 1
    assert recent_run.share(key, measure, 0.5) == 1
    assert recent_run.share(key, measure, 0) == 2  # no window: a fresh run
    time.sleep(0.6)
    assert recent_run.share(key, measure, 0.5) == 3


def test_a_failed_run_is_not_reused() -> None:
    key = ("failing", time.monotonic())

    def broken() -> int:
        raise OSError("git went away")

    with contextlib.suppress(OSError):
        recent_run.share(key, broken, 10)
    assert recent_run.share(key, lambda: 7, 10) == 7


def test_while_a_newer_run_is_under_way_callers_get_the_last_result() -> None:
    key = ("under way", time.monotonic())
    assert recent_run.share(key, lambda: "old", 0.1) == "old"
    time.sleep(0.2)  # the window has passed: the next caller runs it again
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        assert release.wait(10)
        return "new"

    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(recent_run.share, key, slow, 0.1)
        assert started.wait(10)
        assert recent_run.share(key, lambda: "never", 0.1) == "old"  # no wait on the run
        release.set()
        assert running.result(10) == "new"
    assert recent_run.share(key, lambda: "never", 10) == "new"
