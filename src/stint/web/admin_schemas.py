"""Pydantic models of the admin API (/api/v1/admin): orgs, users, keys, machines."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from stint.web.schemas import Doc, Short, When

Role = Literal["owner", "admin", "member", "viewer"]
Scope = Literal["ingest", "read", "admin"]
Password = Annotated[str, Field(min_length=8, max_length=1024)]


class OrgIn(Doc):
    """A new org."""

    name: Short
    """The new org's name; its id is a new UUID and the caller becomes its owner."""


class OrgOut(Doc):
    """An org the caller belongs to."""

    id: str
    """The org's id (a UUID)"""
    name: str
    """The org's name"""
    created_at: datetime
    """When it was made"""
    members: int | None = None
    """How many users hold a role in it (in listings)."""


class UserIn(Doc):
    """A new user of the caller's org."""

    name: Short
    """The user's name, unique in the org (what they sign in with)."""
    role: Role = "member"
    """Their role; only an owner makes an owner."""
    email: Annotated[str, Field(max_length=320)] | None = None
    """Their e-mail address, if wanted"""
    password: Password | None = None
    """A dashboard password (stored as an argon2 hash); none: they sign in with a key."""


class UserPatch(Doc):
    """A change to a user: a new role, a new password, or both."""

    role: Role | None = None
    """The user's new role in the org."""
    password: Password | None = None
    """A new dashboard password (signs them out elsewhere)."""


class UserOut(Doc):
    """A user of the org and their role in it."""

    id: int
    """The user's id"""
    name: str
    """The user's name (what they sign in with)"""
    role: str
    """owner, admin, member or viewer"""
    email: str | None = None
    """Their e-mail address"""
    created_at: datetime
    """When they were added"""


class KeyIn(Doc):
    """A new API key for a user of the org."""

    user: Annotated[str, Field(min_length=1, max_length=200)]
    """The holder: a user of the org, by name or id."""
    scopes: list[Scope] | None = Field(default=None, max_length=3)
    """What the key may do; default: all the holder's role allows."""
    expires_at: When | None = None
    """When the key stops working (none: never)."""
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    """What the key is for."""


class KeyOut(Doc):
    """An API key as listed: never the key itself."""

    id: int
    """The key's id (what revoking names)"""
    user_id: int | None = None
    """The holder's user id"""
    user: str | None = None
    """The holder's name."""
    name: str
    """What the key is for"""
    prefix: str
    """The key's first characters, in the clear: how people recognise it."""
    scopes: list[str]
    """What the key may do: ingest, read, admin"""
    created_at: datetime
    """When it was made"""
    last_used_at: datetime | None = None
    """When a request last came with it (to the minute)"""
    expires_at: datetime | None = None
    """When it stops working (none: never)"""
    revoked_at: datetime | None = None
    """When it was revoked (none: it works)"""


class KeyMade(KeyOut):
    """A key just made, with its token: the only time it is shown."""

    token: str
    """The key itself: shown this once, only its digest is stored."""


class MachineOut(Doc):
    """A laptop that syncs to this server."""

    id: int
    """The machine's id on the server"""
    uuid: str
    """The machine's own stable id."""
    name: str
    """What people call it (the host name unless set)"""
    user_id: int | None = None
    """The user whose key it syncs with"""
    user: str | None = None
    """That user's name"""
    created_at: datetime
    """When it first synced"""
    last_seen_at: datetime | None = None
    """When it last synced"""
    sessions: int = 0
    """Sessions of the machine's user in the org."""
