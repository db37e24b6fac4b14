"""Team mode: organizations, users with a role per org, API keys and the `Principal` a
request's key resolves to. A service above the session core and the store, below the
Tracker (docs/architecture.md)."""

from __future__ import annotations

from stint.team.keys import AuthError, ExpiredKey, InvalidKey, Principal, RevokedKey
from stint.team.roles import ROLES, SCOPES
from stint.team.service import Team

__all__ = [
    "ROLES",
    "SCOPES",
    "AuthError",
    "ExpiredKey",
    "InvalidKey",
    "Principal",
    "RevokedKey",
    "Team",
]
