"""Team mode: organizations, users with a role per org, API keys and the `Principal` a
request's key resolves to. A service above the session core and the store, below the
Tracker (docs/architecture.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stint.team.keys import AuthError, ExpiredKey, InvalidKey, Principal, RevokedKey
from stint.team.roles import ROLES, SCOPES

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    # `Team` brings the store (SQLAlchemy); the CLI reads roles and scopes without it.
    if name == "Team":
        from stint.team.service import Team

        return Team
    raise AttributeError(name)
