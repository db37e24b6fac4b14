"""Panels and tables drawn as Rich draws them (rich 15: `Panel` with the rounded box,
`Table` with the heavy head), for the plain path that does not import Rich.

Only the simple case is drawn: every line and cell within its width, made of characters
one cell wide, no Rich markup or emoji codes in what Rich would parse as markup, no cell
with space at either end. Anything
else is None, and the caller lets Rich draw it. tests/test_clifast_boxes.py holds both
drawings side by side."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

# One cell wide in Rich's table besides printable ASCII (and Latin-1 to U+02FF, less the
# soft hyphen): the punctuation stint's views use.
_ONE_CELL = frozenset("—–·•×…‘’“”→←✓")
# What Rich reads as markup or an emoji code in a str cell or a panel title.
_MARKUP = re.compile(r"\[|:\S*?:")
_BOLD, _ITALIC, _RESET = "\x1b[1m", "\x1b[3m", "\x1b[0m"


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


def panel(lines: Sequence[str], title: str, width: int, subtitle: str | None = None) -> str | None:
    """`Panel(Text("\\n".join(lines)), title=title, title_align="left", subtitle=…,
    subtitle_align="right")` printed at `width`, or None."""
    inner = width - 4  # a border and a space of padding each side
    top_title = f" {title} "
    if inner < len(top_title) or not _title_ok(title):
        return None
    lines = list(lines) or [""]  # an empty Text is still one line
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


def text_line(line: str, screen: Screen, *, bold: bool = False) -> str | None:
    """`Text(line)` (bold: `style="bold"`) printed, or None when it would wrap."""
    if not _fits(line, screen.width):
        return None
    return f"{_BOLD}{line}{_RESET}\n" if bold and screen.styled and line else f"{line}\n"


def table(
    headers: Sequence[str],
    justify: Sequence[Literal["left", "right"]],
    rows: Sequence[Sequence[str]],
    screen: Screen,
    *,
    title: str | None = None,
    min_widths: Sequence[int] | None = None,
) -> str | None:
    """A `rich.table.Table` of str cells (heavy head, no wrapping needed) printed, or None
    when a cell would wrap or Rich would read it as markup. `min_widths` are the columns'
    `min_width`; `title` is left-justified above."""
    if not rows or not headers:
        return None
    cells = [list(headers), *(list(row) for row in rows)]
    for row in cells:
        for cell in row:
            # Rich strips a right-justified cell's trailing space (and measures it first).
            if not one_cell(cell) or _MARKUP.search(cell) or cell != cell.strip():
                return None
    widths = [max(len(row[i]) for row in cells) or 1 for i in range(len(headers))]
    if min_widths is not None:
        widths = [max(w, m) for w, m in zip(widths, min_widths, strict=True)]
    table_width = sum(w + 2 for w in widths) + len(widths) + 1
    if table_width > screen.width:
        return None  # Rich would collapse and wrap columns

    def cell_text(text: str, i: int) -> str:
        pad = " " * (widths[i] - len(text))
        return pad + text if justify[i] == "right" else text + pad

    out = []
    if title is not None:
        if not _fits(title, table_width) or _MARKUP.search(title) or title != title.strip():
            return None
        shown = title + " " * (table_width - len(title))
        out.append(f"{_ITALIC}{shown}{_RESET}" if screen.styled else shown)
    out.append("┏" + "┳".join("━" * (w + 2) for w in widths) + "┓")
    if screen.styled:
        pad = f"{_BOLD} {_RESET}"
        heads = [f"{pad}{_BOLD}{cell_text(h, i)}{_RESET}{pad}" for i, h in enumerate(headers)]
    else:
        heads = [f" {cell_text(h, i)} " for i, h in enumerate(headers)]
    out.append("┃" + "┃".join(heads) + "┃")
    out.append("┡" + "╇".join("━" * (w + 2) for w in widths) + "┩")
    for line in rows:
        out.append("│" + "│".join(f" {cell_text(c, i)} " for i, c in enumerate(line)) + "│")
    out.append("└" + "┴".join("─" * (w + 2) for w in widths) + "┘")
    return "\n".join(out) + "\n"
