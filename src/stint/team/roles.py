"""Roles and scopes: what each role of an org may do, as scopes an API key can carry."""

from __future__ import annotations

from collections.abc import Iterable

from stint.model.types import StintError

SCOPES = ("ingest", "read", "admin")
ROLES = ("owner", "admin", "member", "viewer")

# The most a key of a user in that role can do; a key may carry less. A viewer reads only.
ROLE_SCOPES: dict[str, frozenset[str]] = {
    "owner": frozenset(SCOPES),
    "admin": frozenset(SCOPES),
    "member": frozenset({"ingest", "read"}),
    "viewer": frozenset({"read"}),
}

# Who sees every session of the org; a member sees their own (and the org's aggregates),
# a viewer the same read-only.
SEES_EVERYONE = frozenset({"owner", "admin"})
# Who may administer: users, keys, machines of their org (and, the owner only, orgs).
ADMINS = frozenset({"owner", "admin"})


def check_role(role: str) -> str:
    if role not in ROLES:
        raise StintError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return role


def check_scopes(scopes: Iterable[str], role: str) -> list[str]:
    """`scopes` in their canonical order, each known and allowed to `role`."""
    wanted = set(scopes)
    unknown = sorted(wanted - set(SCOPES))
    if unknown:
        raise StintError(f"unknown scope {unknown[0]!r}: use {', '.join(SCOPES)}")
    if not wanted:
        raise StintError("a key needs at least one scope: " + ", ".join(SCOPES))
    beyond = sorted(wanted - ROLE_SCOPES[role])
    if beyond:
        raise StintError(f"a {role} cannot hold a key with the {beyond[0]!r} scope")
    return [scope for scope in SCOPES if scope in wanted]


def default_scopes(role: str) -> list[str]:
    return [scope for scope in SCOPES if scope in ROLE_SCOPES[role]]
