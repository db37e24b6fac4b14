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
    name: Short
    """The new org's name; its id is a new UUID and the caller becomes its owner."""


class OrgOut(Doc):
    id: str
    name: str
    created_at: datetime
    members: int | None = None
    """How many users hold a role in it (in listings)."""


class UserIn(Doc):
    name: Short
    """The user's name, unique in the org (what they sign in with)."""
    role: Role = "member"
    """Their role; only an owner makes an owner."""
    email: Annotated[str, Field(max_length=320)] | None = None
    password: Password | None = None
    """A dashboard password (stored as an argon2 hash); none: they sign in with a key."""


class UserPatch(Doc):
    role: Role | None = None
    """The user's new role in the org."""
    password: Password | None = None
    """A new dashboard password (signs them out elsewhere)."""


class UserOut(Doc):
    id: int
    name: str
    role: str
    email: str | None = None
    created_at: datetime


class KeyIn(Doc):
    user: Annotated[str, Field(min_length=1, max_length=200)]
    """The holder: a user of the org, by name or id."""
    scopes: list[Scope] | None = Field(default=None, max_length=3)
    """What the key may do; default: all the holder's role allows."""
    expires_at: When | None = None
    """When the key stops working (none: never)."""
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    """What the key is for."""


class KeyOut(Doc):
    id: int
    user_id: int | None = None
    user: str | None = None
    """The holder's name."""
    name: str
    prefix: str
    """The key's first characters, in the clear: how people recognise it."""
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class KeyMade(KeyOut):
    token: str
    """The key itself: shown this once, only its digest is stored."""


class MachineOut(Doc):
    id: int
    uuid: str
    """The machine's own stable id."""
    name: str
    user_id: int | None = None
    user: str | None = None
    created_at: datetime
    last_seen_at: datetime | None = None
    sessions: int = 0
    """Sessions of the machine's user in the org."""
