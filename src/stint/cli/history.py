"""list, show, timeline: reading sessions back."""

from __future__ import annotations

from typing import Any

import click

from stint.cli.common import emit_json, json_option, reader, tracker, when
from stint.cli.goals import goal_lines
from stint.model.filters import SessionFilter
from stint.model.scoring import session_cost_per_outcome
from stint.model.types import STATUS_ALIASES, STATUSES, Session


@click.command("list")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--project", "-p", help="Only this project.")
@click.option("--tag", "-t", help="Only sessions with this tag.")
@click.option(
    "--status",
    type=click.Choice([*STATUSES, *STATUS_ALIASES]),
    help="Only this status (complete: ended).",
)
@click.option("--kind", help="Only this kind (coding, conversation, …).")
@click.option("--since", metavar="TIME", help="Started at or after (ISO, HH:MM, -7d …).")
@click.option("--followups", is_flag=True, help="Only sessions that need follow-up.")
@click.option("--last", type=click.IntRange(min=1), help="The last N sessions (same as --limit).")
@click.option(
    "--summary", is_flag=True, help="What each achieved: goal, outcome, tasks done, files."
)
@json_option
def list_sessions(
    limit: int,
    project: str | None,
    tag: str | None,
    status: str | None,
    kind: str | None,
    since: str | None,
    followups: bool,
    last: int | None,
    summary: bool,
    as_json: bool,
) -> None:
    """List sessions, newest first. `--last 5 --summary`: what did I accomplish lately?"""
    where = SessionFilter(
        project=project,
        tag=tag,
        status=status,
        kind=kind,
        since=when(since),
        followups=followups,
    )
    limit = last or limit
    if summary:
        items = tracker().accomplishments(limit, where=where)
        if as_json:
            emit_json(items)
            return
        if not items:
            click.echo("No sessions found.")
            return
        from stint.cli.render import console  # deferred: Rich loads only when something is printed
        from stint.cli.render_stats import accomplishments_view

        console.print(accomplishments_view(items))
        return
    sessions = reader().sessions(where, limit=limit)
    if as_json:
        emit_json([s.to_dict() for s in sessions])
        return
    if not sessions:
        click.echo("No sessions found.")
        return
    from stint.cli.session_views import print_list  # deferred: Rich only when printing

    print_list(sessions)


@click.command()
@click.argument("ref", default="last")
@json_option
def show(ref: str, as_json: bool) -> None:
    """Show one session in full: REF is #number, number, uuid prefix, last or current."""
    # One read transaction: the reference resolved and scoped once, then each part.
    detail = reader().detail(ref, commits=as_json)
    session = detail.session
    if as_json:
        data = session.to_dict()
        data.update(
            files=[f.to_dict() for f in detail.files],
            tasks=[x.to_dict() for x in detail.tasks],
            decisions=[x.to_dict() for x in detail.decisions],
            context_items=[x.to_dict() for x in detail.context],
            commits=detail.commits,
            quality=detail.indicators,
            cost_per_outcome=_cost_per_outcome(session),
            health=detail.health,
        )
        data["goal_view"] = _goal_view(session)
        emit_json(data)
        return
    from stint.cli.session_views import print_summary  # deferred: Rich only when printing
    from stint.plain.handover import Summary

    print_summary(Summary.of(detail))
    view = _goal_view(session)
    if view is not None:
        from rich.panel import Panel  # deferred: Rich loads only when something is printed
        from rich.text import Text

        from stint.cli.render import console

        console.print(Panel(Text("\n".join(goal_lines(view))), title="Goal", title_align="left"))


def _goal_view(session: Session) -> dict[str, Any] | None:
    if not session.has_goal_data:  # no goal section: no need for the goal service
        return None
    return tracker().goals.goal_view(session.id)  # type: ignore[no-any-return]


def _cost_per_outcome(session: Session) -> dict[str, float | None]:
    return session_cost_per_outcome(session)


@click.command()
@click.argument("ref", default="current")
@click.option("--type", "types", multiple=True, help="Only these activity types.")
@json_option
def timeline(ref: str, types: tuple[str, ...], as_json: bool) -> None:
    """Every recorded activity of a session, in order."""
    t = reader()
    session = t.get(ref)
    activities = [a for a in t.timeline(session.id) if not types or a.type in types]
    if as_json:
        emit_json([a.to_dict() for a in activities])
        return
    from stint.cli.render import (  # deferred: Rich loads only when something is printed
        console,
        timeline_table,
    )

    console.print(timeline_table(session, activities))


COMMANDS = [list_sessions, show, timeline]
