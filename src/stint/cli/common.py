"""What every command shares: opening the tracker, one-line errors, JSON output, `--at`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any, TypeVar

import click

from stint.model.config import ConfigError
from stint.model.timeparse import TimeParseError, parse_when
from stint.model.types import StintError

F = TypeVar("F", bound=Callable[..., Any])


class OneLineUsageError(click.UsageError):
    """A usage error as one line with the hint, like stint's own errors (exit 2), instead
    of click's usage dump."""

    def show(self, file: IO[Any] | None = None) -> None:
        hint = ""
        if self.ctx is not None:
            names = self.ctx.help_option_names
            flag = "--help" if "--help" in names else (names[0] if names else "--help")
            hint = f" Try '{self.ctx.command_path} {flag}'."
        click.echo(f"Error: {self.format_message()}{hint}", file=file or sys.stderr)


def _one_line(exc: click.UsageError) -> OneLineUsageError:
    return OneLineUsageError(exc.format_message(), exc.ctx)


class StintGroup(click.Group):
    """Turns domain errors into one-line CLI errors (exit 1) and click's usage errors into
    one line with a hint (exit 2), never a traceback."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except OneLineUsageError:
            raise
        except click.UsageError as exc:
            raise _one_line(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OneLineUsageError:
            raise
        except click.UsageError as exc:  # a subcommand's arguments, or no such command
            raise _one_line(exc) from None
        except (StintError, TimeParseError, ConfigError) as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            if _is_database_error(exc):
                raise click.ClickException(f"database error: {exc.orig}") from None  # type: ignore[attr-defined]
            if _is_sqlite_error(exc):  # the read commands' bare-sqlite3 path
                raise click.ClickException(f"database error: {exc}") from None
            raise


def _is_database_error(exc: Exception) -> bool:
    """SQLAlchemy's OperationalError, without importing SQLAlchemy to ask: a command that
    never loaded it (`--help`, `--version`, a bare-sqlite3 read) cannot have raised it, and
    importing it here would cost more than the command."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.OperationalError)


def _is_sqlite_error(exc: Exception) -> bool:
    errors = sys.modules.get("sqlite3")
    return errors is not None and isinstance(exc, errors.Error)


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


def reader() -> Any:
    """What a read command (status, list, show) reads through: the tracker if this
    process opened one; else, on a SQLite store with nothing to drain or sweep, a reader
    over bare sqlite3 that loads no SQLAlchemy (`stint.sessions.quick`); else the tracker."""
    root = click.get_current_context().find_root()
    for key in ("stint.tracker", "stint.reader"):
        if key in root.meta:
            return root.meta[key]
    from stint.capture.spool import has_pending
    from stint.sessions.quick import open_reader

    found = open_reader(root.params.get("database"), pending=has_pending)
    if found is None:
        return tracker()
    root.meta["stint.reader"] = found
    root.call_on_close(found.close)
    return found


def analytics_reader() -> Any:
    """`reader()` for the analytics reads (stats, compare, export): when nothing is to
    drain or sweep, the store with the analytics calls, without the Tracker's other
    services to import (`stint.analytics.calls`); else the tracker."""
    root = click.get_current_context().find_root()
    for key in ("stint.tracker", "stint.analytics"):
        if key in root.meta:
            return root.meta[key]
    from stint.analytics.calls import open_analytics
    from stint.capture.spool import has_pending

    found = open_analytics(root.params.get("database"), pending=has_pending)
    if found is None:
        return tracker()
    root.meta["stint.analytics"] = found
    root.call_on_close(found.close)
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
