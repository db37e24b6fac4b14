"""`@file` mentions in a prompt's text (pure: the transcript parsers use it in the parse
workers of a parallel import, which load no store)."""

from __future__ import annotations

import re

_MENTION = re.compile(r"(?<![\w@])@([\w./\\~-][\w./\\~+-]*)")


def mentions_in(text: str) -> list[str]:
    """`@path` mentions in free text (not e-mail addresses), in order, without repeats."""
    found = [m.rstrip(".,;:)") for m in _MENTION.findall(text)]
    return list(dict.fromkeys(m for m in found if m))
