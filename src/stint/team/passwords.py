"""Passwords people choose for the dashboard's sign-in: argon2 hashes (pwdlib).

Unlike an API token (256 random bits, a fast digest is enough: see `keys`), a password
may be guessable, so its hash is slow on purpose. `verify_nobody` spends the same time
when no such user exists, so a failed sign-in does not say whether the user does.
"""

from __future__ import annotations

import functools
import hashlib

from pwdlib import PasswordHash

from stint.model.types import StintError

MIN_LENGTH = 8
_HASHER = PasswordHash.recommended()


@functools.cache
def _nobody() -> str:
    """A hash of nothing anyone types, verified against when the user is unknown. Made on
    first use, not on import: it costs as much as a sign-in, and every command that loads
    the team service (an import, a record) would pay it."""
    return _HASHER.hash("no such user: this hash only spends the time a real check takes")


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise StintError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > 1024:
        raise StintError("a password is at most 1024 characters")
    return _HASHER.hash(password)


def verify(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        verify_nobody(password)
        return False
    try:
        return bool(_HASHER.verify(password, password_hash))
    except Exception:  # a hash pwdlib cannot read is a wrong password, never a 500
        return False


def verify_nobody(password: str) -> None:
    _HASHER.verify(password, _nobody())


def stamp(password_hash: str | None) -> str:
    """A short fingerprint of the hash a sign-in cookie was issued under: setting a new
    password changes it, which ends the sessions signed in with the old one."""
    return hashlib.sha256((password_hash or "").encode("utf-8")).hexdigest()[:16]
