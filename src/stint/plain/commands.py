"""The plain forms of the read commands, run without click or Rich:

    stint            stint status [--json]
    stint list       stint show [REF]

and those of `stint stats` and `compare --cohort` (`stint.plain.stats`).

`run` answers None for anything else (an option, `--help`, a second argument) and
whenever the click path must serve: a write due first (a spooled hook event, an idle
session to end, a schema to upgrade), a store that is not SQLite, a goal section to show.
Nothing is printed before that is known, so the click path then runs from the start. A
view these boxes cannot promise to draw as Rich does is returned as read (a `Handover`)
for Rich to draw. Errors read as the click path's do
(`Error: …` on stderr, exit 1)."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from typing import Any

from stint.capture.spool import has_pending
from stint.model.config import ConfigError
from stint.model.filters import SessionFilter
from stint.model.scoring import session_cost_per_outcome
from stint.model.timeparse import TimeParseError
from stint.model.types import StintError
from stint.plain import boxes, views
from stint.plain.handover import Handover, SessionList, StatusCard, Summary
from stint.sessions.quick import QuickReader, open_reader

Command = Callable[[QuickReader], "str | Handover | None"]
Opener = Callable[..., Any]  # open_reader or open_analytics: the reader a command reads


def parse(args: list[str]) -> Command | None:
    """The plain command `args` name, or None for any other form."""
    if args in ([], ["status"]):
        return _status
    if args == ["status", "--json"]:
        return _status_json
    if args == ["list"]:
        return _list
    if args == ["show"] or (len(args) == 2 and args[0] == "show" and _plain_ref(args[1])):
        ref = args[1] if len(args) == 2 else "last"
        return lambda reader: _show(reader, ref)
    return None


def _plain_ref(ref: str) -> bool:
    return bool(ref) and not ref.startswith("-")  # an option (`--json`, `-h`) is click's


def run(args: list[str]) -> int | Handover | None:
    """Run `stint ARGS` if it is a plain form that can be served here: its exit code, what
    it read for Rich to draw (`Handover`), or None for the click path to run it."""
    command: Callable[[Any], str | Handover | None] | None = parse(args)
    opener: Opener = open_reader
    if command is None and args[:1] in (["stats"], ["compare"]):
        # deferred: the analytics' SQL and views are not for status, list and show
        from stint.analytics.calls import open_analytics
        from stint.plain import stats

        command, opener = stats.parse(args), open_analytics
    if command is None:
        return None
    try:
        reader = opener(None, pending=has_pending)
        if reader is None:
            return None
        try:
            output = command(reader)
        finally:
            reader.close()
    except (StintError, TimeParseError, ConfigError) as exc:
        return _error(str(exc))
    except sqlite3.Error as exc:
        return _error(f"database error: {exc}")
    if output is None or isinstance(output, Handover):
        return output
    return written(lambda: sys.stdout.write(output))


def written(write: Callable[[], object]) -> int:
    """The exit code of printing with `write`."""
    try:
        write()
        sys.stdout.flush()
    except BrokenPipeError:
        # As click does when the reader of a pipe goes away: no traceback at exit.
        sys.stdout = open(_devnull(), "w")  # noqa: SIM115 - stays open until exit
        return 1
    return 0


def _devnull() -> str:
    import os  # deferred: only when a pipe broke

    return os.devnull


def _error(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr, flush=True)
    return 1


def _status(reader: QuickReader) -> str | Handover:
    card = reader.card()  # one read transaction
    if card is None:
        return 'No active session. Start one with: stint start --goal "…"\n'
    session, files = card
    screen = boxes.screen()
    drawn = None
    if screen is not None:
        lines = views.status_lines(session, files)
        drawn = boxes.panel(lines, views.status_title(session), screen.width)
    return StatusCard(session, files) if drawn is None else drawn


def _status_json(reader: QuickReader) -> str | None:
    session = reader.current()
    if session is not None:
        session = reader.live(session)
    return views.json_text(None if session is None else session.to_dict())


def _list(reader: QuickReader) -> str | Handover:
    sessions = reader.sessions(SessionFilter(), limit=20)
    if not sessions:
        return "No sessions found.\n"
    screen = boxes.screen()
    drawn = None
    if screen is not None:
        drawn = boxes.fitted(views.LIST_COLUMNS, views.list_rows(sessions), screen)
    return SessionList(sessions) if drawn is None else drawn


def _show(reader: QuickReader, ref: str) -> str | Handover | None:
    detail = reader.detail(ref)  # one read transaction, the reference resolved once
    session = detail.session
    if session.has_goal_data:
        return None  # the goal section is read through the Tracker's goal service
    summary = Summary.of(detail)
    screen = boxes.screen()
    drawn = None if screen is None else _summary_text(summary, screen)
    return summary if drawn is None else drawn


def _summary_text(summary: Summary, screen: boxes.Screen) -> str | None:
    session = summary.session
    lines = views.summary_lines(
        session, summary.files, summary.recent, summary.indicators, summary.health
    )
    parts = [
        boxes.panel(
            lines, views.summary_title(session), screen.width, views.summary_subtitle(session)
        )
    ]
    if summary.tasks:
        rows = [[str(task.number), task.title, task.status] for task in summary.tasks]
        parts.append(
            boxes.table(
                [boxes.Column("#"), boxes.Column("task"), boxes.Column("status")],
                rows,
                screen,
                title="Tasks",
            )
        )
    for title, items in (("Decisions", summary.decisions), ("Context", summary.context)):
        if items:
            parts.append(boxes.text_line(title, screen, bold=True))
            parts += [boxes.text_line(f"  • {item.text}", screen) for item in items]
    if session.cost_usd:
        parts.append(boxes.text_line(views.cost_text(session_cost_per_outcome(session)), screen))
    if any(part is None for part in parts):
        return None
    return "".join(part for part in parts if part is not None)
