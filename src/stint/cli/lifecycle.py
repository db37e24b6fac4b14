"""start, end, pause, resume, cancel, status."""

from __future__ import annotations

from typing import Any

import click

from stint.cli.common import at_option, emit_json, json_option, reader, tracker, when


def show_status(as_json: bool) -> None:
    t = reader()
    if as_json:
        session = t.current()
        emit_json(None if session is None else t.live(session).to_dict())
        return
    card = t.card()  # the session and its most touched files, in one read transaction
    if card is None:
        click.echo('No active session. Start one with: stint start --goal "…"')
        return
    from stint.cli.session_views import print_status  # deferred: Rich only when printing

    print_status(*card)


@click.command()
@json_option
def status(as_json: bool) -> None:
    """Show the current session (also what plain `stint` does)."""
    show_status(as_json)


@click.command()
@click.option("--project", "-p", help="Project name (default: the git repo's, else recent).")
@click.option("--goal", "-g", help="What this session is meant to achieve.")
@click.option("--tag", "-t", "tags", multiple=True, help="Tag (repeatable).")
@click.option(
    "--kind",
    default="coding",
    show_default=True,
    help="coding, conversation, interview, workflow, …",
)
@click.option("--agent", help="The agent: claude_code, codex, …")
@click.option("--model", help="The AI model, e.g. claude-opus-4-6.")
@click.option("--environment", help="local, vscode, ci, development, staging, production.")
@click.option("--component", help="The part of the project worked on (e.g. api, web).")
@click.option("--name", help="A short name for the session.")
@click.option("--template", help="Take defaults from this template (stint template list).")
@at_option
@json_option
def start(as_json: bool, at: str | None, tags: tuple[str, ...], **options: Any) -> None:
    """Start a session."""
    if options.get("template") is None:
        options.pop("template", None)
    else:
        source = click.get_current_context().get_parameter_source("kind")
        if source is not None and source.name == "DEFAULT":
            options.pop("kind")  # the template's kind, unless --kind was given
    session = tracker().start(at=when(at), tags=list(tags), **options)
    if as_json:
        emit_json(session.to_dict())
        return
    click.echo(
        f"Started session {session.ref} in project {session.project}"
        + (f" — goal: {session.goal}" if session.goal else "")
    )


@click.command()
@click.option("--notes", "-n", help="Notes to add as the session ends.")
@click.option("--outcome", type=click.Choice(["achieved", "partial", "not_achieved"]))
@click.option(
    "--failed",
    "failure",
    metavar="REASON",
    help="End it as failed (status 'failed'), e.g. --failed 'tests broken'.",
)
@click.option("--rating", type=int, metavar="1-5", help="How well it went, 1 to 5.")
@click.option("--summary", help="What the session accomplished, in your words.")
@click.option("--learnings", help="What you learned (for the next session).")
@click.option("--completion", type=int, metavar="PCT", help="How complete the goal is, 0-100.")
@click.option("--session", "ref", default="current", show_default=True, help="Which session.")
@at_option
@json_option
def end(
    ref: str,
    notes: str | None,
    outcome: str | None,
    failure: str | None,
    at: str | None,
    as_json: bool,
    **told: Any,
) -> None:
    """End the session and print its summary."""
    t = tracker()
    if failure is not None:
        session = t.end(
            ref,
            at=when(at),
            notes=notes,
            outcome=outcome,
            status="failed",
            reason=failure[:50],
            **told,
        )
    else:
        session = t.end(ref, at=when(at), notes=notes, outcome=outcome, **told)
    if as_json:
        emit_json({**session.to_dict(), "health": t.health_summaries([session.id]).get(session.id)})
        return
    from stint.cli.render import (  # deferred: Rich loads only when something is printed
        console,
        summary_panel,
    )

    console.print(
        summary_panel(
            session,
            t.files(session.id, limit=5),
            t.recent_activities(session.id, 5),
            t.indicators(session),
            t.health_line(session.id),
        )
    )


def _simple(name: str, help_text: str) -> click.Command:
    @click.command(name=name, help=help_text)
    @click.option("--session", "ref", default="current", show_default=True, help="Which session.")
    @at_option
    @json_option
    def command(ref: str, at: str | None, as_json: bool) -> None:
        session = getattr(tracker(), name)(ref, at=when(at))
        if as_json:
            emit_json(session.to_dict())
        else:
            click.echo(f"Session {session.ref} is {session.status}.")

    return command


pause = _simple("pause", "Pause the session (paused time is not active time).")
resume = _simple("resume", "Resume a paused session.")
cancel = _simple("cancel", "Cancel the session (kept in history as cancelled).")
COMMANDS = [status, start, end, pause, resume, cancel]
