"""The server's housekeeping: drain the local capture spool and end idle sessions, once at
start and then every `interval` seconds, off the event loop (both touch the database)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from stint.tracker import Tracker

log = logging.getLogger("stint.web")


def _drainer() -> Callable[[Any], Any] | None:
    """`stint.capture.ingest.drain` when the capture package provides it."""
    try:
        from stint.capture.ingest import drain  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return drain  # type: ignore[no-any-return,unused-ignore]


def housekeeping(tracker: Tracker) -> dict[str, Any]:
    """One round: drain the spool (if capture is installed), then the inactivity sweep."""
    drained: Any = None
    drain = _drainer()
    if drain is not None:
        drained = drain(tracker)
    ended = tracker.sweep()
    return {"drained": drained, "ended": ended}


def optimize(tracker: Tracker) -> None:
    """Refresh the database's planner statistics (SQLite), once per server start; pooled
    connections are dropped so no statement keeps a plan made without them."""
    from stint.store import dashboard

    with tracker.store.write() as conn:
        dashboard.optimize(conn)
    tracker.store.engine.dispose()


async def run_periodically(tracker: Tracker, interval: float) -> None:
    """Run `housekeeping` forever; a failed round is logged, never fatal."""
    while True:
        try:
            await asyncio.to_thread(housekeeping, tracker)
        except Exception:  # the server must keep serving whatever one round hits
            log.exception("housekeeping failed")
        await asyncio.sleep(interval)
