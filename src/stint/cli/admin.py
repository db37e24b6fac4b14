"""doctor: check the stored counters against the event log."""

from __future__ import annotations

import click

from stint.cli.common import emit_json, json_option, tracker
from stint.model.units import plural


@click.command()
@click.option(
    "--fix",
    "--rebuild",
    "fix",
    is_flag=True,
    help="Rewrite counters that differ from the event log.",
)
@json_option
def doctor(fix: bool, as_json: bool) -> None:
    """Recount every counter from the event log and report differences."""
    from stint.sessions.doctor import (
        check,  # deferred: the Tracker (SQLAlchemy) only when a command needs it
    )

    found = check(tracker(), fix=fix)
    if as_json:
        emit_json({"mismatches": [m.to_dict() for m in found], "fixed": fix and bool(found)})
    elif not found:
        click.echo("All counters agree with the event log.")
    else:
        for m in found:
            where = f" {m.path}" if m.path else ""
            click.echo(
                f"session {m.session_id}{where}: {m.field} stored {m.stored}, log says {m.expected}"
            )
        click.echo(plural(len(found), "difference") + (" fixed." if fix else "; run with --fix."))
    if found and not fix:
        raise SystemExit(1)


COMMANDS = [doctor]
