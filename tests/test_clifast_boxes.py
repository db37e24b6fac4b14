"""The plain path's boxes (stint.plain.boxes) are Rich's, character for character: every
panel, table and line drawn here equals what Rich prints for it, and what cannot be
promised is not drawn (None) rather than drawn differently."""

from __future__ import annotations

import io
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from stint.cli.fit import fitted_table
from stint.plain import boxes
from stint.plain.columns import Col, kept_columns
from stint.plain.views import LIST_COLUMNS

# Characters the views use, and some the boxes must refuse: wide, combining, control,
# markup and emoji-code characters.
ALPHABET = st.sampled_from(list("ab Z09#-/.,()+@'\"—·•×…é[]:日\u0301\t\xad"))
TEXT = st.text(ALPHABET, max_size=30)


def rich_print(renderable: object, width: int, styled: bool) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        highlight=False,
        force_terminal=styled,
        color_system="standard" if styled else None,
        _environ={},
    )
    console.print(renderable)
    return out.getvalue()


def test_the_one_cell_characters_are_one_cell_to_rich() -> None:
    allowed = [chr(c) for c in range(0x20, 0x300) if boxes.one_cell(chr(c))]
    assert len(allowed) > 500
    assert [c for c in allowed if cell_len(c) != 1] == []
    assert [c for c in boxes._ONE_CELL if cell_len(c) != 1] == []
    assert not boxes.one_cell("日") and not boxes.one_cell("e\u0301") and not boxes.one_cell("\t")


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(TEXT, max_size=6),
    title=TEXT.filter(bool),
    subtitle=st.none() | TEXT.filter(bool),
    width=st.integers(8, 90),
)
def test_a_panel_is_richs_or_none(
    lines: list[str], title: str, subtitle: str | None, width: int
) -> None:
    drawn = boxes.panel(lines, title, width, subtitle)
    if drawn is None:
        return
    panel = Panel(
        Text("\n".join(lines)),
        title=title,
        title_align="left",
        subtitle=subtitle,
        subtitle_align="right",
    )
    assert drawn == rich_print(panel, width, False)
    assert drawn == rich_print(panel, width, True)  # a panel of plain text has no styles


def test_a_plain_panel_is_drawn() -> None:
    lines = ["Project: demo   Kind: coding", "", "Tags: a, b — ×3 · •"]
    drawn = boxes.panel(lines, "Session #7 — ACTIVE", 60, "stint timeline 7")
    assert drawn is not None
    assert drawn.count("\n") == 5


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    columns=st.integers(1, 4),
    width=st.integers(10, 100),
    styled=st.booleans(),
    title=st.none() | TEXT.filter(bool),
)
def test_a_table_is_richs_or_none(
    data: st.DataObject, columns: int, width: int, styled: bool, title: str | None
) -> None:
    headers = data.draw(st.lists(TEXT.filter(bool), min_size=columns, max_size=columns))
    justify: list[Literal["left", "right"]] = data.draw(
        st.lists(st.sampled_from(["left", "right"]), min_size=columns, max_size=columns)
    )
    rows = data.draw(
        st.lists(st.lists(TEXT, min_size=columns, max_size=columns), min_size=1, max_size=4)
    )
    drawn = boxes.table(headers, justify, rows, boxes.Screen(width, styled), title=title)
    if drawn is None:
        return
    table = Table(title=title, title_justify="left")
    for header, side in zip(headers, justify, strict=True):
        table.add_column(header, justify=side)
    for row in rows:
        table.add_row(*row)
    assert drawn == rich_print(table, width, styled)


def _fitted(cols: list[Col], rows: list[list[str]], screen: boxes.Screen) -> str | None:
    keep, needs = kept_columns(cols, rows, screen.width)
    return boxes.table(
        [cols[i].header for i in keep],
        [cols[i].justify for i in keep],
        [[row[i] for i in keep] for row in rows],
        screen,
        min_widths=[needs[i] for i in keep],
    )


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(TEXT, min_size=len(LIST_COLUMNS), max_size=len(LIST_COLUMNS)),
        min_size=1,
        max_size=5,
    ),
    width=st.integers(20, 160),
    styled=st.booleans(),
)
def test_the_list_table_is_the_fitted_rich_table_or_none(
    rows: list[list[str]], width: int, styled: bool
) -> None:
    cols = list(LIST_COLUMNS)
    drawn = _fitted(cols, rows, boxes.Screen(width, styled))
    if drawn is None:
        return
    assert drawn == rich_print(fitted_table(cols, rows, width), width, styled)


@pytest.mark.parametrize("styled", [False, True])
def test_a_list_that_fits_is_drawn(styled: bool) -> None:
    row = ["12", "2026-01-02 10:00", "demo", "ended", "1h 5m", "71", "2/3", "+10/-2", "go", "a"]
    cols = list(LIST_COLUMNS)
    screen = boxes.Screen(120, styled)
    drawn = _fitted(cols, [row], screen)
    assert drawn is not None
    assert drawn == rich_print(fitted_table(cols, [row], 120), 120, styled)


@pytest.mark.parametrize("styled", [False, True])
def test_a_text_line_is_richs(styled: bool) -> None:
    screen = boxes.Screen(40, styled)
    for line, bold in (("Decisions", True), ("  • use sqlite3 — plain", False)):
        assert boxes.text_line(line, screen, bold=bold) == rich_print(
            Text(line, style="bold" if bold else ""), 40, styled
        )
    assert boxes.text_line("x" * 41, screen) is None  # it would wrap
