"""The plain path's boxes (stint.plain.boxes) are Rich's, character for character: every
panel, table and line drawn here equals what Rich prints for it, and what cannot be
promised is not drawn (None) rather than drawn differently."""

from __future__ import annotations

import io

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
from stint.plain.columns import Col
from stint.plain.views import LIST_COLUMNS

# Characters the views use, and some the boxes must refuse: wide, combining, control,
# markup and emoji-code characters.
ALPHABET = st.sampled_from(list("ab Z09#-/.,()+@'\"—·•×…é[]:日\u0301\t\xad"))
TEXT = st.text(ALPHABET, max_size=30)
# Text the boxes draw (one-cell characters, no markup): most examples should be drawn.
PLAIN = st.text(st.sampled_from(list("ab Z09#-/.,()+@'\"—·•×…é\xa0")), max_size=30)
CELL = PLAIN | TEXT


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


OVERFLOW = st.sampled_from(["fold", "ellipsis"])


@settings(max_examples=500, deadline=None)
@given(
    data=st.data(),
    columns=st.integers(1, 4),
    width=st.integers(4, 100),
    styled=st.booleans(),
    title=st.none() | CELL.filter(bool),
)
def test_a_table_is_richs_or_none(
    data: st.DataObject, columns: int, width: int, styled: bool, title: str | None
) -> None:
    specs = [
        boxes.Column(
            data.draw(CELL.filter(bool)),
            data.draw(st.sampled_from(["left", "right"])),
            no_wrap=data.draw(st.booleans()),
            overflow=data.draw(OVERFLOW),
            min_width=data.draw(st.none() | st.integers(0, 30)),
        )
        for _ in range(columns)
    ]
    rows = data.draw(
        st.lists(st.lists(CELL, min_size=columns, max_size=columns), min_size=1, max_size=4)
    )
    drawn = boxes.table(specs, rows, boxes.Screen(width, styled), title=title)
    if drawn is None:
        return
    table = Table(title=title, title_justify="left")
    for spec in specs:
        table.add_column(
            spec.header,
            justify=spec.justify,
            no_wrap=spec.no_wrap,
            overflow=spec.overflow,
            min_width=spec.min_width,
        )
    for row in rows:
        table.add_row(*row)
    assert drawn == rich_print(table, width, styled)


WORDS = st.lists(st.sampled_from(["a", "goal", "benchmark", "x" * 25, "—", "99999"]), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 10**6).map(str), WORDS.map(" ".join), WORDS.map(" ".join)),
        min_size=1,
        max_size=4,
    ),
    width=st.integers(10, 60),
    styled=st.booleans(),
)
def test_a_table_too_wide_collapses_and_wraps_as_richs(
    rows: list[tuple[str, str, str]], width: int, styled: bool
) -> None:
    """Words that wrap (the common case of a long goal), in tables mostly too wide."""
    specs = [boxes.Column("#", "right", no_wrap=True), boxes.Column("goal", overflow="fold")]
    specs.append(boxes.Column("tags"))
    drawn = boxes.table(specs, rows, boxes.Screen(width, styled))
    if drawn is None:
        return
    table = Table()
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("goal", overflow="fold")
    table.add_column("tags")
    for row in rows:
        table.add_row(*row)
    assert drawn == rich_print(table, width, styled)


def test_a_wrapped_goal_is_drawn() -> None:
    specs = [boxes.Column("#", "right", no_wrap=True), boxes.Column("goal", overflow="fold")]
    rows = [["100000", "benchmark goal 99999"], ["7", "x" * 30]]
    drawn = boxes.table(specs, rows, boxes.Screen(24, False))
    assert drawn is not None
    assert "│        │ goal 99999  │" in drawn.splitlines()  # wrapped at a space
    assert "│        │ xxxxxxxx    │" in drawn.splitlines()  # folded
    table = Table()
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("goal", overflow="fold")
    for row in rows:
        table.add_row(*row)
    assert drawn == rich_print(table, 24, False)


def _fitted(cols: list[Col], rows: list[list[str]], screen: boxes.Screen) -> str | None:
    return boxes.fitted(cols, rows, screen)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.lists(
            PLAIN | WORDS.map(" ".join), min_size=len(LIST_COLUMNS), max_size=len(LIST_COLUMNS)
        ),
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


LIST_ROW = st.tuples(
    st.integers(1, 10**6).map(str),
    st.just("2026-12-03 18:32"),
    st.sampled_from(["—", "project-11", "a-rather-long-project-name", "demo app"]),
    st.sampled_from(["active", "ended", "abandoned"]),
    st.sampled_from(["0m", "52m", "2h 36m", "1d 3h"]),
    st.sampled_from(["—", "71", "100"]),
    st.sampled_from(["0/0", "2/3", "10/12"]),
    st.sampled_from(["+0/-0", "+1,234/-56"]),
    WORDS.map(" ".join).map(lambda goal: goal[:80]),
    st.sampled_from(["", "a", "b, a", "refactor, speed, x"]),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(LIST_ROW, min_size=1, max_size=6), width=st.integers(30, 140))
def test_a_list_of_real_rows_is_the_rich_table(rows: list[tuple[str, ...]], width: int) -> None:
    """Rows as `stint list` makes them are drawn at any usual width (6-digit numbers and
    long goals in 80 columns among them), and drawn as Rich draws them."""
    cols = list(LIST_COLUMNS)
    cells = [list(row) for row in rows]
    for styled in (False, True):
        drawn = _fitted(cols, cells, boxes.Screen(width, styled))
        if width >= 70:  # below, the columns never cut can be wider than the screen
            assert drawn is not None
        if drawn is not None:
            assert drawn == rich_print(fitted_table(cols, cells, width), width, styled)
