"""A laptop's push to its team server (`stint sync`), in batches, exactly once.

What changed since the last push (the `sync_cursors` of the remote: each session's
`updated_at` and the last activity id stored) is sent in batches of at most
`max_sessions` sessions and `max_activities` activities; the cursor moves only once the
server has answered 2xx for the batch, so a push interrupted anywhere is simply repeated
by the next one, and the server stores what it already holds once (see
`stint.team.sync_in`). Network errors and 5xx answers are retried with exponential
backoff; a 4xx stops the push with the server's one-line reason (a 413 first halves the
batch). The last attempt, success and error are kept in `sync-status.json`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from stint.capture import remotes
from stint.model.timeparse import utcnow
from stint.model.types import StintError
from stint.store import Store
from stint.store import sync_out as so

STATUS_FILE = "sync-status.json"
LOCK_FILE = "sync.lock"
STAMP_FILE = "sync.stamp"
# The automatic push after a drain or `stint end` starts at most this often.
DEBOUNCE_SECONDS = 30.0


class SyncError(StintError):
    """The push stopped: the server refused a batch, or could not be reached."""


class SyncBusy(StintError):
    """Another push of this home is running."""


@dataclass(frozen=True)
class PushOptions:
    max_sessions: int = 50
    max_activities: int = 2000
    attempts: int = 5
    first_delay: float = 0.5
    timeout: float = 30.0
    # Under the server's limit (web.sync.MAX_BATCH_BYTES): a bigger body halves the batch.
    max_bytes: int = 8 * 1024 * 1024


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot send {type(value).__name__}")


def _wire(bundle: dict[str, Any], machine_uuid: str) -> dict[str, Any]:
    """The bundle as sent: each activity keyed by its own idempotency key, else by this
    machine and its local row id (unique for the machine, stable across pushes)."""
    events = []
    for row in bundle["activities"]:
        event = {k: v for k, v in row.items() if k != "id"}
        event["idem_key"] = row.get("idem_key") or f"sync:{machine_uuid}:{row['id']}"
        events.append(event)
    return {**bundle, "activities": events}


def post(url: str, key: str, body: bytes, options: PushOptions) -> dict[str, Any]:
    """POST one batch; retried on network errors and 5xx, SyncError on a 4xx."""
    request = urllib.request.Request(
        f"{url}/api/v1/sync",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    delay, last = options.first_delay, ""
    for attempt in range(options.attempts):
        if attempt:
            time.sleep(delay)
            delay *= 2
        try:
            with urllib.request.urlopen(request, timeout=options.timeout) as answer:
                found: dict[str, Any] = json.loads(answer.read())
                return found
        except urllib.error.HTTPError as exc:
            reason = _reason(exc)
            if exc.code < 500:
                raise SyncError(f"the server refused the batch ({exc.code}): {reason}") from None
            last = f"{exc.code}: {reason}"
        except (OSError, ValueError) as exc:  # URLError, refused, reset, timeout, bad JSON
            last = str(getattr(exc, "reason", exc))
    raise SyncError(f"the server did not take the batch after {options.attempts} tries: {last}")


def _reason(exc: urllib.error.HTTPError) -> str:
    try:
        detail = json.loads(exc.read()).get("detail")
    except (OSError, ValueError, AttributeError):
        detail = None
    return str(detail or exc.reason).replace("\n", " ")[:300]


def _batch(
    store: Store, org_id: str, remote: str, machine_uuid: str, options: PushOptions, budget: int
) -> tuple[list[dict[str, Any]], list[tuple[int, datetime, int]]]:
    """The next batch: wire bundles and, per session, the cursor it earns once stored."""
    bundles: list[dict[str, Any]] = []
    cursors: list[tuple[int, datetime, int]] = []
    with store.read() as conn:
        for row in so.waiting_sessions(conn, org_id, remote, options.max_sessions):
            if budget <= 0 and bundles:
                break
            bundle = so.session_bundle(conn, org_id, row["id"], row["after"], max(budget, 1))
            budget -= len(bundle["activities"])
            last = max([row["after"], *[a["id"] for a in bundle["activities"]]])
            cursors.append((int(row["id"]), bundle["session"]["updated_at"], int(last)))
            bundles.append(_wire(bundle, machine_uuid))
    return bundles, cursors


def push(
    store: Store,
    org_id: str,
    home: Path,
    remote_name: str | None = None,
    *,
    dry_run: bool = False,
    options: PushOptions | None = None,
) -> dict[str, Any]:
    """Push what the remote does not hold yet; a summary of what was sent and stored."""
    options = options or PushOptions()
    name, entry = remotes.remote(home, remote_name)
    me = remotes.machine(home)
    if dry_run:
        with store.read() as conn:
            waiting = so.waiting_summary(conn, org_id, name)
        return {"remote": name, "dry_run": True, "would_send": waiting}
    summary: dict[str, Any] = {"remote": name, "batches": 0, "sessions": 0, "activities": 0}
    totals = dict.fromkeys(("sessions_created", "sessions_updated"), 0)
    totals |= dict.fromkeys(("activities_stored", "activities_duplicate"), 0)
    budget, seen = options.max_activities, set()
    _note(home, name, last_attempt_at=utcnow().isoformat())
    try:
        while True:
            bundles, cursors = _batch(store, org_id, name, me["uuid"], options, budget)
            if not bundles:
                break
            state = tuple(cursors)
            if state in seen:  # the cursor did not move: never loop on the same batch
                raise SyncError("the push made no progress (the same batch came back)")
            seen.add(state)
            body = json.dumps(
                {"machine": me, "sessions": bundles}, default=_json_default, ensure_ascii=False
            ).encode("utf-8")
            if len(body) > options.max_bytes and budget > 1:
                budget = max(1, budget // 2)
                seen.discard(state)
                continue
            try:
                answer = post(entry["url"], entry["key"], body, options)
            except SyncError as exc:
                if "(413)" in str(exc) and budget > 1:
                    budget = max(1, budget // 2)
                    seen.discard(state)
                    continue
                raise
            with store.write() as conn:
                at = utcnow()
                for session_id, updated_at, activity_id in cursors:
                    so.advance_cursor(
                        conn, store, org_id, name, session_id, updated_at, activity_id, at
                    )
            summary["batches"] += 1
            summary["sessions"] += len(bundles)
            summary["activities"] += sum(len(b["activities"]) for b in bundles)
            for key in totals:
                totals[key] += int(answer.get(key, 0))
    except SyncError as exc:
        _note(home, name, last_error=str(exc), last_error_at=utcnow().isoformat())
        raise
    _note(home, name, last_success_at=utcnow().isoformat(), last_error=None)
    return {**summary, **totals}


def status(store: Store, org_id: str, home: Path, remote_name: str | None = None) -> dict[str, Any]:
    """What waits for the remote and since when, the last success and the last error."""
    name, entry = remotes.remote(home, remote_name)
    with store.read() as conn:
        waiting = so.waiting_summary(conn, org_id, name)
    noted = _status_file(home).get(name, {})
    return {
        **remotes.shown(name, entry),
        "machine": remotes.machine(home),
        "waiting_sessions": waiting["sessions"],
        "waiting_events": waiting["events"],
        "waiting_since": waiting["since"].isoformat() if waiting["since"] else None,
        "last_attempt_at": noted.get("last_attempt_at"),
        "last_success_at": noted.get("last_success_at"),
        "last_error": noted.get("last_error"),
        "last_error_at": noted.get("last_error_at"),
    }


def _status_file(home: Path) -> dict[str, Any]:
    try:
        data = json.loads((home / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _note(home: Path, remote: str, **fields: Any) -> None:
    data = _status_file(home)
    data.setdefault(remote, {}).update(fields)
    home.mkdir(parents=True, exist_ok=True)
    temporary = home / f".{STATUS_FILE}.{os.getpid()}"
    temporary.write_text(json.dumps(data, indent=2), encoding="utf-8")
    os.replace(temporary, home / STATUS_FILE)


@contextlib.contextmanager
def exclusive(home: Path) -> Iterator[None]:
    """At most one push per home at a time; SyncBusy when one is running."""
    home.mkdir(parents=True, exist_ok=True)
    fd = os.open(home / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy("another `stint sync` is running") from None
        yield
    finally:
        os.close(fd)


def request_push(home: Path, database_url: str = "", debounce: float = DEBOUNCE_SECONDS) -> bool:
    """Start a detached `stint sync --quiet` when a remote is set, at most once per
    `debounce` seconds (a stamp file's time says when the last one started). Never raises:
    offline is normal, and the next push catches up. True if one was started."""
    try:
        if os.environ.get("STINT_NO_BACKGROUND_SYNC") or not remotes.has_remote(home):
            return False
        stamp = home / STAMP_FILE
        with contextlib.suppress(FileNotFoundError):
            if time.time() - stamp.stat().st_mtime < debounce:
                return False
        stamp.touch()
        subprocess.Popen(
            [sys.executable, "-m", "stint", "sync", "--quiet"],
            # This store's push, even for a Tracker opened on another home or database
            # than the environment's (`--database`, the library's `Tracker.open(home=…)`).
            env={**os.environ, "STINT_HOME": str(home)}
            | ({"STINT_DATABASE_URL": database_url} if database_url else {}),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
        return True
    except Exception as exc:  # never fail the command that asked
        _log(home, f"sync: could not start a background push: {exc}")
        return False


def _log(home: Path, message: str) -> None:
    with contextlib.suppress(OSError):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with open(home / "stint.log", "a", encoding="utf-8") as out:
            out.write(f"{stamp} {message[:500]}\n")


log = _log
