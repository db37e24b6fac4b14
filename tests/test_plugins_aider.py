"""The bundled Aider plugin (plugins/stint-aider), installed by `make install` and found
through its `stint.plugins` entry point: real Aider histories (fixtures with their
provenance in plugins/stint-aider/tests/fixtures/SOURCES.md) become sessions."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from conftest import run_stint
from stint.tracker import Tracker

FIXTURES = Path(__file__).parents[1] / "plugins" / "stint-aider" / "tests" / "fixtures"
if not os.environ.get("CI"):  # on CI, `make install` has installed it: a missing one fails
    pytest.importorskip("stint_aider", reason="make install installs plugins/stint-aider")

from stint_aider.history import parse_history, started_at, tokens  # noqa: E402


@pytest.mark.parametrize(
    ("text", "count"),
    [("781", 781), ("2.4k", 2400), ("14k", 14000), ("1,234", 1234), ("1.2M", 1_200_000)],
)
def test_aider_rounded_token_figures(text: str, count: int) -> None:
    assert tokens(text) == count


def test_sessions_prompts_tools_files_tokens_and_model() -> None:
    path = FIXTURES / "webserver" / ".aider.chat.history.md"
    batches = parse_history(path, path.read_text(encoding="utf-8"))
    # three sessions were started and left without a word; only the one used is kept
    assert len(batches) == 1
    batch = batches[0]
    assert batch.model == "gemini/gemini-2.5-pro-exp-03-25" and batch.version == "0.83.0"
    assert batch.first_at == started_at("2025-05-10 15:17:26")
    kinds = [event.type for event in batch.events]
    assert kinds.count("message") == 3
    assert kinds.count("tokens") == 2
    commands = [e.payload["command"] for e in batch.events if e.type == "command_executed"]
    assert commands == ["sudo systemctl reload nginx", "sudo nginx -s reload"]
    edited = [e.file_path for e in batch.events if e.type == "file_modified"]
    assert edited == ["nginx/conf.d/qbittorrent.conf"]
    first = next(e for e in batch.events if e.type == "message")
    assert first.payload["text"].startswith("update my git config username")
    sent = [e.payload["input_tokens"] for e in batch.events if e.type == "tokens"]
    assert sent == [2900, 6300]


def test_multi_line_prompt_and_costs() -> None:
    path = FIXTURES / "iot" / ".aider.chat.history.md"
    [batch] = parse_history(path, path.read_text(encoding="utf-8"))
    prompts = [e.payload["text"] for e in batch.events if e.type == "message"]
    assert len(prompts) == 2
    assert prompts[1].splitlines()[0].startswith("Please create a clean project structure")
    assert "\t-train.py" in prompts[1]
    costs = [e.payload["cost_usd"] for e in batch.events if e.type == "tokens"]
    assert costs == [0.00042, 0.00053]
    assert batch.model == "openrouter/openai/gpt-4o-mini"


def test_import_through_the_plugin_manager_is_idempotent(database_url: str, tmp_path: Path) -> None:
    root = tmp_path / "histories"
    shutil.copytree(FIXTURES, root)
    tracker = Tracker.open(database_url)
    try:
        first = tracker.import_transcripts("aider", [root])
        again = tracker.import_transcripts("aider", [root])
        sessions = {s.agent_session_id: s for s in tracker.sessions()}
    finally:
        tracker.close()
    assert (first["sessions_created"], first["events_stored"]) == (2, 23)
    assert (again["sessions_created"], again["events_stored"]) == (0, 0)
    assert first["cost_usd"] == pytest.approx(0.00095)
    assert {s.agent for s in sessions.values()} == {"aider"}
    iot = next(s for s in sessions.values() if s.ai_model == "openrouter/openai/gpt-4o-mini")
    row = iot.row
    assert (row["input_tokens"], row["output_tokens"]) == (5100, 299)
    assert row["cost_usd"] == pytest.approx(0.00095)
    assert (row["message_count"], row["tool_call_count"], row["files_modified"]) == (2, 4, 4)
    assert iot.started_at == started_at("2025-12-03 14:43:45")
    assert isinstance(iot.started_at, datetime)


def test_stint_import_aider_command(tmp_path: Path) -> None:
    root = tmp_path / "histories"
    shutil.copytree(FIXTURES / "webserver", root)
    done = run_stint("import", "aider", str(root), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sessions_created"] == 1
    listed = json.loads(run_stint("list", "--json").stdout)
    assert [(s["agent"], s["commands_executed"]) for s in listed] == [("aider", 2)]
    plugins = json.loads(run_stint("plugins", "--json").stdout)
    aider = next(p for p in plugins if p["name"] == "aider")
    assert (aider["builtin"], aider["provides"]) == (False, {"importers": ["aider"]})
