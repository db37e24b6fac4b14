"""Edit one top-level member of a JSON object *in its text*: every other member keeps its
bytes (spacing, key order, number spelling, escapes), so a settings file someone wrote
by hand only changes where stint's entries are."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_BLANK = " \t\r\n"
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class Member:
    key: str
    start: int  # the key's opening quote
    value_start: int
    end: int  # just past the value


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _BLANK:
        at += 1
    return at


def _expect(text: str, at: int, char: str) -> int:
    if at >= len(text) or text[at] != char:
        raise ValueError(f"expected {char!r} at character {at}")
    return at + 1


def members(text: str) -> tuple[int, int, list[Member]]:
    """(index of `{`, index of its `}`, the top-level members in order)."""
    opening = _skip(text, 0)
    at = _skip(text, _expect(text, opening, "{"))
    found: list[Member] = []
    while at < len(text) and text[at] != "}":
        key, after_key = _DECODER.raw_decode(text, at)
        value_start = _skip(text, _expect(text, _skip(text, after_key), ":"))
        _, end = _DECODER.raw_decode(text, value_start)
        found.append(Member(str(key), at, value_start, end))
        at = _skip(text, end)
        if at < len(text) and text[at] == ",":
            at = _skip(text, at + 1)
    _expect(text, at, "}")
    return opening, at, found


def indent_of(text: str) -> int | str | None:
    """The file's indentation unit: None for a one-line file, else its first indented
    line's leading whitespace (2 spaces when there is nothing to go by)."""
    if "\n" not in text.strip():
        return None
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            lead = line[: len(line) - len(stripped)]
            return lead if "\t" in lead else len(lead)
    return 2


def _dump(value: Any, indent: int | str | None) -> str:
    """`value` serialised as a member of the top-level object (one level deep)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if indent is None:
        return text
    unit = indent if isinstance(indent, str) else " " * indent
    return text.replace("\n", "\n" + unit)


def set_member(text: str, key: str, value: Any) -> str:
    """`text` with the member `key` set to `value` (replaced in place, or appended)."""
    indent = indent_of(text)
    opening, closing, found = members(text)
    for member in found:
        if member.key == key:
            return text[: member.value_start] + _dump(value, indent) + text[member.end :]
    if not found:  # an empty object has no layout to keep: the usual one
        entry = f"{json.dumps(key, ensure_ascii=False)}: {_dump(value, 2)}"
        return text[: opening + 1] + "\n  " + entry + "\n" + text[closing:]
    entry = f"{json.dumps(key, ensure_ascii=False)}: {_dump(value, indent)}"
    last = found[-1]
    if indent is None:
        return text[: last.end] + ", " + entry + text[last.end :]
    line_start = text.rfind("\n", 0, last.start) + 1
    lead = text[line_start : last.start]
    return text[: last.end] + ",\n" + lead + entry + text[last.end :]


def remove_member(text: str, key: str) -> str:
    """`text` without the member `key` (and the comma that separated it)."""
    opening, closing, found = members(text)
    for index, member in enumerate(found):
        if member.key != key:
            continue
        if index > 0:  # from the end of the previous value: takes the comma before it
            return text[: found[index - 1].end] + text[member.end :]
        if len(found) > 1:  # the first of several: up to the next key
            return text[: member.start] + text[found[1].start :]
        return text[: opening + 1] + text[closing:]
    return text
