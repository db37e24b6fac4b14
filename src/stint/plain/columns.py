"""Which columns of a table fit the terminal: a number or a time is never cut. When the
columns do not fit, the least important go (tags before scores before the session number);
text that may wrap (a goal, a project name) wraps instead of being shortened to an
ellipsis. Shared by the Rich table (`stint.cli.fit`) and the plain one
(`stint.plain.boxes`), so both keep the same columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

WRAP_MIN = 12  # narrowest a wrapping column gets before columns are dropped instead
PER_COLUMN = 3  # one space of padding each side and one border


@dataclass(frozen=True)
class Col:
    header: str
    drop: int = 0  # 0: always shown; the highest is dropped first when the table is too wide
    wrap: bool = False  # free text that may wrap; every other cell is shown whole
    justify: Literal["left", "right"] = "left"


def _need(col: Col, cells: Sequence[str]) -> int:
    """The width a column cannot do without: its longest cell and header, or for a
    wrapping column its header's longest word and at most `WRAP_MIN`."""
    longest = max((len(cell) for cell in cells), default=0)
    if col.wrap:
        header = max((len(word) for word in col.header.split()), default=0)
        return max(header, min(longest, WRAP_MIN))
    return max(len(col.header), longest)


def kept_columns(
    cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int
) -> tuple[list[int], list[int]]:
    """The indexes of the columns kept within `width`, and every column's need."""
    needs = [_need(col, [row[i] for row in rows]) for i, col in enumerate(cols)]
    keep = list(range(len(cols)))

    def total() -> int:
        return sum(needs[i] + PER_COLUMN for i in keep) + 1

    while total() > width:
        droppable = [i for i in keep if cols[i].drop > 0]
        if not droppable:
            break
        keep.remove(max(droppable, key=lambda i: (cols[i].drop, i)))
    return keep, needs
