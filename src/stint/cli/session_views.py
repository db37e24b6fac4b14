"""Printing the session views with Rich: `stint status`, `list` and `show` print through
these, and so does the plain path (`stint.entry`) when it read a view it cannot draw
exactly (`stint.plain.handover`): one drawing, whichever path read the store. `draw`
passes the analytics views on to `stint.cli.stats_views`."""

from __future__ import annotations

from collections.abc import Sequence

from stint.cli import render
from stint.model.scoring import session_cost_per_outcome
from stint.model.types import FileTouch, Session
from stint.plain.handover import Handover, SessionList, StatusCard, Summary


def print_status(session: Session, files: Sequence[FileTouch]) -> None:
    render.console.print(render.status_panel(session, files))


def print_list(sessions: Sequence[Session]) -> None:
    render.console.print(render.sessions_table(sessions))


def print_summary(summary: Summary) -> None:
    """The summary of `stint show` without its goal section."""
    session = summary.session
    render.console.print(
        render.summary_panel(
            session, summary.files, summary.recent, summary.indicators, summary.health
        )
    )
    render.console.print(render.records_view(summary.tasks, summary.decisions, summary.context))
    if session.cost_usd:
        from stint.cli.render_stats import cost_line  # deferred: the stats views are big

        render.console.print(cost_line(session_cost_per_outcome(session)))


def draw(handover: Handover) -> None:
    if isinstance(handover, StatusCard):
        print_status(handover.session, handover.files)
    elif isinstance(handover, SessionList):
        print_list(handover.sessions)
    elif isinstance(handover, Summary):
        print_summary(handover)
    else:
        from stint.cli import stats_views  # deferred: the analytics views are big

        stats_views.draw(handover)
