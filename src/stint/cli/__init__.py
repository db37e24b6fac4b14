"""The `stint` command line: flat verbs over one Tracker. Each topic is a module with a
COMMANDS list; this file only assembles them, loading a topic's module when one of its
commands runs (`stint status` need not import the admin, analytics or capture commands:
together they were a quarter of its start-up)."""

from __future__ import annotations

import importlib

import click

from stint import __version__
from stint.cli.common import StintGroup

# Each command's topic module under stint.cli; tests/test_clispeed_cli.py checks this
# against the modules' COMMANDS lists.
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("status", "start", "end", "pause", "resume", "cancel"), "lifecycle"),
    **dict.fromkeys(
        ("goal", "tag", "note", "project", "projects", "task", "decision", "context", "log"),
        "annotate",
    ),
    **dict.fromkeys(("list", "show", "timeline"), "history"),
    **dict.fromkeys(("doctor", "admin"), "admin"),
    **dict.fromkeys(("stats", "compare", "export", "import-data"), "analytics"),
    "mcp": "mcp",
    **dict.fromkeys(("template", "plan", "begin", "evaluate", "progress"), "goals"),
    **dict.fromkeys(("serve", "otlp"), "web"),
    **dict.fromkeys(("hooks", "drain", "forget", "hook", "statusline"), "capture"),
    "import": "importing",
    "prices": "prices",
    "completion": "completion",
    **dict.fromkeys(("plugins", "score"), "plugins"),
    **dict.fromkeys(("remote", "sync"), "sync"),
    "health": "health",
}


class LazyGroup(StintGroup):
    """The root group: stint's commands listed by name, their module imported on first
    use; then the plugins' commands (`register_commands`), looked up only for a name stint
    does not have, or to list them all."""

    _plugins_added = False

    def _add_plugin_commands(self) -> None:
        if self._plugins_added:
            return
        self._plugins_added = True
        from stint.capture import agents  # deferred: plugins load only when needed

        agents.collect_commands(self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return sorted({*COMMAND_MODULES, *self.commands})  # as click lists its own

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            self._add_plugin_commands()
            return self.commands.get(cmd_name)
        module = importlib.import_module(f"stint.cli.{module_name}")
        for command in module.COMMANDS:
            if command.name == cmd_name:
                return command  # type: ignore[no-any-return]
        return None


@click.group(
    cls=LazyGroup,
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
        from stint.cli import lifecycle

        lifecycle.show_status(as_json=False)
