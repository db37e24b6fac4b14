"""`stint import AGENT [PATH...]`: read agent transcripts into sessions (claude-code, codex,
and every agent a plugin adds)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from stint.capture.summary import report_lines
from stint.cli.common import emit_json, json_option, tracker


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr, only when a person is watching it."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console  # deferred: Rich loads only when something is printed
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("importing", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _run(agent: str, paths: tuple[Path, ...], as_json: bool) -> None:
    summary = None
    if agent == "claude-code":
        from stint.capture.quick_import import nothing_new  # without the Tracker

        database = click.get_current_context().find_root().params.get("database")
        summary = nothing_new(database, list(paths) or None)
    if summary is None:
        with _progress(not as_json) as progress:
            summary = tracker().import_transcripts(agent, list(paths) or None, progress)
    if as_json:
        emit_json(summary)
        return
    lines, warnings = report_lines(summary)
    for line in lines:
        click.echo(line)
    for warning in warnings:
        click.echo(warning, err=True)


_PATHS = click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[PATH]..."
)


def _command_for(name: str, importer: Any) -> click.Command:
    def run(paths: tuple[Path, ...], as_json: bool) -> None:
        _run(name, paths, as_json)

    run.__doc__ = importer.help
    return click.command(name, help=importer.help)(_PATHS(json_option(run)))


class ImportGroup(click.Group):
    """One subcommand per importer the plugin manager knows (Claude Code and Codex are
    built-in plugins), looked up only when `stint import` runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from stint.capture import agents  # deferred: plugins load for `stint import` only

        return sorted({importer.name for importer in agents.importers().values()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        from stint.capture import agents  # deferred: plugins load for `stint import` only

        importer = agents.find_importer(cmd_name)
        return None if importer is None else _command_for(cmd_name, importer)


@click.group("import", cls=ImportGroup)
def import_group() -> None:
    """Import agent transcripts (incremental: only what is new is read)."""


COMMANDS: list[Any] = [import_group]
