"""docs/production.md names only what exists: every `stint …` command line resolves to a
real command with the options it uses, the uvicorn factory imports and builds an app, and
the environment variables it names are read by stint's code."""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import click
import pytest

from stint.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "production.md").read_text(encoding="utf-8")
SOURCE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))


def _command_lines() -> list[str]:
    lines = [line.strip() for line in DOC.splitlines() if line.startswith("    ")]
    return [line for line in lines if line.startswith("stint ")]


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = cli
    rest = words[1:]
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        found = command.get_command(click.Context(command), rest[0])
        if found is None:
            break
        command, rest = found, rest[1:]
    return command, rest


@pytest.mark.parametrize("line", _command_lines())
def test_every_command_named_exists_with_its_options(line: str) -> None:
    words = shlex.split(line.split("#")[0])
    command, rest = _resolve(words)
    assert command is not cli, line
    known = {opt for param in command.params for opt in getattr(param, "opts", [])}
    known |= {opt for param in cli.params for opt in getattr(param, "opts", [])}
    for word in rest:
        if word.startswith("--"):
            assert word.split("=")[0] in known, f"{line}: no option {word}"


def test_the_doc_names_enough_commands() -> None:
    named = {" ".join(shlex.split(line.split("#")[0])[:3]) for line in _command_lines()}
    assert {"stint admin init", "stint admin key", "stint serve --host"} <= named


def test_the_uvicorn_factory_named_builds_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    factory = re.search(r"--factory ([\w.]+):(\w+)", DOC)
    assert factory is not None
    monkeypatch.setenv("STINT_HOUSEKEEPING_SECONDS", "0")
    from fastapi.testclient import TestClient

    app = getattr(importlib.import_module(factory[1]), factory[2])()
    try:
        with TestClient(app) as client:
            assert client.get("/api/v1/health").json()["status"] == "ok"
    finally:
        app.state.tracker.close()


def test_every_environment_variable_named_is_read() -> None:
    names = set(re.findall(r"`(STINT_[A-Z_]+)`", DOC))
    assert {"STINT_POOL_SIZE", "STINT_HOUSEKEEPING_SECONDS"} <= names
    for name in names:
        assert f'"{name}"' in SOURCE, name
