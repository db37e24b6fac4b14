"""Tables that fit the terminal: a number or a time is never cut. When the columns do not
fit, the least important go (tags before scores before the session number); text that may
wrap (a goal, a project name) wraps instead of being shortened to an ellipsis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.table import Table

_WRAP_MIN = 12  # narrowest a wrapping column gets before columns are dropped instead
_PER_COLUMN = 3  # one space of padding each side and one border


@dataclass(frozen=True)
class Col:
    header: str
    drop: int = 0  # 0: always shown; the highest is dropped first when the table is too wide
    wrap: bool = False  # free text that may wrap; every other cell is shown whole
    justify: Literal["left", "right"] = "left"


def _need(col: Col, cells: Sequence[str]) -> int:
    """The width a column cannot do without: its longest cell and header, or for a
    wrapping column its header's longest word and at most `_WRAP_MIN`."""
    longest = max((len(cell) for cell in cells), default=0)
    if col.wrap:
        header = max((len(word) for word in col.header.split()), default=0)
        return max(header, min(longest, _WRAP_MIN))
    return max(len(col.header), longest)


def fitted_table(
    cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int, **options: Any
) -> Table:
    """A rich Table of `rows` under `cols` no wider than `width`, built as above."""
    needs = [_need(col, [row[i] for row in rows]) for i, col in enumerate(cols)]
    keep = list(range(len(cols)))

    def total() -> int:
        return sum(needs[i] + _PER_COLUMN for i in keep) + 1

    while total() > width:
        droppable = [i for i in keep if cols[i].drop > 0]
        if not droppable:
            break
        keep.remove(max(droppable, key=lambda i: (cols[i].drop, i)))
    table = Table(**options)
    for i in keep:
        col = cols[i]
        if col.wrap:
            table.add_column(
                col.header, justify=col.justify, overflow="fold", ratio=1, min_width=needs[i]
            )
        else:
            table.add_column(col.header, justify=col.justify, no_wrap=True, min_width=needs[i])
    for row in rows:
        table.add_row(*(row[i] for i in keep))
    return table
