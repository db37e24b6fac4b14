"""Rich views of sessions: the status panel, the end-of-session summary, lists, timelines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from stint.model.timeparse import local_text
from stint.model.types import Activity, FileTouch, Record, Session, Task
from stint.plain import views

console = Console(highlight=False)
_STATUS_STYLE = {"good": "green", "warning": "yellow", "poor": "red", "n/a": "dim"}


def status_panel(session: Session, files: Sequence[FileTouch]) -> Panel:
    body = views.status_lines(session, files)
    return Panel(Text("\n".join(body)), title=views.status_title(session), title_align="left")


def summary_panel(
    session: Session,
    files: Sequence[FileTouch],
    recent: Sequence[Activity],
    indicators: dict[str, dict[str, Any]],
    health: str | None = None,
) -> Panel:
    """The end-of-session summary (also `stint show`); `health` is the code-health line."""
    body = views.summary_lines(session, files, recent, indicators, health)
    return Panel(
        Text("\n".join(body)),
        title=views.summary_title(session),
        title_align="left",
        subtitle=views.summary_subtitle(session),
        subtitle_align="right",
    )


def records_view(
    tasks: Sequence[Task], decisions: Sequence[Record], context: Sequence[Record]
) -> Group:
    parts: list[Any] = []
    if tasks:
        table = Table("#", "task", "status", title="Tasks", title_justify="left")
        for task in tasks:
            table.add_row(str(task.number), task.title, task.status)
        parts.append(table)
    for title, items in (("Decisions", decisions), ("Context", context)):
        if items:
            parts.append(Text(title, style="bold"))
            parts += [Text(f"  • {item.text}") for item in items]
    return Group(*parts)


def sessions_table(sessions: Sequence[Session]) -> Table:
    """`stint list` (its columns: `stint.plain.views.LIST_COLUMNS`)."""
    from stint.cli.fit import fitted_table  # deferred: Rich only when printing

    return fitted_table(views.LIST_COLUMNS, views.list_rows(sessions), console.width)


def timeline_table(session: Session, activities: Sequence[Activity]) -> Table:
    table = Table(
        "time", "type", "what", "source", title=f"Timeline of {session.ref}", title_justify="left"
    )
    for a in activities:
        table.add_row(
            local_text(a.occurred_at), a.type, a.description or a.file_path or "", a.source
        )
    return table


def quality_line(indicators: dict[str, dict[str, Any]]) -> Text:
    text = Text()
    for indicator in indicators.values():
        style = _STATUS_STYLE.get(indicator["status"], "")
        value = indicator["value"]
        text.append(f"{indicator['label']}: {'—' if value is None else value}  ", style=style)
    return text
