"""The README's command tables name every command `stint` has, each with an example, so
a command added later cannot go undocumented."""

from __future__ import annotations

import re
from pathlib import Path

from stint.cli import COMMAND_MODULES

README = Path(__file__).resolve().parents[1] / "README.md"


def _rows() -> list[list[str]]:
    """The rows of the command tables (command | what it does | example)."""
    lines = README.read_text(encoding="utf-8").splitlines()
    cells = [re.split(r"(?<!\\)\|", line)[1:-1] for line in lines if line.startswith("| `stint")]
    return [row for row in cells if len(row) == 3]


def test_every_command_has_a_row_with_an_example() -> None:
    rows = _rows()
    missing = []
    for name in sorted(COMMAND_MODULES):
        named = re.compile(r"`(stint )?" + re.escape(name) + r"[ `\\]")
        found = [row for row in rows if named.search(row[0])]
        if not any("stint" in row[-1] or "called by" in row[-1] for row in found):
            missing.append(name)
    assert missing == []
