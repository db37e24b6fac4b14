"""`Team`: orgs, users, API keys and machines of one store, and `authenticate`.

The admin CLI (and later the admin API) call it through the Tracker (`tracker.team`); the
server resolves each request's bearer token with `authenticate` and binds a Tracker to
the principal's org.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from stint.model.timeparse import utcnow
from stint.model.types import NotFound, StintError
from stint.store import Store
from stint.store import team as st
from stint.team import keys as tokens
from stint.team.roles import ROLE_SCOPES, check_role, check_scopes, default_scopes

# last_used_at is written at most this often per key, so a busy client does not turn every
# request into a write (and, on SQLite, into a wait for the write lock).
TOUCH_INTERVAL = timedelta(minutes=1)


class Team:
    """The tenancy of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -------------------------------------------------------------------- orgs

    def init(
        self, org_name: str, owner: str, email: str | None = None, *, now: datetime | None = None
    ) -> dict[str, Any]:
        """The first org, its owner and an admin key for the owner (its token, once). Refused
        once any org has an owner: from then on admins create orgs, users and keys."""
        with self.store.read() as conn:
            if st.has_owner(conn):
                raise StintError(
                    "already initialised: use `stint admin org create` or `admin user create`"
                )
        org = self.create_org(org_name, now=now)
        user = self.create_user(org["id"], owner, email=email, role="owner", now=now)
        key = self.create_key(org["id"], str(user["id"]), name="admin (stint admin init)", now=now)
        return {"org": org, "user": user, "key": key}

    def create_org(self, name: str, *, now: datetime | None = None) -> dict[str, Any]:
        name = _name(name, "org")
        org_id, at = str(uuid.uuid4()), now or utcnow()
        with self.store.write() as conn:
            st.insert_org(conn, org_id, name, at)
        return {"id": org_id, "name": name, "created_at": at}

    def orgs(self) -> list[dict[str, Any]]:
        with self.store.read() as conn:
            return st.list_orgs(conn)

    def org_id(self, ref: str) -> str:
        """An org's id from its id or its name."""
        with self.store.read() as conn:
            found = st.find_orgs(conn, ref)
        if not found:
            raise NotFound(f"no org {ref!r}")
        if len(found) > 1:
            raise StintError(f"{len(found)} orgs are named {ref!r}: give the id")
        return str(found[0]["id"])

    # ------------------------------------------------------------------- users

    def create_user(
        self,
        org_ref: str,
        name: str,
        *,
        email: str | None = None,
        role: str = "member",
        now: datetime | None = None,
    ) -> dict[str, Any]:
        org_id = self.org_id(org_ref)
        name, role, at = _name(name, "user"), check_role(role), now or utcnow()
        with self.store.write() as conn:
            if st.find_user(conn, org_id, name) is not None:
                raise StintError(f"the org already has a user {name!r}")
            user_id = st.insert_user(conn, org_id, name, email, role, at)
        return {
            "id": user_id,
            "org_id": org_id,
            "name": name,
            "email": email,
            "role": role,
            "created_at": at,
        }

    def users(self, org_ref: str) -> list[dict[str, Any]]:
        org_id = self.org_id(org_ref)
        with self.store.read() as conn:
            return [{**row, "org_id": org_id} for row in st.list_users(conn, org_id)]

    def user(self, org_ref: str, ref: str) -> dict[str, Any]:
        org_id = self.org_id(org_ref)
        with self.store.read() as conn:
            found = st.find_user(conn, org_id, ref)
        if found is None:
            raise NotFound(f"no user {ref!r} in org {org_ref!r}")
        return {**found, "org_id": org_id}

    # -------------------------------------------------------------------- keys

    def create_key(
        self,
        org_ref: str,
        user_ref: str,
        *,
        scopes: list[str] | None = None,
        expires_at: datetime | None = None,
        name: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """A new key for a member of the org. The result holds the token: the only time it
        is seen, since only its digest is stored. Scopes default to all the role allows."""
        holder = self.user(org_ref, user_ref)
        role, at = holder["role"], now or utcnow()
        chosen = check_scopes(scopes, role) if scopes else default_scopes(role)
        if expires_at is not None and expires_at <= at:
            raise StintError("the expiry is in the past")
        token = tokens.new_token()
        row = {
            "org_id": holder["org_id"],
            "user_id": holder["id"],
            "name": name or f"key of {holder['name']}",
            "prefix": tokens.prefix_of(token),
            "key_hash": tokens.digest(token),
            "scopes": chosen,
            "created_at": at,
            "expires_at": expires_at,
        }
        with self.store.write() as conn:
            key_id = st.insert_key(conn, row)
        shown = {k: v for k, v in row.items() if k != "key_hash"}
        return {"id": key_id, **shown, "user": holder["name"], "token": token}

    def keys(self, org_ref: str) -> list[dict[str, Any]]:
        """The org's keys: prefix, scopes, times; never a token or its digest."""
        org_id = self.org_id(org_ref)
        with self.store.read() as conn:
            return st.list_keys(conn, org_id)

    def revoke_key(self, org_ref: str, key_id: int, *, now: datetime | None = None) -> None:
        org_id = self.org_id(org_ref)
        with self.store.write() as conn:
            if not st.revoke_key(conn, org_id, key_id, now or utcnow()):
                raise NotFound(f"no key {key_id} in org {org_ref!r}")

    def has_keys(self) -> bool:
        """Whether any API key was ever made: a server then refuses requests without one."""
        with self.store.read() as conn:
            return st.any_key(conn)

    def authenticate(self, token: str, *, now: datetime | None = None) -> tokens.Principal:
        """The principal of a bearer token. `InvalidKey` when no key has it, `RevokedKey`
        or `ExpiredKey` when it did once; last_used_at is kept within a minute."""
        now = now or utcnow()
        if not token.startswith(tokens.TOKEN_PREFIX) or len(token) <= tokens.PREFIX_LENGTH:
            raise tokens.InvalidKey("not a stint API key")
        with self.store.read() as conn:
            candidates = st.keys_by_prefix(conn, tokens.prefix_of(token))
        # Every candidate is compared (in constant time), so the time taken does not say
        # which one, if any, matched.
        found = [row for row in candidates if tokens.matches(token, row["key_hash"])]
        if not found:
            raise tokens.InvalidKey("unknown API key")
        key = found[0]
        if key["revoked_at"] is not None:
            raise tokens.RevokedKey(f"API key {key['prefix']}… was revoked")
        if key["expires_at"] is not None and key["expires_at"] <= now:
            raise tokens.ExpiredKey(f"API key {key['prefix']}… expired")
        role = key["role"]
        if role is None or key["user_id"] is None:
            raise tokens.InvalidKey(f"API key {key['prefix']}… has no member of its org")
        last = key["last_used_at"]
        if last is None or now - last >= TOUCH_INTERVAL:
            with self.store.write() as conn:
                st.touch_key(conn, key["id"], now, now - TOUCH_INTERVAL)
        # A role lowered after the key was made lowers what the key can do.
        scopes = frozenset(key["scopes"] or ()) & ROLE_SCOPES[role]
        return tokens.Principal(key["org_id"], int(key["user_id"]), role, scopes, int(key["id"]))

    # ---------------------------------------------------------------- machines

    def register_machine(
        self,
        org_ref: str,
        machine_uuid: str,
        name: str,
        user_id: int | None = None,
        *,
        now: datetime | None = None,
    ) -> int:
        """The org's machine of this stable id (created, or renamed when seen again)."""
        try:
            machine_uuid = str(uuid.UUID(machine_uuid))
        except ValueError:
            raise StintError(f"not a machine id (a UUID): {machine_uuid!r}") from None
        org_id = self.org_id(org_ref)
        with self.store.write() as conn:
            return st.upsert_machine(
                conn, org_id, machine_uuid, _name(name, "machine"), user_id, now or utcnow()
            )

    def machines(self, org_ref: str) -> list[dict[str, Any]]:
        org_id = self.org_id(org_ref)
        with self.store.read() as conn:
            return st.list_machines(conn, org_id)


def _name(text: str, what: str) -> str:
    name = text.strip()
    if not name:
        raise StintError(f"the {what} needs a name")
    if len(name) > 200:
        raise StintError(f"the {what} name is longer than 200 characters")
    return name
