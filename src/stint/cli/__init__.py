"""The `stint` command line: flat verbs over one Tracker. Each topic is a module with a
COMMANDS list; this file only assembles them."""

from __future__ import annotations

import click

from stint import __version__
from stint.cli import (
    admin,
    analytics,
    annotate,
    capture,
    completion,
    goals,
    health,
    history,
    importing,
    lifecycle,
    mcp,
    plugins,
    prices,
    sync,
    web,
)
from stint.cli.plugins import PluginCommandsGroup


@click.group(
    cls=PluginCommandsGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--database",
    envvar="STINT_DATABASE_URL",
    metavar="URL",
    help="Database URL (default: SQLite under STINT_HOME).",
)
@click.version_option(__version__, prog_name="stint")
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """stint: record sessions of a person working with an AI agent."""
    if ctx.invoked_subcommand is None:
        lifecycle.show_status(as_json=False)


for module in (
    lifecycle,
    annotate,
    history,
    admin,
    analytics,
    mcp,
    goals,
    web,
    capture,
    importing,
    prices,
    plugins,
    sync,
    completion,
    health,
):
    for command in module.COMMANDS:
        cli.add_command(command)
