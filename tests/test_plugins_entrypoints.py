"""A plugin installed for real: tests/plugins/example is a module with its `*.dist-info`
(an `entry_points.txt` in the `stint.plugins` group), put on a subprocess's PYTHONPATH so
importlib.metadata finds it as pip would have installed it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import run_stint

PLUGINS = Path(__file__).parent / "plugins"
EXAMPLE = str(PLUGINS / "example")
BROKEN = str(PLUGINS / "broken")


def stint(*args: str, path: list[str], url: str | None = None, input: str | None = None) -> Any:
    env = {"PYTHONPATH": os.pathsep.join(path)}
    if url is not None:
        env["STINT_DATABASE_URL"] = url
    return run_stint(*args, input=input, env=env)


def test_plugins_lists_builtins_and_the_installed_plugin() -> None:
    done = stint("plugins", "--json", path=[EXAMPLE])
    assert done.returncode == 0, done.stderr
    found = {p["name"]: p for p in json.loads(done.stdout)}
    builtin = found["stint.capture.builtin"]
    assert builtin["builtin"] is True
    assert builtin["provides"] == {
        "importers": ["claude-code", "codex", "gemini-cli"],
        "hook_mappers": ["claude-code", "gemini-cli"],
    }
    example = found["example"]
    assert (example["builtin"], example["version"]) == (False, "0.1")
    assert "register_commands" in example["hooks"] and "register_importers" in example["hooks"]
    assert example["provides"]["exporters"] == ["upper"]
    # its register_scorers raises: reported in one line, the rest of it still works
    assert example["error"] == "register_goal_evaluators: RuntimeError: evaluator table missing"
    assert done.stderr.strip().splitlines() == [
        "stint: plugin 'example' failed in register_goal_evaluators: "
        "RuntimeError: evaluator table missing"
    ]


def test_a_plugin_agent_is_imported_hooked_exported_and_adds_a_command(
    database_url: str, tmp_path: Path
) -> None:
    log = tmp_path / "run.example.jsonl"
    log.write_text(
        '{"session": "s1", "at": "2026-01-02T10:00:00+00:00", "prompt": "fix it"}\n'
        '{"session": "s1", "at": "2026-01-02T10:05:00+00:00", "tokens": [100, 20], "cost": 0.25}\n'
    )
    imported = stint("import", "example", str(log), "--json", path=[EXAMPLE], url=database_url)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert (summary["sessions_created"], summary["events_stored"]) == (1, 2)
    assert summary["cost_usd"] == 0.25

    # `stint hook example`: the fast path learns plugin agents from `stint plugins`
    assert stint("plugins", path=[EXAMPLE]).returncode == 0
    hook = stint("hook", "example", path=[EXAMPLE], input='{"session": "h1", "tool": "Bash"}')
    assert (hook.returncode, hook.stdout) == (0, "")
    listed = stint("list", "--json", path=[EXAMPLE], url=database_url)
    sessions = {s["agent_session_id"]: s for s in json.loads(listed.stdout)}
    assert sessions["s1"]["agent"] == "example_agent"
    assert (sessions["s1"]["input_tokens"], sessions["s1"]["cost_usd"]) == (100, 0.25)
    assert sessions["h1"]["tool_call_count"] == 1

    exported = stint(
        "export", "--format", "upper", "--table", "sessions", path=[EXAMPLE], url=database_url
    )
    assert exported.returncode == 0, exported.stderr
    assert sorted(exported.stdout.split("\n")[:-1]) == [
        "SESSIONS example_agent 1",
        "SESSIONS example_agent 2",
    ]
    scored = stint("score", "1", "--json", path=[EXAMPLE], url=database_url)
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["scores"] == {"tokens_per_message": 120.0}
    hello = stint("hello-example", "ada", path=[EXAMPLE])
    assert hello.stdout == "hello ada from the example plugin\n"


def test_without_the_plugin_its_agent_is_unknown() -> None:
    done = stint("import", "example", path=[])
    assert done.returncode == 2
    assert "No such command 'example'" in done.stderr


def test_a_plugin_that_fails_to_import_is_one_line_and_stint_carries_on() -> None:
    done = stint("plugins", "--json", path=[BROKEN, EXAMPLE])
    assert done.returncode == 0
    lines = done.stderr.strip().splitlines()
    assert (
        "stint: plugin 'broken' failed to load: ImportError: this plugin needs a module that "
        "is not installed"
    ) in lines
    assert not any("Traceback" in line for line in lines)
    found = {p["name"]: p for p in json.loads(done.stdout)}
    assert found["broken"]["hooks"] == [] and found["broken"]["version"] == "0.2"
    assert "importers" in found["example"]["provides"]
    # a command that needs no plugin never loads them, so never mentions the broken one
    status = stint("status", path=[BROKEN, EXAMPLE])
    assert status.returncode == 0 and "broken" not in status.stderr


WATCHED = ("pluggy", "stint.capture.builtin", "stint_example_plugin")
# `-X importtime` does not see a module imported through importlib (as entry points
# are), so the process reports which of the watched modules it holds as it exits.
_REPORT = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write('LOADED ' + ' '.join("
    f"m for m in {WATCHED!r} if m in sys.modules) + chr(10))); "
    "from stint.entry import main; sys.exit(main(sys.argv[1:]))"
)


def _loaded(args: list[str], stdin: str = "") -> set[str]:
    """Which of WATCHED a `stint ARGS` process imported."""
    done = subprocess.run(
        [sys.executable, "-c", _REPORT, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": EXAMPLE},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED"))
    return set(line.split()[1:])


def test_read_commands_and_the_hook_load_no_plugin() -> None:
    """The plugins are found only when a command needs them."""
    assert _loaded(["status"]) == set()
    assert _loaded(["hook", "claude-code"], '{"session_id": "x"}') == set()
    # draining Claude Code's record asks the built-in plugin only: no scan of the others
    assert _loaded(["drain"]) == {"pluggy", "stint.capture.builtin"}
    # …while a command that lists plugins loads them
    assert _loaded(["plugins"]) == set(WATCHED)
