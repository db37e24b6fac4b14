"""`stint remote add|list|remove` (where this laptop syncs to) and `stint sync` (push)."""

from __future__ import annotations

import os
from typing import Any

import click

from stint.capture import remotes
from stint.cli.common import StintGroup, emit_json, json_option, tracker
from stint.model.config import home_dir
from stint.model.types import StintError


@click.group(cls=StintGroup)
def remote() -> None:
    """The team server this laptop syncs to."""


@remote.command("add")
@click.argument("name")
@click.argument("url")
@click.option("--key", required=True, help="An API key of the server with the ingest scope.")
@click.option("--machine-name", help="This machine's name on the server (default: host name).")
@json_option
def remote_add(name: str, url: str, key: str, machine_name: str | None, as_json: bool) -> None:
    """Add (or replace) a remote; the key is kept in a file only you can read."""
    shown = remotes.add_remote(home_dir(), name, url, key, machine_name)
    if as_json:
        emit_json(shown)
    else:
        click.echo(f"Remote {name} → {shown['url']} (key {shown['key_prefix']}).")


@remote.command("list")
@json_option
def remote_list(as_json: bool) -> None:
    """The remotes: name, URL and the key's prefix (never the key)."""
    home = home_dir()
    rows = [remotes.shown(n, e) for n, e in remotes.remotes(home).items()]
    if as_json:
        emit_json({"remotes": rows, "machine": remotes.machine(home) if rows else None})
        return
    if not rows:
        click.echo("No remote. Add one: stint remote add NAME URL --key KEY")
    for row in rows:
        click.echo(f"{row['name']}\t{row['url']}\t{row['key_prefix']}")


@remote.command("remove")
@click.argument("name")
def remote_remove(name: str) -> None:
    """Forget a remote and its key."""
    remotes.remove_remote(home_dir(), name)
    click.echo(f"Removed remote {name}.")


def _status_text(found: dict[str, Any]) -> str:
    lines = [f"Remote {found['name']} ({found['url']}), machine {found['machine']['name']}"]
    since = f" since {found['waiting_since']}" if found["waiting_since"] else ""
    waiting = f"{found['waiting_sessions']} session(s), {found['waiting_events']} event(s)"
    lines.append(f"Waiting: {waiting}{since}")
    lines.append(f"Last success: {found['last_success_at'] or 'never'}")
    if found["last_error"]:
        lines.append(f"Last error ({found['last_error_at']}): {found['last_error']}")
    return "\n".join(lines)


@click.command()
@click.option("--remote", "remote_name", help="Which remote (default: the first added).")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; send nothing.")
@click.option("--status", "show_status", is_flag=True, help="What waits, last success, last error.")
@click.option("--quiet", is_flag=True, help="Print nothing; log failures (the background push).")
@json_option
def sync(
    remote_name: str | None, dry_run: bool, show_status: bool, quiet: bool, as_json: bool
) -> None:
    """Push this laptop's sessions to the team server, exactly once."""
    from stint.capture.sync_out import SyncBusy, log  # deferred: only for this command

    # This command pushes itself: the drain that opening the tracker runs must not start
    # a background push racing it for the lock.
    os.environ["STINT_NO_BACKGROUND_SYNC"] = "1"
    t = tracker()
    if show_status:
        found = t.sync_status(remote_name)
        emit_json(found) if as_json else click.echo(_status_text(found))
        return
    try:
        result = t.sync(remote_name, dry_run=dry_run)
    except SyncBusy:
        if quiet:
            return
        raise
    except StintError as exc:
        if quiet:
            log(t.settings.home, f"sync failed: {exc}")
            return
        raise
    if quiet:
        return
    if as_json:
        emit_json(result)
    elif dry_run:
        waiting = result["would_send"]
        click.echo(
            f"Would send {waiting['sessions']} session(s) and {waiting['events']} event(s) "
            f"to {result['remote']}; nothing sent."
        )
    else:
        click.echo(
            f"Synced to {result['remote']}: {result['sessions']} session(s), "
            f"{result['activities_stored']} new event(s), "
            f"{result['activities_duplicate']} already there, in {result['batches']} batch(es)."
        )


COMMANDS = [remote, sync]
