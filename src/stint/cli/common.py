"""What every command shares: opening the tracker, one-line errors, JSON output, `--at`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click

from stint.model.config import ConfigError
from stint.model.timeparse import TimeParseError, parse_when
from stint.model.types import StintError

F = TypeVar("F", bound=Callable[..., Any])


class StintGroup(click.Group):
    """Turns domain errors into one-line CLI errors (exit 1), never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from sqlalchemy.exc import OperationalError  # deferred: SQLAlchemy only once a command runs

        try:
            return super().invoke(ctx)
        except (StintError, TimeParseError, ConfigError) as exc:
            raise click.ClickException(str(exc)) from None
        except OperationalError as exc:
            raise click.ClickException(f"database error: {exc.orig}") from None


def tracker() -> Any:
    """The tracker for this command, opened once per process: the inactivity sweep runs
    and captured events are drained first, so what a command shows is current."""
    ctx = click.get_current_context()
    root = ctx.find_root()
    found = root.meta.get("stint.tracker")
    if found is None:
        from stint.tracker import (
            Tracker,  # deferred: the Tracker (SQLAlchemy) only when a command needs it
        )

        found = Tracker.open(root.params.get("database"))
        root.meta["stint.tracker"] = found
        root.call_on_close(found.close)
        root.meta["stint.drained"] = found.drain()
        found.sweep()
    return found


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(function)


def at_option(function: F) -> F:
    return click.option(
        "--at",
        "at",
        metavar="TIME",
        help="When it happened: ISO 8601, HH:MM, or relative (-90m, '2h ago').",
    )(function)


def when(text: str | None) -> datetime | None:
    return parse_when(text) if text else None


def is_tty() -> bool:
    return sys.stdout.isatty()
