"""The root command loads a topic's module only when one of its commands runs; the map
it loads them by names every command of every topic, and only those."""

from __future__ import annotations

import importlib
import pkgutil

import click
from click.testing import CliRunner

import stint.cli
from stint.cli import COMMAND_MODULES, cli
from test_speed_startup import imported, loaded


def test_the_command_map_is_every_topics_commands() -> None:
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(stint.cli.__path__):
        module = importlib.import_module(f"stint.cli.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            assert isinstance(command, click.Command)
            assert command.name not in found, f"{command.name} is in two topics"
            found[str(command.name)] = info.name
    assert found == COMMAND_MODULES


def test_every_command_resolves_and_an_unknown_one_is_one_line() -> None:
    context = click.Context(cli)
    for name in COMMAND_MODULES:
        command = cli.get_command(context, name)
        assert command is not None and command.name == name
    result = CliRunner().invoke(cli, ["nosuch"], prog_name="stint")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: No such command 'nosuch'. Try 'stint --help'."
    ]


def test_status_loads_no_other_topic() -> None:
    names = imported("status", "--help")
    others = tuple(f"stint.cli.{m}" for m in set(COMMAND_MODULES.values()) - {"lifecycle"})
    assert loaded(names, others) == []
