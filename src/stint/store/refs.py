"""What a session reference means (`#48`, `48`, a uuid prefix, `last`, `current`), apart
from how the rows are looked up: the SQLAlchemy queries (`stint.store.session_lists`) and the
bare-sqlite3 reads (`stint.store.lite`) answer the same lookups, so they resolve alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from stint.model.types import NotFound

# What `last` says of an org without sessions (also `SessionReader`, which reads `last`'s
# row directly).
NO_SESSIONS = "no sessions recorded yet"


class Lookups(Protocol):
    """The four questions a reference needs answered, each for one org."""

    def by_id(self, session_id: int) -> int | None: ...
    def last(self) -> int | None: ...
    def by_number(self, number: int) -> int | None: ...
    def by_uuid_prefix(self, prefix: str) -> list[int]:
        """At most two matches: enough to tell one from ambiguous."""
        ...


def resolve_ref(ref: str | int, lookups: Lookups, current: Callable[[], int | None]) -> int:
    """Turn `#48`, `48`, a uuid prefix, `last` or `current` into a session id. `current`
    is asked only when the reference is `current`."""
    if isinstance(ref, int):
        found = lookups.by_id(ref)
        if found is None:
            raise NotFound(f"no session with id {ref}")
        return found
    text = ref.strip()
    if text in ("current", "."):
        current_id = current()
        if current_id is None:
            raise NotFound("no active session (start one with: stint start)")
        return current_id
    if text == "last":
        found = lookups.last()
        if found is None:
            raise NotFound(NO_SESSIONS)
        return found
    number_text = text[1:] if text.startswith("#") else text
    if number_text.isdigit() and len(number_text) < 9:
        found = lookups.by_number(int(number_text))
        if found is not None:
            return found
        if text.startswith("#") or len(text) < 4:
            raise NotFound(f"no session #{number_text}")
        # A bare number that is no session's may be a uuid prefix made only of digits.
    if len(text) >= 4 and all(c in "0123456789abcdef-" for c in text.lower()):
        matches = lookups.by_uuid_prefix(text.lower())
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFound(f"uuid prefix {text!r} is ambiguous; give more characters")
    if number_text.isdigit() and len(number_text) < 9:
        raise NotFound(f"no session #{number_text}")
    raise NotFound(f"no session {text!r} (use #number, a uuid prefix, 'last' or 'current')")
