"""The server's side of `stint sync`: one pushed batch into one org, all or nothing.

A batch names the machine that sent it and carries sessions, each with everything it
holds (see `stint.store.sync_out.session_bundle`). The session is upserted by its uuid
within the caller's org, and a uuid that another org holds is refused (that org's row is
never touched). Activities go in by idempotency key; tags, tasks, files, commits, token
usage, decisions, context and goal records are replaced wholesale; counters come from the
laptop's row. So a batch sent twice, or a push repeated after a lost answer, stores
everything once. The session takes the key's user and the machine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stint.model.timeparse import utcnow
from stint.model.types import Conflict, StintError
from stint.store import Store
from stint.store import sync_in as si
from stint.store import team as st
from stint.store.schema import activities, sessions
from stint.store.sync_out import CHILD_TABLES, ROW_LOCAL, SESSION_LOCAL, SUBJECT_LINK

_SUBJECT_FIELDS = frozenset({"key", "name", "kind", *SUBJECT_LINK})


class BadBatch(StintError):
    """The batch does not fit the tables: nothing of it was stored."""


def _checked(bundle: dict[str, Any], index: int) -> dict[str, Any]:
    try:
        (session,) = si.check_rows(sessions, [bundle["session"]], SESSION_LOCAL)
        if not session.get("uuid"):
            raise si.BadRows("sessions.uuid is required")
        events = []
        for row in bundle.get("activities") or []:
            if not row.get("idem_key"):
                raise si.BadRows("activities.idem_key is required")
            events.append(row)
        children = {
            name: si.check_rows(table, bundle.get(name) or [], ROW_LOCAL)
            for name, table in CHILD_TABLES.items()
        }
        subjects = bundle.get("subjects") or []
        for link in subjects:
            if not isinstance(link.get("key"), str) or set(link) - _SUBJECT_FIELDS:
                raise si.BadRows("subjects: each needs a key and only its link's fields")
        return {
            "session": session,
            "project": bundle.get("project"),
            "tags": [str(t) for t in bundle.get("tags") or []],
            "activities": si.check_rows(activities, events, ROW_LOCAL),
            "children": children,
            "subjects": subjects,
        }
    except si.BadRows as exc:
        raise BadBatch(f"sessions[{index}]: {exc}") from None


def receive(
    store: Store,
    org_id: str,
    user_id: int | None,
    machine: dict[str, str],
    bundles: list[dict[str, Any]],
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Store one batch for `org_id` in one transaction; what was new and what was known."""
    at = now or utcnow()
    checked = [_checked(bundle, i) for i, bundle in enumerate(bundles)]
    uuids = [c["session"]["uuid"] for c in checked]
    if len(set(uuids)) != len(uuids):
        raise BadBatch("a session uuid appears twice in the batch")
    created = updated = stored = duplicates = 0
    new_sessions: list[int] = []
    with store.write() as conn:
        machine_id = st.upsert_machine(conn, org_id, machine["uuid"], machine["name"], user_id, at)
        found = si.owners(conn, uuids)
        for item in checked:
            uuid = item["session"]["uuid"]
            owner = found.get(uuid)
            if owner is not None and owner[1] != org_id:
                # Rolled back with the rest: nothing of the batch is stored.
                raise Conflict(f"session {uuid} belongs to another org")
            values = {**item["session"], "user_id": user_id, "machine_id": machine_id}
            values["project_id"] = (
                si.project_id(conn, store, org_id, item["project"], at) if item["project"] else None
            )
            existing = owner[0] if owner else None
            if existing is None:
                # The same Claude session may already be here from the server's telemetry
                # receiver: the push fills that row (taking the laptop's uuid and figures,
                # which count the same responses) instead of a second session beside it.
                session = item["session"]
                existing = si.server_twin(
                    conn, org_id, session.get("agent"), session.get("agent_session_id")
                )
                if existing is not None:
                    values["open_key"] = None  # a pushed session holds no open slot here
            session_id, new = si.upsert_session(conn, org_id, existing, values)
            if new:
                new_sessions.append(session_id)
            created += new
            updated += not new
            si.replace_children(
                conn,
                store,
                org_id,
                session_id,
                item["tags"],
                item["children"],
                item["subjects"],
                at,
                fresh=new,
            )
            went_in = si.insert_activities(conn, store, org_id, session_id, item["activities"])
            stored += went_in
            duplicates += len(item["activities"]) - went_in
        # Last, so that the org's number lock is held only from here to the commit.
        si.number_new_sessions(conn, org_id, new_sessions)
    return {
        "machine_id": machine_id,
        "sessions_created": created,
        "sessions_updated": updated,
        "activities_stored": stored,
        "activities_duplicate": duplicates,
    }
