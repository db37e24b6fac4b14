"""stats, compare, export, import-data: answers across many sessions."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

from stint.cli.common import analytics_reader, emit_json, is_tty, json_option, tracker, when
from stint.model.units import plural
from stint.plain.stats_views import NO_SESSIONS

F = TypeVar("F", bound=Callable[..., Any])
# Kept in step with stint.store.analytics.GROUPS and stint.analytics.periods.PERIOD_HELP;
# repeated here so `stint --help` does not import SQLAlchemy.
GROUPS = (
    "day",
    "week",
    "weekday",
    "hour",
    "weekday-hour",
    "tag",
    "model",
    "agent",
    "project",
    "branch",
    "environment",
    "kind",
    "user",
    "machine",
)
PERIOD_HELP = (
    "today, week (calendar week from Monday, local time), month (calendar month), "
    "Nd (last N days), all, YYYY-MM-DD, or YYYY-MM-DD..YYYY-MM-DD (inclusive)"
)
# stint.store.transfer.EXPORT_TABLES in its order, repeated for the same reason
# (tests/test_analytics_export.py checks that they agree).
TABLES = (
    "all",
    "users",
    "machines",
    "projects",
    "components",
    "templates",
    "sessions",
    "session_tags",
    "activities",
    "session_files",
    "tasks",
    "decisions",
    "context_items",
    "interactions",
    "artifacts",
    "notes",
    "subjects",
    "session_subjects",
    "token_usage",
    "commits",
    "session_health",
    "session_health_files",
    "telemetry_metrics",
)


def _period_option(function: F) -> F:
    return click.option("--period", default="all", show_default=True, help=PERIOD_HELP)(function)


def _tz_option(function: F) -> F:
    return click.option(
        "--tz", metavar="ZONE", help="IANA time zone for days and hours (default: system zone)."
    )(function)


@click.command()
@_period_option
@click.option("--project", "-p", help="Only this project.")
@click.option("--tag", "-t", help="Only sessions with this tag.")
@click.option("--kind", help="Only this kind (coding, conversation, …).")
@click.option("--by", type=click.Choice(GROUPS), help="One row per group instead of totals.")
@click.option(
    "--channel",
    type=click.Choice(["person", "agent", "both"]),
    help="With --by weekday-hour: each cell that channel's hours instead of the score.",
)
@_tz_option
@json_option
def stats(
    period: str,
    project: str | None,
    tag: str | None,
    kind: str | None,
    by: str | None,
    channel: str | None,
    tz: str | None,
    as_json: bool,
) -> None:
    """Statistics over a period: time, productivity, tasks, goals, code, tokens, cost.

    Sessions count in the day and hour they started, local time. `--by weekday-hour`
    draws a heatmap and names the most productive time with its sample size; with
    `--channel person|agent|both` each cell is the hours of that channel (you alone, the
    agent alone, both at once) the ended sessions started there stored.
    """
    if channel is not None and by != "weekday-hour":
        raise click.UsageError("--channel goes with --by weekday-hour")
    t = analytics_reader()
    if by is None:
        data = t.stats(period, project=project, tag=tag, kind=kind, tz=tz)
        if as_json:
            emit_json(data)
            return
        from stint.cli import stats_views  # deferred: Rich loads only when something is printed

        stats_views.print_stats(data)
        return
    if channel is not None and not as_json:
        from stint.cli.render import console  # deferred: Rich loads only when something is printed
        from stint.cli.render_stats import channel_grid

        rows = t.stats_by(by, period, project=project, tag=tag, kind=kind, tz=tz)
        console.print(channel_grid(rows, channel, is_tty()))
        return
    if by == "weekday-hour" and kind is None and not as_json:
        from stint.cli import stats_views  # deferred: Rich loads only when something is printed

        stats_views.print_heatmap(t.heatmap(period, project=project, tag=tag, tz=tz))
        return
    rows = t.stats_by(by, period, project=project, tag=tag, kind=kind, tz=tz)
    if as_json:
        if by == "weekday-hour":
            heat = t.heatmap(period, project=project, tag=tag, tz=tz)
            emit_json({"rows": rows, "heatmap": heat})
        else:
            emit_json(rows)
        return
    if not rows:
        click.echo(NO_SESSIONS)
        return
    from stint.cli import stats_views  # deferred: Rich loads only when something is printed

    stats_views.print_groups(rows, by)


@click.command()
@click.argument("refs", nargs=-1)
@click.option(
    "--cohort",
    "cohorts",
    multiple=True,
    metavar="KEY=VALUE",
    help="A cohort (model=, tag=, agent=, project=, kind=, branch=, environment=); twice or more.",
)
@_period_option
@json_option
def compare(refs: tuple[str, ...], cohorts: tuple[str, ...], period: str, as_json: bool) -> None:
    """Compare two sessions (stint compare 12 14) or cohorts of sessions
    (stint compare --cohort model=claude-opus-4-6 --cohort model=claude-sonnet-4-5)."""
    t = analytics_reader()
    if cohorts:
        if refs:
            raise click.UsageError("give either two sessions or --cohort options, not both")
        data = t.compare_cohorts(list(cohorts), period)
        if as_json:
            emit_json(data)
            return
        from stint.cli import stats_views  # deferred: Rich loads only when something is printed

        stats_views.print_cohorts(data)
        return
    if len(refs) != 2:
        raise click.UsageError("compare needs two sessions (A B) or --cohort options")
    data = t.compare(refs[0], refs[1])
    if as_json:
        emit_json(data)
        return
    from stint.cli.render import console  # deferred: Rich loads only when something is printed
    from stint.cli.render_stats import compare_table

    console.print(compare_table(data))


@click.command()
@click.option(
    "--format",
    "fmt",
    default="json",
    show_default=True,
    help="json, jsonl, csv, or a format a plugin adds (`stint plugins`).",
)
@click.option(
    "--table",
    type=click.Choice(TABLES),
    default=None,
    help="Which table (default: all for json/jsonl, sessions for csv).",
)
@click.option("--since", metavar="TIME", help="Only sessions started at or after, and theirs.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write to this file instead of standard output.",
)
def export(fmt: str, table: str | None, since: str | None, output: str | None) -> None:
    """Export data, streamed (constant memory); json/jsonl round-trip with import-data."""
    exporter = _exporter(fmt)
    t = analytics_reader()
    chosen = table or ("sessions" if fmt == "csv" else "all")
    if output is None:
        t.export(chosen, exporter, when(since), sys.stdout)
        return
    with open(output, "w", encoding="utf-8", newline="") as out:
        count = t.export(chosen, exporter, when(since), out)
    click.echo(f"Exported {plural(count, 'row')} to {output}", err=True)


def _exporter(fmt: str) -> Any:
    """A built-in format's name as it is, or the plugin exporter of that name."""
    builtin = ("json", "jsonl", "csv")
    if fmt in builtin:
        return fmt
    from stint.capture import agents  # deferred: plugins load only for a plugin's format

    found = {exporter.name: exporter for exporter in agents.collect("register_exporters")}
    if fmt not in found:
        names = ", ".join((*builtin, *sorted(found)))
        raise click.BadParameter(f"{fmt!r} is not one of {names}.", param_hint="'--format'")
    return found[fmt]


@click.command("import-data")
@click.argument("source", type=click.File("r", encoding="utf-8"))
@json_option
def import_data(source: IO[str], as_json: bool) -> None:
    """Load a json or jsonl export (FILE, or - for stdin); ids are kept, and importing the
    same file again adds nothing."""
    result = tracker().import_data(source)
    if as_json:
        emit_json(result)
        return
    click.echo(f"Imported {result['inserted']} of {plural(result['read'], 'row')}.")
    for name, tally in result["tables"].items():
        click.echo(f"  {name}: {tally['inserted']}/{tally['read']}")


COMMANDS = [stats, compare, export, import_data]
