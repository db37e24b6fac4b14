"""The plugin manager in-process: hook order, a failing hook isolated, plugin session
kinds, and docs/plugins.md describing every hook specification."""

from __future__ import annotations

import inspect
import re
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from stint.model.types import StintError
from stint.plugins import hookimpl, manager, specs
from stint.tracker import Tracker

EXAMPLE = Path(__file__).parent / "plugins" / "example"
DOCS = Path(__file__).parents[1] / "docs" / "plugins.md"


def _module(name: str, **hooks: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module


@pytest.fixture
def example_installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The example plugin's dist-info on sys.path, and a fresh manager to find it."""
    import importlib

    monkeypatch.syspath_prepend(str(EXAMPLE))
    importlib.invalidate_caches()
    manager.reset()
    yield
    manager.reset()
    sys.modules.pop("stint_example_plugin", None)


def test_builtins_come_first_and_a_raising_hook_is_reported_and_skipped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    first = _module("first", register_exporters=lambda: ["a"])
    broken = _module("broken", register_exporters=lambda: 1 / 0)
    last = _module("last", register_exporters=lambda: ["b", "c"])
    plugins = manager.Plugins([first, broken, last], "9.9")
    assert plugins.collect("register_exporters") == ["a", "b", "c"]
    assert capsys.readouterr().err == (
        "stint: plugin 'broken' failed in register_exporters: ZeroDivisionError: division by zero\n"
    )
    info = {i.name: i for i in plugins.plugins()}
    assert info["broken"].error == "register_exporters: ZeroDivisionError: division by zero"
    assert info["first"].hooks == ["register_exporters"] and info["first"].builtin


def test_a_plugins_session_kind_is_registered_when_a_session_asks_for_it(
    example_installed: None, database_url: str
) -> None:
    tracker = Tracker.open(database_url)
    try:
        session = tracker.start(project="p", kind="pairing", state={"pair": "ada"})
        assert session.row["kind"] == "pairing"
        with pytest.raises(StintError, match="pair"):  # the plugin's schema holds
            tracker.start(project="q", kind="pairing", state={})
    finally:
        tracker.close()


def test_every_hook_specification_has_a_section_in_docs_plugins_md() -> None:
    text = DOCS.read_text(encoding="utf-8")
    sections = set(re.findall(r"^### `(register_\w+)", text, flags=re.MULTILINE))
    hooks = {
        name
        for name, value in inspect.getmembers(specs, inspect.isfunction)
        if name.startswith("register_")
    }
    assert hooks, "no hook specifications found"
    assert hooks - sections == set(), "hook specifications without a section in docs/plugins.md"
    assert sections - hooks == set(), "docs/plugins.md describes hooks that do not exist"
