"""Orgs, users with their role per org, API keys and machines: the tenancy tables.

Rows only; what a role may do, how a token is made and checked is `stint.team`'s. Every
function that reads or changes something inside an org takes its id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Connection

from stint.store.schema import (
    api_keys,
    machines,
    memberships,
    orgs,
    server_secrets,
    sessions,
    users,
)


def insert_org(conn: Connection, org_id: str, name: str, at: datetime) -> None:
    conn.execute(orgs.insert().values(id=org_id, name=name, created_at=at))


def list_orgs(conn: Connection, member: int | None = None) -> list[dict[str, Any]]:
    """Every org with its number of members; with `member`, the orgs that user is in."""
    members = (
        select(func.count())
        .select_from(memberships)
        .where(memberships.c.org_id == orgs.c.id)
        .scalar_subquery()
    )
    query = select(orgs, members.label("members")).order_by(orgs.c.created_at, orgs.c.id)
    if member is not None:
        mine = select(memberships.c.org_id).where(memberships.c.user_id == member)
        query = query.where(orgs.c.id.in_(mine.scalar_subquery()))
    return [dict(row._mapping) for row in conn.execute(query)]


def find_orgs(conn: Connection, ref: str) -> list[dict[str, Any]]:
    """The org whose id is `ref`, else those named `ref` (more than one: ambiguous)."""
    by_id = conn.execute(select(orgs).where(orgs.c.id == ref)).first()
    if by_id is not None:
        return [dict(by_id._mapping)]
    rows = conn.execute(select(orgs).where(orgs.c.name == ref).order_by(orgs.c.id))
    return [dict(row._mapping) for row in rows]


def has_owner(conn: Connection) -> bool:
    query = select(memberships.c.user_id).where(memberships.c.role == "owner").limit(1)
    return conn.execute(query).first() is not None


def insert_user(
    conn: Connection, org_id: str, name: str, email: str | None, role: str, at: datetime
) -> int:
    result = conn.execute(
        users.insert()
        .values(org_id=org_id, name=name, email=email, created_at=at)
        .returning(users.c.id)
    )
    user_id = int(result.scalar_one())
    set_role(conn, org_id, user_id, role, at)
    return user_id


def set_role(conn: Connection, org_id: str, user_id: int, role: str, at: datetime) -> None:
    found = conn.execute(
        update(memberships)
        .where(memberships.c.org_id == org_id, memberships.c.user_id == user_id)
        .values(role=role)
    )
    if found.rowcount == 0:
        conn.execute(
            memberships.insert().values(org_id=org_id, user_id=user_id, role=role, created_at=at)
        )


def _user_query(org_id: str) -> Any:
    return (
        select(users.c.id, users.c.name, users.c.email, users.c.created_at, memberships.c.role)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(memberships.c.org_id == org_id)
    )


def list_users(conn: Connection, org_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(_user_query(org_id).order_by(users.c.id))
    return [dict(row._mapping) for row in rows]


def find_user(conn: Connection, org_id: str, ref: str) -> dict[str, Any] | None:
    """A member of `org_id` by id (digits) or name."""
    condition = users.c.name == ref
    if ref.isdigit():
        condition = or_(condition, users.c.id == int(ref))
    row = conn.execute(_user_query(org_id).where(condition).order_by(users.c.id)).first()
    return dict(row._mapping) if row else None


def insert_key(conn: Connection, values: dict[str, Any]) -> int:
    result = conn.execute(api_keys.insert().values(values).returning(api_keys.c.id))
    return int(result.scalar_one())


_KEY_COLUMNS = [
    api_keys.c.id,
    api_keys.c.org_id,
    api_keys.c.user_id,
    users.c.name.label("user"),
    api_keys.c.name,
    api_keys.c.prefix,
    api_keys.c.scopes,
    api_keys.c.created_at,
    api_keys.c.last_used_at,
    api_keys.c.expires_at,
    api_keys.c.revoked_at,
]


def list_keys(conn: Connection, org_id: str) -> list[dict[str, Any]]:
    """The org's keys without their hashes (nothing that could stand in for a token)."""
    query = (
        select(*_KEY_COLUMNS)
        .select_from(api_keys.outerjoin(users, users.c.id == api_keys.c.user_id))
        .where(api_keys.c.org_id == org_id)
        .order_by(api_keys.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def revoke_key(conn: Connection, org_id: str, key_id: int, at: datetime) -> bool:
    """Revoke the org's key `key_id`; False if there is no such key in that org. Revoking
    twice keeps the first time."""
    found = conn.execute(
        select(api_keys.c.id).where(api_keys.c.org_id == org_id, api_keys.c.id == key_id)
    ).first()
    if found is None:
        return False
    conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return True


def any_key(conn: Connection) -> bool:
    return conn.execute(select(api_keys.c.id).limit(1)).first() is not None


def keys_by_prefix(conn: Connection, prefix: str) -> list[dict[str, Any]]:
    """The keys a token of this prefix could be, with their hash and the holder's role in
    the key's org (None once the user left it)."""
    query = (
        select(*_KEY_COLUMNS, api_keys.c.key_hash, memberships.c.role)
        .select_from(
            api_keys.outerjoin(users, users.c.id == api_keys.c.user_id).outerjoin(
                memberships,
                and_(
                    memberships.c.org_id == api_keys.c.org_id,
                    memberships.c.user_id == api_keys.c.user_id,
                ),
            )
        )
        .where(api_keys.c.prefix == prefix)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def touch_key(conn: Connection, key_id: int, at: datetime, not_since: datetime) -> None:
    """Set last_used_at unless it is already later than `not_since`: the condition is in the
    UPDATE, so concurrent requests and server processes write it once per interval."""
    conn.execute(
        update(api_keys)
        .where(
            api_keys.c.id == key_id,
            or_(api_keys.c.last_used_at.is_(None), api_keys.c.last_used_at < not_since),
        )
        .values(last_used_at=at)
    )


def upsert_machine(
    conn: Connection,
    org_id: str,
    machine_uuid: str,
    name: str,
    user_id: int | None,
    at: datetime,
) -> int:
    """The org's machine of this stable id, created or renamed; its row id."""
    row = conn.execute(
        select(machines.c.id).where(machines.c.org_id == org_id, machines.c.uuid == machine_uuid)
    ).first()
    if row is not None:
        conn.execute(
            update(machines)
            .where(machines.c.id == row[0])
            .values(name=name, user_id=user_id, last_seen_at=at)
        )
        return int(row[0])
    result = conn.execute(
        machines.insert()
        .values(
            org_id=org_id,
            uuid=machine_uuid,
            name=name,
            user_id=user_id,
            created_at=at,
            last_seen_at=at,
        )
        .returning(machines.c.id)
    )
    return int(result.scalar_one())


def list_machines(conn: Connection, org_id: str) -> list[dict[str, Any]]:
    query = select(machines).where(machines.c.org_id == org_id).order_by(machines.c.id)
    return [dict(row._mapping) for row in conn.execute(query)]


def remove_member(conn: Connection, org_id: str, user_id: int) -> bool:
    """Take the user out of the org: their keys of that org stop authenticating (the key's
    holder has no role there any more). False if they were not in it."""
    found = conn.execute(
        delete(memberships).where(memberships.c.org_id == org_id, memberships.c.user_id == user_id)
    )
    return bool(found.rowcount)


def set_password_hash(conn: Connection, user_id: int, password_hash: str | None) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def credentials(conn: Connection, org_id: str, name: str) -> dict[str, Any] | None:
    """A member of the org by name, with their role and password hash (sign-in)."""
    query = (
        select(users.c.id, users.c.name, users.c.password_hash, memberships.c.role)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(memberships.c.org_id == org_id, users.c.name == name)
    )
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def member(conn: Connection, org_id: str, user_id: int) -> dict[str, Any] | None:
    """A member of the org by id, with their role and password hash."""
    query = (
        select(users.c.id, users.c.name, users.c.password_hash, memberships.c.role)
        .join(memberships, memberships.c.user_id == users.c.id)
        .where(memberships.c.org_id == org_id, users.c.id == user_id)
    )
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def key_by_id(conn: Connection, key_id: int) -> dict[str, Any] | None:
    """A key with its holder's role in the key's org (as `keys_by_prefix`)."""
    query = (
        select(*_KEY_COLUMNS, memberships.c.role)
        .select_from(
            api_keys.outerjoin(
                memberships,
                and_(
                    memberships.c.org_id == api_keys.c.org_id,
                    memberships.c.user_id == api_keys.c.user_id,
                ),
            ).outerjoin(users, users.c.id == api_keys.c.user_id)
        )
        .where(api_keys.c.id == key_id)
    )
    row = conn.execute(query).first()
    return dict(row._mapping) if row else None


def secret(conn: Connection, name: str) -> str | None:
    row = conn.execute(select(server_secrets.c.value).where(server_secrets.c.name == name)).first()
    return None if row is None else str(row[0])


def add_secret(conn: Connection, store: Any, name: str, value: str, at: datetime) -> None:
    """Store the secret unless another process stored one first (theirs is kept)."""
    store.insert_ignore(
        conn, server_secrets, {"name": name, "value": value, "created_at": at}, ["name"]
    )


def people(conn: Connection, org_id: str) -> list[dict[str, Any]]:
    """Per member of the org: sessions, active time, cost, last seen (the People page)."""
    S = sessions
    figures = (
        select(
            S.c.user_id,
            func.count(S.c.id).label("sessions"),
            func.coalesce(func.sum(S.c.active_seconds), 0).label("active_seconds"),
            func.coalesce(func.sum(S.c.cost_usd), 0).label("cost_usd"),
            func.max(S.c.last_activity_at).label("last_seen_at"),
        )
        .where(S.c.org_id == org_id, S.c.user_id.is_not(None))
        .group_by(S.c.user_id)
        .subquery()
    )
    query = (
        _user_query(org_id)
        .add_columns(
            func.coalesce(figures.c.sessions, 0).label("sessions"),
            func.coalesce(figures.c.active_seconds, 0).label("active_seconds"),
            func.coalesce(figures.c.cost_usd, 0).label("cost_usd"),
            figures.c.last_seen_at,
        )
        .outerjoin(figures, figures.c.user_id == users.c.id)
        .order_by(users.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def machines_with_figures(conn: Connection, org_id: str) -> list[dict[str, Any]]:
    """The org's machines with their user's name and that user's number of sessions."""
    count = (
        select(func.count(sessions.c.id))
        .where(sessions.c.org_id == org_id, sessions.c.user_id == machines.c.user_id)
        .scalar_subquery()
    )
    query = (
        select(machines, users.c.name.label("user"), count.label("sessions"))
        .select_from(machines.outerjoin(users, users.c.id == machines.c.user_id))
        .where(machines.c.org_id == org_id)
        .order_by(machines.c.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
