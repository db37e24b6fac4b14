"""What a transcript parser works with: one line's JSON decoded (orjson, the standard
library for what it refuses), a timestamp read, and what it hands the import — a
`SessionBatch` per agent session — under the `Parser` protocol.

A parser (one per agent) sees decoded lines and hands back `SessionBatch`es; it keeps
what must survive until the next import (half-finished responses, unanswered tool calls)
in a JSON-able `state` stored with the file's offset. Standard library, orjson and the
price table only: the parse workers of a parallel import (stint.capture.parse_pool)
load this and no store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import orjson

from stint.capture.redact import storable
from stint.model.types import EventIn
from stint.pricing.table import PriceTable

# A run of 19 digits may not fit 64 bits, which orjson would read as a float: found by
# mapping every digit to "0" and anything else to " " (C speed; a regex is ten times
# slower over tool output).
_DIGITS_ONLY = bytes(48 if 48 <= code <= 57 else 32 for code in range(256))
_LONG_RUN = b"0" * 19


@dataclass
class SessionBatch:
    """New facts about one agent session from one chunk of one file."""

    agent: str
    agent_session_id: str
    first_at: datetime
    last_at: datetime
    cwd: str | None = None
    branch: str | None = None
    model: str | None = None
    version: str | None = None
    events: list[EventIn] = field(default_factory=list)

    def saw(self, at: datetime) -> None:
        self.first_at = min(self.first_at, at)
        self.last_at = max(self.last_at, at)


class Parser(Protocol):
    state: dict[str, Any]

    def feed(self, line: dict[str, Any]) -> bool:
        """Take one decoded line; False when it is no line of this agent's format (it is
        then counted as a bad line, not silently dropped)."""
        ...

    def take(self, final: bool) -> list[SessionBatch]:
        """The batches so far (and, when `final` and the file looks finished, whatever
        was waiting for a line that will not come)."""
        ...


ParserFactory = Callable[[Path, dict[str, Any]], Parser]
# (path, state, capture policy, prices) → parser
ParserClass = Callable[[Path, dict[str, Any], str, PriceTable], Parser]


def decode(raw: bytes) -> Any:
    """One line's JSON: orjson for speed; what it refuses and the standard library takes
    (lone surrogates, NaN, integers beyond 64 bits, a byte-order mark) still decodes as
    it always did, and what both refuse raises ValueError — a bad line. orjson reads an
    integer beyond 64 bits as a float, so a line with a run of 19+ digits (rare: ids,
    hashes in text) goes to the standard library whole. Only the standard library lets
    a lone surrogate through (orjson refuses the line), so only its answer is made
    `storable` — a search of every line for `\\ud` cost a third of decoding it."""
    if _LONG_RUN not in raw.translate(_DIGITS_ONLY):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    value = json.loads(raw)
    return storable(value) if _surrogate(raw) else value


def _surrogate(raw: bytes) -> bool:
    # a surrogate escape (`\ud800`…; JSON's `\u` is always lower case, so only the hex
    # digit's case varies): without copying the line to lower case
    return b"\\ud" in raw or b"\\uD" in raw


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)  # 3.11 reads a trailing "Z" itself
    except ValueError:
        return None
