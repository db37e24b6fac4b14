"""`Team`: orgs, users, API keys and machines of one store, and `authenticate`.

The admin CLI (and later the admin API) call it through the Tracker (`tracker.team`); the
server resolves each request's bearer token with `authenticate` and binds a Tracker to
the principal's org.
"""

from __future__ import annotations

import hmac
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from stint.model.timeparse import utcnow
from stint.model.types import NotFound, StintError
from stint.store import Store
from stint.store import team as st
from stint.team import keys as tokens
from stint.team import passwords
from stint.team.roles import ROLE_SCOPES, check_role, check_scopes, default_scopes

# last_used_at is written at most this often per key, so a busy client does not turn every
# request into a write (and, on SQLite, into a wait for the write lock).
TOUCH_INTERVAL = timedelta(minutes=1)
_COOKIE_SECRET = "sign-in cookie"


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

    def create_org(
        self, name: str, *, owner_id: int | None = None, now: datetime | None = None
    ) -> dict[str, Any]:
        """A new org; `owner_id` (the admin API's caller) becomes its owner."""
        name = _name(name, "org")
        org_id, at = str(uuid.uuid4()), now or utcnow()
        with self.store.write() as conn:
            st.insert_org(conn, org_id, name, at)
            if owner_id is not None:
                st.set_role(conn, org_id, owner_id, "owner", at)
        return {"id": org_id, "name": name, "created_at": at}

    def orgs(self, member: int | None = None) -> list[dict[str, Any]]:
        """Every org (the CLI, run by whoever holds the database); `member`: only the orgs
        that user belongs to (the admin API: no org learns of another)."""
        with self.store.read() as conn:
            return st.list_orgs(conn, member)

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
        password: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        org_id = self.org_id(org_ref)
        name, role, at = _name(name, "user"), check_role(role), now or utcnow()
        hashed = passwords.hash_password(password) if password is not None else None
        with self.store.write() as conn:
            if st.find_user(conn, org_id, name) is not None:
                raise StintError(f"the org already has a user {name!r}")
            user_id = st.insert_user(conn, org_id, name, email, role, at)
            if hashed is not None:
                st.set_password_hash(conn, user_id, hashed)
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

    def set_role(self, org_ref: str, user_ref: str, role: str) -> dict[str, Any]:
        holder = self.user(org_ref, user_ref)
        role = check_role(role)
        with self.store.write() as conn:
            st.set_role(conn, holder["org_id"], holder["id"], role, utcnow())
        return {**holder, "role": role}

    def remove_user(self, org_ref: str, user_ref: str) -> None:
        """Take a user out of the org; their keys of that org stop working at once."""
        holder = self.user(org_ref, user_ref)
        with self.store.write() as conn:
            st.remove_member(conn, holder["org_id"], holder["id"])

    def set_password(self, org_ref: str, user_ref: str, password: str) -> None:
        """Set (or replace) the user's dashboard password; signs them out elsewhere."""
        holder = self.user(org_ref, user_ref)
        hashed = passwords.hash_password(password)
        with self.store.write() as conn:
            st.set_password_hash(conn, holder["id"], hashed)

    def people(self, org_ref: str) -> list[dict[str, Any]]:
        """Per member: sessions, active time, cost and last seen."""
        org_id = self.org_id(org_ref)
        with self.store.read() as conn:
            return st.people(conn, org_id)

    # ----------------------------------------------------------------- sign-in

    def sign_in(self, org_ref: str, name: str, password: str) -> tuple[tokens.Principal, str]:
        """The principal of a person signing in, and the stamp of their password hash (the
        cookie carries it). One error for a wrong org, user or password, taking the same
        time, so a failed attempt does not say which was wrong."""
        refused = tokens.InvalidKey("wrong org, user or password")
        with self.store.read() as conn:
            found = st.find_orgs(conn, org_ref.strip())
            row = st.credentials(conn, str(found[0]["id"]), name.strip()) if found else None
        if row is None or len(found) != 1:
            passwords.verify_nobody(password)
            raise refused
        if not passwords.verify(password, row["password_hash"]):
            raise refused
        org_id = str(found[0]["id"])
        principal = tokens.Principal(
            org_id, int(row["id"]), row["role"], ROLE_SCOPES[row["role"]], 0
        )
        return principal, passwords.stamp(row["password_hash"])

    def signed_in(self, org_id: str, user_id: int, stamp: str) -> tokens.Principal:
        """The principal of a sign-in cookie's person, if still a member with the same
        password; their role as it is now."""
        with self.store.read() as conn:
            row = st.member(conn, org_id, user_id)
        if row is None or not row["password_hash"]:
            raise tokens.InvalidKey("signed out: no such member any more")
        if not hmac.compare_digest(passwords.stamp(row["password_hash"]), stamp):
            raise tokens.InvalidKey("signed out: the password changed")
        return tokens.Principal(org_id, user_id, row["role"], ROLE_SCOPES[row["role"]], 0)

    def key_principal(self, key_id: int, *, now: datetime | None = None) -> tokens.Principal:
        """The principal of a key by id (a cookie of someone who signed in with a key):
        refused once the key is revoked or expired or its holder left the org."""
        now = now or utcnow()
        with self.store.read() as conn:
            key = st.key_by_id(conn, key_id)
        if key is None or key["role"] is None or key["user_id"] is None:
            raise tokens.InvalidKey("signed out: the key is gone")
        if key["revoked_at"] is not None:
            raise tokens.RevokedKey(f"API key {key['prefix']}… was revoked")
        if key["expires_at"] is not None and key["expires_at"] <= now:
            raise tokens.ExpiredKey(f"API key {key['prefix']}… expired")
        scopes = frozenset(key["scopes"] or ()) & ROLE_SCOPES[key["role"]]
        return tokens.Principal(key["org_id"], int(key["user_id"]), key["role"], scopes, key_id)

    def signing_secret(self) -> str:
        """The secret sign-in cookies are signed with: made by the first process that asks
        and kept in the database, so every server process on it agrees."""
        with self.store.read() as conn:
            found = st.secret(conn, _COOKIE_SECRET)
        if found is not None:
            return found
        with self.store.write() as conn:
            st.add_secret(conn, self.store, _COOKIE_SECRET, secrets.token_urlsafe(48), utcnow())
            stored = st.secret(conn, _COOKIE_SECRET)
        if stored is None:  # pragma: no cover - the insert above or another one stored it
            raise StintError("the signing secret could not be stored")
        return stored

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
        """The org's machines with their user's name and number of sessions."""
        org_id = self.org_id(org_ref)
        with self.store.read() as conn:
            return st.machines_with_figures(conn, org_id)


def _name(text: str, what: str) -> str:
    name = text.strip()
    if not name:
        raise StintError(f"the {what} needs a name")
    if len(name) > 200:
        raise StintError(f"the {what} name is longer than 200 characters")
    return name
