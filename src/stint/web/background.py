"""The server's housekeeping: drain the local capture spool and end idle sessions, once at
start and then every `interval` seconds, off the event loop (both touch the database)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from stint.tracker import Tracker

log = logging.getLogger("stint.web")


def housekeeping(tracker: Tracker) -> dict[str, Any]:
    """One round: drain the capture spool, then the inactivity sweep."""
    drained = tracker.drain()
    ended = tracker.sweep()
    return {"drained": drained, "ended": ended}


def optimize(tracker: Tracker) -> None:
    """Refresh the database's planner statistics (SQLite), once per server start; pooled
    connections are dropped so no statement keeps a plan made without them."""
    tracker.optimize()


async def run_periodically(tracker: Tracker, interval: float) -> None:
    """Run `housekeeping` forever; a failed round is logged, never fatal."""
    while True:
        try:
            await asyncio.to_thread(housekeeping, tracker)
        except Exception:  # the server must keep serving whatever one round hits
            log.exception("housekeeping failed")
        await asyncio.sleep(interval)
