"""goal, tag, note, project, task, decision, context, log: recording into a session."""

from __future__ import annotations

import click

from stint.cli.common import StintGroup, at_option, emit_json, json_option, tracker, when
from stint.model.types import EventIn

session_option = click.option(
    "--session",
    "ref",
    default="current",
    show_default=True,
    help="Which session (#number, uuid prefix, last, current).",
)


@click.command()
@click.argument("text")
@session_option
@json_option
def goal(text: str, ref: str, as_json: bool) -> None:
    """Set the session's goal."""
    session = tracker().set_goal(ref, text)
    emit_json(session.to_dict()) if as_json else click.echo(
        f"Goal of {session.ref}: {session.goal}"
    )


@click.command()
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Remove these tags instead.")
@session_option
@json_option
def tag(tags: tuple[str, ...], remove: bool, ref: str, as_json: bool) -> None:
    """Add tags to the session (e.g. refactor bug-fix feature)."""
    session = tracker().tag(ref, list(tags), remove=remove)
    if as_json:
        emit_json(session.to_dict())
    else:
        click.echo(f"Tags of {session.ref}: {', '.join(session.tags) or 'none'}")


@click.command()
@click.argument("text")
@click.option("--important", is_flag=True, help="Flag the note as important.")
@click.option("--followup", is_flag=True, help="The note needs follow-up.")
@click.option(
    "--type",
    "note_type",
    default="observation",
    show_default=True,
    help="observation, concern, insight, technical, …",
)
@session_option
def note(text: str, important: bool, followup: bool, note_type: str, ref: str) -> None:
    """Add a note to the session."""
    tracker().add_note(
        ref, text, is_important=important, requires_followup=followup, type=note_type
    )
    click.echo("Note added.")


@click.command()
@click.argument("name")
@click.option(
    "--default",
    "make_default",
    is_flag=True,
    help="Make it the default project instead (the fallback for new sessions).",
)
@session_option
def project(name: str, make_default: bool, ref: str) -> None:
    """Move the session to another project (created if new)."""
    if make_default:
        chosen = tracker().set_default_project(name)
        click.echo(f"Default project: {chosen.name}")
        return
    session = tracker().set_project(ref, name)
    click.echo(f"Session {session.ref} is now in project {session.project}.")


@click.command()
@json_option
def projects(as_json: bool) -> None:
    """List projects (with the repository each is mapped to)."""
    found = tracker().projects()
    if as_json:
        emit_json([p.to_dict() for p in found])
        return
    for p in found:
        marker = " (default)" if p.is_default else ""
        click.echo(f"{p.name}{marker}  {p.repo_root or ''}".rstrip())
    if not found:
        click.echo("No projects yet.")


@click.group(cls=StintGroup)
def task() -> None:
    """Tasks of the session: add, start, done, todo, list."""


@task.command("add")
@click.argument("title")
@click.option(
    "--status",
    type=click.Choice(["todo", "in_progress", "completed"]),
    default="todo",
    show_default=True,
)
@session_option
@json_option
def task_add(title: str, status: str, ref: str, as_json: bool) -> None:
    """Create a task."""
    created = tracker().add_task(ref, title, status=status)
    emit_json(created.to_dict()) if as_json else click.echo(
        f"Task {created.number}: {created.title}"
    )


def _task_mover(name: str, status: str, help_text: str) -> click.Command:
    @task.command(name, help=help_text)
    @click.argument("task_id", metavar="NUMBER")
    @session_option
    @json_option
    def command(task_id: str, ref: str, as_json: bool) -> None:
        moved = tracker().set_task_status(ref, task_id, status, by_number=True)
        if as_json:
            emit_json(moved.to_dict())
        else:
            click.echo(f"Task {moved.number} is {moved.status.replace('_', ' ')}: {moved.title}")

    return command


_task_mover("start", "in_progress", "Mark a task in progress.")
_task_mover("done", "completed", "Mark a task completed.")
_task_mover("todo", "todo", "Put a task back to todo.")


@task.command("list")
@session_option
@json_option
def task_list(ref: str, as_json: bool) -> None:
    """List the session's tasks."""
    tasks = tracker().tasks(ref)
    if as_json:
        emit_json([t.to_dict() for t in tasks])
        return
    for t in tasks:
        click.echo(f"{t.number:>5}  {t.status:<12} {t.title}")
    if not tasks:
        click.echo("No tasks in this session.")


@click.command()
@click.argument("text")
@click.option("--why", help="The rationale.")
@session_option
def decision(text: str, why: str | None, ref: str) -> None:
    """Record a decision."""
    tracker().add_decision(ref, text, rationale=why)
    click.echo("Decision recorded.")


@click.command()
@click.argument("text")
@session_option
def context(text: str, ref: str) -> None:
    """Add a context item; @path mentions count as file mentions."""
    from stint.sessions.recording import (
        mentions_in,  # deferred: the Tracker (SQLAlchemy) only when a command needs it
    )

    tracker().add_context(ref, text)
    mentions = mentions_in(text)
    click.echo("Context added." + (f" Mentions: {', '.join(mentions)}" if mentions else ""))


@click.command()
@click.argument("activity_type")
@click.argument("description", required=False)
@click.option("--file", "file_path", help="The file this is about.")
@click.option("--added", type=click.IntRange(min=0), default=0, help="Lines added (file_modified).")
@click.option(
    "--removed", type=click.IntRange(min=0), default=0, help="Lines removed (file_modified)."
)
@click.option("--ai", is_flag=True, help="The AI was involved.")
@session_option
@at_option
def log(
    activity_type: str,
    description: str | None,
    file_path: str | None,
    added: int,
    removed: int,
    ai: bool,
    ref: str,
    at: str | None,
) -> None:
    """Record any activity by hand, e.g. `stint log command_executed "pytest"`."""
    if not activity_type.replace("_", "").isalnum():
        raise click.BadParameter("use a word like command_executed", param_hint="ACTIVITY_TYPE")
    payload = {"added": added, "removed": removed} if activity_type == "file_modified" else {}
    tracker().record(
        ref,
        EventIn(
            activity_type,
            occurred_at=when(at),
            description=description,
            file_path=file_path,
            ai_involved=ai,
            payload=payload,
        ),
    )
    click.echo(f"Logged {activity_type}.")


COMMANDS = [goal, tag, note, project, projects, task, decision, context, log]
