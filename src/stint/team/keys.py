"""API tokens: made, hashed, recognised, and the `Principal` one resolves to.

A token is `stint_` and 43 characters of `secrets.token_urlsafe(32)` (256 random bits). It
is shown once and stored only as its SHA-256 digest. A password hash (argon2, e.g. with
pwdlib) is for low-entropy secrets people choose: it is slow on purpose so a stolen table
cannot be brute-forced. A 256-bit random token cannot be guessed whatever the hash, so a
fast unsalted digest is as safe and costs microseconds per request instead of tens of
milliseconds; an HMAC would add a server secret every process must share for no gain.
The first 12 characters are kept in the clear as the prefix people recognise a key by
and requests are looked up by; the digests are then compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from stint.model.types import StintError

TOKEN_PREFIX = "stint_"
PREFIX_LENGTH = 12


class AuthError(StintError):
    """A token that does not authenticate; the message says why, in one line."""


class InvalidKey(AuthError):
    """No key has this token (or its holder is no longer in the key's org)."""


class ExpiredKey(AuthError):
    """The key existed and matched, but its expiry has passed."""


class RevokedKey(AuthError):
    """The key existed and matched, but it was revoked."""


@dataclass(frozen=True)
class Principal:
    """Who a request is: the org everything it does is scoped to, the user, the user's
    role in that org and the scopes of the key it came with."""

    org_id: str
    user_id: int
    role: str
    scopes: frozenset[str]
    key_id: int

    def can(self, scope: str) -> bool:
        return scope in self.scopes


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def prefix_of(token: str) -> str:
    return token[:PREFIX_LENGTH]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def matches(token: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(token).encode("ascii"), stored_digest.encode("ascii"))
