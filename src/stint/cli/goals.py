"""template add|list|show, plan, begin, evaluate, progress: goal-oriented sessions."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import click

from stint.cli.common import at_option, emit_json, json_option, tracker, when
from stint.model.timeparse import as_utc, local_text, utcnow

_SPAN = re.compile(r"^\s*\+?(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_SPAN_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def _span(text: str) -> timedelta:
    match = _SPAN.match(text)
    if match is None:
        raise click.BadParameter(f"{text!r}: use a span like 30m, 2h, 7d or 1w")
    return timedelta(seconds=float(match[1]) * _SPAN_SECONDS[match[2].lower()])


def _future(text: str) -> datetime:
    """ISO 8601 (local time when no zone is given) or a span from now (`+2d`, `1w`)."""
    if _SPAN.match(text):
        return utcnow() + _span(text)
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        raise click.BadParameter(f"{text!r}: use ISO 8601 or a span like +2d") from None


@click.group()
def template() -> None:
    """Session templates: defaults for intention, indicators, constraints, duration."""


@template.command("add")
@click.argument("name")
@click.option("--description", "-d")
@click.option("--kind", help="coding, conversation, interview, workflow, …")
@click.option("--intention", "-i", help="The default intention (goal).")
@click.option("--success", "-s", "success", multiple=True, help="Success indicator (repeatable).")
@click.option("--completion", "-c", multiple=True, help="Completion indicator (repeatable).")
@click.option("--constraint", "constraints", multiple=True, help="Constraint (repeatable).")
@click.option("--procedure", help="Procedure notes.")
@click.option("--duration", type=click.IntRange(min=1), help="Duration in minutes.")
@click.option("--tag", "-t", "tags", multiple=True, help="Default tag (repeatable).")
@click.option("--replace", is_flag=True, help="Replace a template of the same name.")
@json_option
def template_add(
    name: str,
    success: tuple[str, ...],
    completion: tuple[str, ...],
    constraints: tuple[str, ...],
    tags: tuple[str, ...],
    procedure: str | None,
    duration: int | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Save a template NAME."""
    saved = tracker().add_template(
        name,
        success_indicators=list(success),
        completion_indicators=list(completion),
        constraints=list(constraints),
        tags=list(tags),
        procedure_notes=procedure,
        duration_minutes=duration,
        **options,
    )
    if as_json:
        emit_json(saved)
    else:
        click.echo(f"Saved template {saved['name']!r}.")


@template.command("list")
@json_option
def template_list(as_json: bool) -> None:
    """List templates."""
    found = tracker().goals.templates()
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo('No templates. Add one with: stint template add NAME --intention "…"')
    for item in found:
        minutes = f"{item['default_duration_minutes']}m" if item["default_duration_minutes"] else ""
        details = ", ".join(x for x in (item["kind"] or "", minutes) if x)
        click.echo(
            f"{item['name']}"
            + (f" ({details})" if details else "")
            + (f": {item['default_intention']}" if item["default_intention"] else "")
        )


@template.command("show")
@click.argument("name")
@json_option
def template_show(name: str, as_json: bool) -> None:
    """Show template NAME."""
    item = tracker().goals.template(name)
    if as_json:
        emit_json(item)
        return
    click.echo(
        f"Template: {item['name']}" + (f" — {item['description']}" if item["description"] else "")
    )
    click.echo(
        f"Kind: {item['kind'] or '—'}   Duration: {item['default_duration_minutes'] or '—'} min"
    )
    click.echo(f"Intention: {item['default_intention'] or '—'}")
    for label, key in (
        ("Success indicators", "default_success_indicators"),
        ("Completion indicators", "default_completion_indicators"),
        ("Constraints", "default_constraints"),
    ):
        values = item[key] or []
        click.echo(f"{label}:" + ("" if values else " —"))
        for value in values:
            click.echo(f"  - {value}")
    if item["default_procedure_notes"]:
        click.echo(f"Procedure: {item['default_procedure_notes']}")
    if item["default_tags"]:
        click.echo(f"Tags: {', '.join(item['default_tags'])}")


@click.command()
@click.option("--template", "template_name", required=True, help="The template to plan from.")
@click.option("--sessions", "count", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--first", default="+1d", show_default=True, help="First session: ISO or +2d.")
@click.option("--every", default="7d", show_default=True, help="Time between sessions.")
@click.option("--subject", help="Subject the chain covers (introduction … completion).")
@click.option("--project", "-p")
@click.option("--name", help="Name prefix of the planned sessions.")
@json_option
def plan(
    template_name: str,
    count: int,
    first: str,
    every: str,
    subject: str | None,
    project: str | None,
    name: str | None,
    as_json: bool,
) -> None:
    """Plan a chain of scheduled sessions from a template."""
    t = tracker()
    planned = t.goals.plan(
        template_name,
        count=count,
        first_at=_future(first),
        every=_span(every),
        subject=subject,
        project=project,
        name=name,
    )
    if as_json:
        emit_json([s.to_dict() for s in planned])
        return
    for session in planned:
        coverage = ""
        if subject:
            links = [x for x in t.goals.subjects(session.id) if x["key"] == subject]
            coverage = f" [{links[0]['coverage_level']}]" if links else ""
        click.echo(
            f"Scheduled {session.ref} {session.name} at {local_text(session.scheduled_at)}"
            + coverage
        )


@click.command()
@click.argument("ref")
@at_option
@json_option
def begin(ref: str, at: str | None, as_json: bool) -> None:
    """Start a scheduled session REF."""
    session = tracker().goals.start_scheduled(ref, at=when(at))
    if as_json:
        emit_json(session.to_dict())
    else:
        click.echo(
            f"Started scheduled session {session.ref}"
            + (f": {session.goal}" if session.goal else "")
        )


@click.command()
@click.argument("ref", default="last")
@click.option(
    "--llm/--no-llm", default=None, help="Ask the configured LLM (default: if configured)."
)
@json_option
def evaluate(ref: str, llm: bool | None, as_json: bool) -> None:
    """Evaluate whether session REF reached its goal, and store the result."""
    result = tracker().goals.evaluate(ref, llm=llm)
    if as_json:
        emit_json(result)
        return
    click.echo(f"Outcome: {result['outcome'] or 'undecided'} ({result['evaluator']} evaluator)")
    for reason in result["reasons"]:
        click.echo(f"  - {reason}")
    if result.get("fallback"):
        click.echo(f"Note: {result['fallback']}")


@click.command()
@click.argument("ref", default="current")
@json_option
def progress(ref: str, as_json: bool) -> None:
    """Indicator progress of session REF: met / not met / unknown, can it complete."""
    report = tracker().goals.progress(ref)
    if as_json:
        emit_json(report)
        return
    click.echo("\n".join(progress_lines(report)))


def progress_lines(report: dict[str, Any]) -> list[str]:
    marks = {"met": "[x]", "not_met": "[ ]", "unknown": "[?]"}
    lines = []
    for label, key in (("Success", "success_indicators"), ("Completion", "completion_indicators")):
        for item in report[key]:
            lines.append(f"{marks[item['status']]} {label}: {item['indicator']} ({item['detail']})")
    can = "yes" if report["can_complete"] else "no"
    if not report["completion_indicators"]:
        can += " (no completion indicators)"
    lines.append(f"Can complete: {can}")
    return lines


def goal_lines(view: dict[str, Any]) -> list[str]:
    """The goal section of `stint show`."""
    lines = [f"Intention: {view['intention'] or '—'}"]
    if view["scheduled_at"]:
        lines.append(
            f"Scheduled: {local_text(datetime.fromisoformat(view['scheduled_at']))}"
            + (
                f" for {view['scheduled_duration_minutes']} min"
                if view["scheduled_duration_minutes"]
                else ""
            )
        )
    for constraint in view["constraints"]:
        lines.append(f"Constraint: {constraint}")
    lines += progress_lines(view["progress"])
    lines.append(f"Interactions: {view['interactions_count']}")
    if view["artifacts"]:
        approved = sum(1 for a in view["artifacts"] if a["approved"])
        lines.append(f"Artifacts: {len(view['artifacts'])} ({approved} approved)")
    for subject in view["subjects"]:
        lines.append(
            f"Subject: {subject['key']}"
            + (" (primary)" if subject["is_primary"] else "")
            + (f", {subject['coverage_level']}" if subject["coverage_level"] else "")
        )
    evaluation = view["evaluation"]
    if evaluation:
        outcome = evaluation.get("outcome") or "undecided"
        lines.append(f"Evaluation: {outcome} ({evaluation.get('evaluator')})")
        lines += [f"  - {reason}" for reason in evaluation.get("reasons", [])]
        if evaluation.get("fallback"):
            lines.append(f"  note: {evaluation['fallback']}")
    return lines


COMMANDS = [template, plan, begin, evaluate, progress]
