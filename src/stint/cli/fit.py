"""Tables that fit the terminal, as Rich tables: the columns kept are chosen by
`stint.plain.columns` (which the plain path's tables share); a wrapping column (a goal, a
project name) wraps instead of being shortened to an ellipsis."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from stint.plain.columns import Col, kept_columns

__all__ = ["Col", "fitted_table"]


def fitted_table(
    cols: Sequence[Col], rows: Sequence[Sequence[str]], width: int, **options: Any
) -> Table:
    """A rich Table of `rows` under `cols` no wider than `width`, built as above."""
    keep, needs = kept_columns(cols, rows, width)
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
