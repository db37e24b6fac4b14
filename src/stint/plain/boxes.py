"""Panels and tables drawn as Rich draws them (rich 15: `Panel` with the rounded box,
`Table` with the heavy head), for the plain path that does not import Rich.

Only text Rich measures as this module does is drawn: characters one cell wide, no Rich
markup or emoji codes in what Rich would parse as markup, a panel's lines within its
width; a table's columns collapse and wrap as Rich's do. Anything else is None, and the
caller lets Rich draw it. tests/test_clifast_boxes.py holds both
drawings side by side."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from stint.plain.columns import Col, kept_columns

# One cell wide in Rich's table besides printable ASCII (and Latin-1 to U+02FF, less the
# soft hyphen): the punctuation, sparkline blocks and Greek letters stint's views use.
_ONE_CELL = frozenset("—–·•×…‘’“”→←✓▁▂▃▄▅▆▇█αΔ")
# What Rich reads as markup or an emoji code in a str cell or a panel title.
_MARKUP = re.compile(r"\[|:\S*?:")
_BOLD, _ITALIC, _RESET = "\x1b[1m", "\x1b[3m", "\x1b[0m"
# The SGR codes of the Rich styles the views give a line (rich.style.Style.render).
STYLES = {"bold": _BOLD, "dim": "\x1b[2m", "italic": _ITALIC}
# Rich renders a style's attributes first (in this order), then its standard colour.
_ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3"}
_COLOURS = {"red": "31", "green": "32", "yellow": "33"}


def sgr(style: str) -> str | None:
    """The escape that opens Rich `style` ("green dim") on a standard-colour terminal, or
    None for a style not known here."""
    words = style.split()
    if not words or any(w not in _ATTRIBUTES and w not in _COLOURS for w in words):
        return None
    colours = [_COLOURS[w] for w in words if w in _COLOURS]
    if len(colours) > 1:
        return None
    codes = [code for name, code in _ATTRIBUTES.items() if name in words]
    return f"\x1b[{';'.join(codes + colours)}m"


@dataclass(frozen=True)
class Screen:
    """What Rich's Console would find: the width, and whether it styles its output."""

    width: int
    styled: bool


def screen() -> Screen | None:
    """This process's screen as Rich would size it, or None when Rich would decide
    something not drawn here (a forced or dumb terminal, no colour, a non-UTF encoding,
    Windows)."""
    if sys.platform == "win32":
        return None
    environ = os.environ
    if any(
        name in environ for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR")
    ):
        return None
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower()
    if not encoding.startswith("utf"):
        return None  # Rich would draw ASCII boxes
    try:
        styled = sys.stdout.isatty()
    except ValueError:
        styled = False
    if styled and environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    width = 0
    for descriptor in (0, 1, 2):  # Rich asks stdin, stdout, stderr in this order
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return Screen(width or 80, styled)


def one_cell(text: str) -> bool:
    """Every character of `text` one cell wide (and none a control character)."""
    if text.isascii():
        return text.isprintable()
    return all(
        (" " <= c < "\x7f") or ("\xa0" <= c < "\u0300" and c != "\xad") or c in _ONE_CELL
        for c in text
    )


def _fits(text: str, width: int) -> bool:
    return len(text) <= width and one_cell(text)


def _title_ok(text: str) -> bool:
    return one_cell(text) and _MARKUP.search(text) is None


def panel(
    lines: Sequence[str],
    title: str,
    width: int,
    subtitle: str | None = None,
    *,
    wrap: bool = False,
) -> str | None:
    """`Panel(Text("\\n".join(lines)), title=title, title_align="left", subtitle=…,
    subtitle_align="right")` printed at `width`, or None. A line too long for the panel
    is None, or with `wrap` wrapped as Rich wraps a `Text`."""
    inner = width - 4  # a border and a space of padding each side
    top_title = f" {title} "
    if inner < len(top_title) or not _title_ok(title):
        return None
    lines = list(lines) or [""]  # an empty Text is still one line
    if wrap and all(one_cell(line) for line in lines):
        lines = [part for line in lines for part in wrapped(line, inner)]
    if not all(_fits(line, inner) for line in lines):
        return None
    out = [f"╭─{top_title}{'─' * (inner - len(top_title))}─╮"]
    out += [f"│ {line}{' ' * (inner - len(line))} │" for line in lines]
    if subtitle is None:
        out.append(f"╰{'─' * (width - 2)}╯")
    else:
        bottom = f" {subtitle} "
        if inner < len(bottom) or not _title_ok(subtitle):
            return None
        out.append(f"╰─{'─' * (inner - len(bottom))}{bottom}─╯")
    return "\n".join(out) + "\n"


def text_line(
    line: str, screen: Screen, *, bold: bool = False, style: str | None = None, wrap: bool = False
) -> str | None:
    """`Text(line)` (bold: `style="bold"`; or `style`, one of STYLES) printed, or None
    when it would wrap (with `wrap`: wrapped as Rich wraps it)."""
    if not one_cell(line):
        return None
    lines = wrapped(line, screen.width) if wrap else [line]
    if not all(_fits(part, screen.width) for part in lines):
        return None
    code = STYLES.get(style or ("bold" if bold else ""))
    if code is None or not screen.styled:
        return "\n".join(lines) + "\n"
    return "\n".join(f"{code}{part}{_RESET}" if part else "" for part in lines) + "\n"


def wrapped(text: str, width: int) -> list[str]:
    """The lines of a line of one-cell `text` as `Text(text).wrap(console, width)` gives
    them (overflow "fold", no justification): each within `width`, a trailing space kept."""
    if width < 1:
        return [text]
    return [_truncate(line, width, "fold") for line in _divided(text, width, fold=True)]


@dataclass(frozen=True)
class Column:
    """The settings of a `rich.table.Column` that change how it is drawn."""

    header: str
    justify: Literal["left", "right"] = "left"
    no_wrap: bool = False
    overflow: Literal["fold", "ellipsis"] = "ellipsis"
    min_width: int | None = None
    markup: bool = True  # its cells are str, which Rich parses as markup (not `Text`)


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    screen: Screen,
    *,
    title: str | None = None,
    title_markup: bool = True,
) -> str | None:
    """A `rich.table.Table` of str cells under `columns` (heavy head, padding 1, not
    expanded) printed, or None when a cell is not plain one-cell text or Rich would have to
    crop the table. Columns too wide for the screen collapse and wrap as Rich's do
    (`Table._calculate_column_widths`); `title` is left-justified above (as shown: with
    `title_markup` False, it is the text of escaped markup)."""
    if not rows or not columns:
        return None
    cells = [[col.header for col in columns], *(list(row) for row in rows)]
    if any(not one_cell(cell) for row in cells for cell in row):
        return None
    if any(_MARKUP.search(col.header) for col in columns) or any(
        col.markup and _MARKUP.search(row[i]) for row in rows for i, col in enumerate(columns)
    ):
        return None
    widths = _column_widths(columns, cells, screen.width - len(columns) - 1)
    if widths is None:
        return None
    table_width = sum(widths) + len(columns) + 1
    drawn = [
        [_cell_lines(row[i], widths[i] - 2, col) for i, col in enumerate(columns)] for row in cells
    ]
    out = []
    if title is not None:
        marked = title_markup and _MARKUP.search(title)
        if not _fits(title, table_width) or marked or title != title.strip():
            return None
        shown = title + " " * (table_width - len(title))
        out.append(f"{_ITALIC}{shown}{_RESET}" if screen.styled else shown)
    out.append("┏" + "┳".join("━" * w for w in widths) + "┓")
    head = drawn[0]
    height = max(len(lines) for lines in head)
    for line_no in range(height):
        parts = []
        for lines, width in zip(head, widths, strict=True):
            # A header cell is aligned to the bottom of the header row.
            index = line_no - (height - len(lines))
            parts.append(_head_part(lines[index] if index >= 0 else None, width, screen.styled))
        out.append("┃" + "┃".join(parts) + "┃")
    out.append("┡" + "╇".join("━" * w for w in widths) + "┩")
    for row in drawn[1:]:
        height = max(len(lines) for lines in row)
        for line_no in range(height):
            parts = [
                f" {lines[line_no]} " if line_no < len(lines) else " " * width
                for lines, width in zip(row, widths, strict=True)
            ]
            out.append("│" + "│".join(parts) + "│")
    out.append("└" + "┴".join("─" * w for w in widths) + "┘")
    return "\n".join(out) + "\n"


def bare_grid(
    title: str,
    headers: Sequence[str],
    rows: Sequence[tuple[str, Sequence[tuple[str, str]]]],
    screen: Screen,
) -> str | None:
    """`Table("", *headers, title=title, title_justify="left", box=None, padding=(0, 0),
    pad_edge=False)` of rows (a plain label, then (text, style) cells) printed on a
    styled screen, or None: every label and every cell of a column as wide as the
    others, the table within the screen (else Rich would shrink its columns)."""
    labels = {len(label) for label, _ in rows}
    widths = [len(cells[i][0]) for _, cells in rows[:1] for i in range(len(headers))]
    if len(labels) != 1 or len(widths) != len(headers) or not screen.styled:
        return None
    label_width = labels.pop()
    for label, cells in rows:
        if len(cells) != len(headers) or not one_cell(label):
            return None
        if any(
            len(text) != w or not one_cell(text) for (text, _), w in zip(cells, widths, strict=True)
        ):
            return None
    if any(
        len(header) > w or not one_cell(header) for header, w in zip(headers, widths, strict=True)
    ):
        return None
    table_width = label_width + sum(widths)
    if table_width > screen.width or not _fits(title, table_width) or _MARKUP.search(title):
        return None
    out = [f"{_ITALIC}{title}{' ' * (table_width - len(title))}{_RESET}"]
    head = [f"{_BOLD}{' ' * label_width}{_RESET}"]
    head += [
        f"{_BOLD}{h}{' ' * (w - len(h))}{_RESET}" for h, w in zip(headers, widths, strict=True)
    ]
    out.append("".join(head))
    for label, cells in rows:
        parts = [label]
        for text, style in cells:
            code = sgr(style)
            if code is None:
                return None
            parts.append(f"{code}{text}{_RESET}")
        out.append("".join(parts))
    return "\n".join(out) + "\n"


def fitted(
    cols: Sequence[Col],
    rows: Sequence[Sequence[str]],
    screen: Screen,
    *,
    title: str | None = None,
) -> str | None:
    """`stint.cli.fit.fitted_table(cols, rows, screen.width, title=title,
    title_justify="left")` printed, or None: the same columns kept, a wrapping column
    folding what does not fit, the others never wrapped."""
    keep, needs = kept_columns(cols, rows, screen.width)
    columns = [
        Column(
            cols[i].header,
            cols[i].justify,
            no_wrap=not cols[i].wrap,
            overflow="fold" if cols[i].wrap else "ellipsis",
            min_width=needs[i],
        )
        for i in keep
    ]
    return table(columns, [[row[i] for i in keep] for row in rows], screen, title=title)


def _head_part(line: str | None, width: int, styled: bool) -> str:
    if line is None:
        return f"{_BOLD}{' ' * width}{_RESET}" if styled else " " * width
    if styled:
        pad = f"{_BOLD} {_RESET}"
        return f"{pad}{_BOLD}{line}{_RESET}{pad}" if line else f"{pad}{pad}"
    return f" {line} "


def _measure(text: str, width: int) -> tuple[int, int]:
    """Rich's (minimum, maximum) of a padded one-line cell given `width`
    (`Padding.__rich_measure__` around `Text.__rich_measure__`)."""
    if width - 2 < 1:
        return width, width
    words = text.split()
    longest = max(len(word) for word in words) if words else len(text)
    shortest, most = min(longest, len(text)), len(text)  # Measurement.normalize
    shortest, most = min(shortest, width), min(most, width)
    if most < 1:
        shortest = most = 0
    return min(shortest + 2, width), min(most + 2, width)


def _measure_column(column: Column, cells: Sequence[str], width: int) -> int:
    """Rich's `Table._measure_column(…).maximum` for `width`."""
    if width < 1:
        return 0
    most = min(max(_measure(cell, width)[1] for cell in cells), width)
    if column.min_width is not None:
        most = max(most, column.min_width + 2)
    return most


def _column_widths(
    columns: Sequence[Column], cells: Sequence[Sequence[str]], max_width: int
) -> list[int] | None:
    """Each column's width with its padding, as `Table._calculate_column_widths` finds
    it, or None when the table would still be wider than `max_width` (Rich crops it) or a
    column too narrow to draw its text in."""
    by_column = [[row[i] for row in cells] for i in range(len(columns))]
    widths = [
        _measure_column(col, texts, max_width) or 1
        for col, texts in zip(columns, by_column, strict=True)
    ]
    if sum(widths) > max_width:
        widths = _collapse(widths, [not col.no_wrap for col in columns], max_width)
        if sum(widths) > max_width:  # Rich's last resort: every column reduced evenly
            excess = sum(widths) - max_width
            widths = _ratio_reduce(excess, [1] * len(widths), widths, widths)
        widths = [
            _measure_column(col, texts, width)
            for col, texts, width in zip(columns, by_column, widths, strict=True)
        ]
    if sum(widths) > max_width or min(widths) < 3:
        return None
    return widths


def _collapse(widths: list[int], wrapable: list[bool], max_width: int) -> list[int]:
    """`rich.table.Table._collapse_widths`: the widest wrapping columns give way first."""
    total = sum(widths)
    excess = total - max_width
    if any(wrapable):
        while total and excess > 0:
            widest = max(w for w, wraps in zip(widths, wrapable, strict=True) if wraps)
            second = max(
                w if wraps and w != widest else 0 for w, wraps in zip(widths, wrapable, strict=True)
            )
            difference = widest - second
            ratios = [
                1 if (w == widest and wraps) else 0
                for w, wraps in zip(widths, wrapable, strict=True)
            ]
            if not any(ratios) or not difference:
                break
            widths = _ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
            total = sum(widths)
            excess = total - max_width
    return widths


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """`rich._ratio.ratio_reduce`."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            distributed = min(most, round(ratio * remaining / total_ratio))
            result.append(value - distributed)
            remaining -= distributed
            total_ratio -= ratio
        else:
            result.append(value)
    return result


_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


def _breaks(text: str, width: int, fold: bool) -> list[int]:
    """`rich._wrap.divide_line` for one-cell text: where the lines of `text` start."""
    breaks = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                pieces = [word[i : i + width] for i in range(0, len(word), width)]
                for piece in pieces[:-1]:
                    if start:
                        breaks.append(start)
                    start += len(piece)
                if start:
                    breaks.append(start)
                offset = len(pieces[-1])
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _truncate(text: str, width: int, overflow: str, pad: bool = False) -> str:
    """`rich.text.Text.truncate` for one-cell text."""
    length = len(text)
    if length > width:
        text = text[: max(width - 1, 0)] + "…" if overflow == "ellipsis" else text[:width]
    if pad and length < width:
        text += " " * (width - length)
    return text


def _divided(text: str, width: int, fold: bool) -> list[str]:
    """`Text.divide` at `rich._wrap.divide_line`'s offsets, each `rstrip_end`ed."""
    starts = [0, *_breaks(text, width, fold), len(text)]
    lines = [text[a:b] for a, b in pairwise(starts)] or [text]
    for i, line in enumerate(lines):
        if len(line) > width:  # Text.rstrip_end: space beyond the width goes
            space = _TRAILING_SPACE.search(line)
            if space is not None:
                lines[i] = line[: len(line) - min(len(space.group(0)), len(line) - width)]
    return lines


def _cell_lines(text: str, width: int, column: Column) -> list[str]:
    """The lines of a one-line cell of one-cell characters as Rich's `Text.wrap` draws
    them `width` wide under `column`."""
    lines = [text] if column.no_wrap else _divided(text, width, column.overflow == "fold")
    if column.justify == "left":
        lines = [_truncate(line, width, column.overflow, pad=True) for line in lines]
    else:
        lines = [_truncate(line.rstrip(), width, column.overflow) for line in lines]
        lines = [" " * (width - len(line)) + line for line in lines]
    return [_truncate(line, width, column.overflow) for line in lines]
