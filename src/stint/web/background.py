"""The server's housekeeping: drain the local capture spool and end idle sessions of every
org, once at start and then every `interval` seconds, off the event loop (both touch the
database).

A server may run as several processes (`stint serve --workers N`, or several hosts on one
PostgreSQL database): each round first takes the store's `housekeeping` lock without
waiting, and a process that does not get it skips the round, so one process at a time does
the work (`Store.exclusive`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from stint.tracker import Tracker

log = logging.getLogger("stint.web")
LOCK = "housekeeping"


def housekeeping(tracker: Tracker) -> dict[str, Any]:
    """One round, if no other process is doing one: drain the capture spool (the local
    hooks' file, meaningful on the machine they run on), then the inactivity sweep of
    every org."""
    with tracker.store.exclusive(LOCK) as ours:
        if not ours:
            return {"skipped": True}
        drained = tracker.drain()
        ended = tracker.sweep_every_org()
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
