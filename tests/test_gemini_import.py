"""`stint import gemini-cli`: the real recording and the constructed JSONL session agree with
ccusage 20.0.24's reports on them (tokens exact, cost to the cent and closer); upserts,
`$set`, `$rewindTo` and subagent files as gemini-cli replays them; incremental and
idempotent re-imports; bad files reported, not fatal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import run_stint
from stint.capture.gemini import recording_files, split_tokens
from stint.tracker import Tracker

FIXTURES = Path(__file__).parent / "fixtures" / "gemini"
REAL = FIXTURES / "tmp"
CONSTRUCTED = FIXTURES / "constructed"
MAIN_SID = "5e7c0a1e-1111-4222-8333-444455556666"
TOKEN_NAMES = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
CCUSAGE_NAMES = ("inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens")


def _ccusage(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "ccusage-20.0.24-session.json").read_text())
    return data


def _per_model(tracker: Tracker, session_id: int) -> dict[str, dict[str, Any]]:
    return {row["model"]: row for row in tracker.tokens_by_model(session_id)}


def _ccusage_per_model(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every session's model breakdown summed by model (stint folds a subagent's session
    into its parent's; ccusage lists it on its own)."""
    models: dict[str, dict[str, Any]] = {}
    for session in report["sessions"]:
        for row in session["modelBreakdowns"]:
            into = models.setdefault(row["modelName"], dict.fromkeys([*CCUSAGE_NAMES, "cost"], 0))
            for name in [*CCUSAGE_NAMES, "cost"]:
                into[name] += row[name]
    return models


@pytest.mark.parametrize("folder", [FIXTURES, CONSTRUCTED], ids=["real", "constructed"])
def test_tokens_and_cost_equal_ccusage(tracker: Tracker, folder: Path) -> None:
    summary = tracker.import_transcripts("gemini-cli", [folder / "tmp"])
    report = _ccusage(folder)
    assert summary["problems"] == [] and summary["warnings"] == []
    sessions = tracker.sessions()
    assert len(sessions) == 1
    session = sessions[0]
    assert (
        session.agent == "gemini_cli"
        and session.agent_session_id == report["sessions"][0]["sessionId"]
    )
    totals = report["totals"]
    for ours, theirs in zip(TOKEN_NAMES, CCUSAGE_NAMES, strict=True):
        assert session.row[ours] == totals[theirs], ours
        assert summary[ours] == totals[theirs], ours
    assert session.row["cost_usd"] == pytest.approx(totals["totalCost"], abs=1e-9)
    assert round(session.row["cost_usd"], 2) == round(totals["totalCost"], 2)
    expected = _ccusage_per_model(report)
    stored = _per_model(tracker, session.id)
    assert set(stored) == set(expected)
    for model, row in expected.items():
        for ours, theirs in zip(TOKEN_NAMES, CCUSAGE_NAMES, strict=True):
            assert stored[model][ours] == row[theirs], (model, ours)
        assert stored[model]["cost_usd"] == pytest.approx(row["cost"], abs=1e-9)


def test_the_real_recording_maps_its_prompt_and_tool_call(tracker: Tracker) -> None:
    tracker.import_transcripts("gemini-cli", [REAL])
    session = tracker.sessions()[0]
    assert session.ai_model == "gemini-3-flash-preview"
    assert session.row["message_count"] == 1 and session.row["tool_call_count"] == 1
    files = {f.path: f for f in tracker.files(session.id)}
    assert files["continuity/2026-03-17_2022.md"].times_mentioned == 1  # read_file → Read
    tokens = [a for a in tracker.timeline(session.id) if a.type == "tokens"]
    assert sorted(a.payload["thoughts_tokens"] for a in tokens) == [130, 302]


def test_upserts_set_and_rewind_as_gemini_replays_them(tracker: Tracker) -> None:
    tracker.import_transcripts("gemini-cli", [CONSTRUCTED / "tmp"])
    session = tracker.get("last")
    row = session.row
    assert session.agent_session_id == MAIN_SID and session.ai_model == "gemini-2.5-pro"
    # u1, u2 (rewound, but it was sent) and u3; the subagent's task is no person's prompt
    assert row["message_count"] == 3
    # read_file, replace (once, though written twice), pytest ×2, the subagent's glob
    assert (row["tool_call_count"], row["tool_failures"], row["commands_executed"]) == (5, 1, 2)
    assert row["subagents_started"] == 1
    files = {f.path: f for f in tracker.files(session.id)}
    edited = files["src/app.py"]
    assert (edited.times_modified, edited.lines_added, edited.lines_removed) == (1, 1, 1)
    rewinds = [a for a in tracker.timeline(session.id) if a.type == "conversation_rewound"]
    assert [a.payload for a in rewinds] == [{"to_message": "u2", "dropped": 2}]
    assert session.project == "app"  # the subagent's workspace directory


def test_incremental_import_equals_one_import(tracker: Tracker, tmp_path: Path) -> None:
    tree = tmp_path / "tmp"
    shutil.copytree(CONSTRUCTED / "tmp", tree)
    main = next(p for p in recording_files([tree]) if p.name.startswith("session-"))
    lines = main.read_text().splitlines(keepends=True)
    main.write_text("".join(lines[:8]) + lines[8][:20])  # a torn last line waits
    first = tracker.import_transcripts("gemini-cli", [tree])
    assert first["problems"] == []
    with main.open("a") as out:
        out.write(lines[8][20:] + "".join(lines[9:]))
    second = tracker.import_transcripts("gemini-cli", [tree])
    assert second["files_replaced"] == 0 and second["problems"] == []
    again = tracker.import_transcripts("gemini-cli", [tree])
    assert again["events_stored"] == 0 and again["files_skipped"] == 2
    session = tracker.get("last")
    totals = _ccusage(CONSTRUCTED)["totals"]
    assert (session.row["input_tokens"], session.row["cache_read_tokens"]) == (
        totals["inputTokens"],
        totals["cacheReadTokens"],
    )
    assert session.row["tool_call_count"] == 5 and session.row["message_count"] == 3


def test_a_rewritten_legacy_file_adds_only_its_new(tracker: Tracker, tmp_path: Path) -> None:
    tree = tmp_path / "tmp"
    shutil.copytree(REAL, tree)
    (path,) = recording_files([tree])
    tracker.import_transcripts("gemini-cli", [tree])
    record = json.loads(path.read_text())
    record["messages"].append(
        {
            "id": "added-1",
            "timestamp": "2026-03-18T01:58:00.000Z",
            "type": "gemini",
            "content": "more",
            "model": "gemini-3-flash-preview",
            "tokens": {"input": 9000, "output": 10, "cached": 8000, "thoughts": 0, "total": 9010},
        }
    )
    path.write_text(json.dumps(record, indent=2))  # Gemini CLI rewrote the whole file
    summary = tracker.import_transcripts("gemini-cli", [tree])
    assert summary["files_replaced"] == 1 and summary["events_stored"] == 1
    assert (summary["input_tokens"], summary["cache_read_tokens"]) == (1000, 8000)
    session = tracker.get("last")
    assert session.row["input_tokens"] == 10681 + 1000 and session.row["tool_call_count"] == 1


def test_split_tokens_follows_ccusage() -> None:
    # `total` counts `cached` inside `input`: it is taken out
    inclusive = {"input": 900, "output": 60, "cached": 800, "thoughts": 20, "total": 980}
    assert split_tokens(inclusive) == (100, 800, 60, 20)
    # `total` counts it on top (exclusive): `input` is already without it
    exclusive = {"input": 100, "output": 60, "cached": 800, "total": 960}
    assert split_tokens(exclusive) == (100, 800, 60, 0)
    assert split_tokens({"input": 10, "tool": 5, "output": 1, "total": 16}) == (15, 0, 1, 0)
    assert split_tokens({"total": 654}) == (0, 0, 654, 0)  # only a total: output
    assert split_tokens({"input": "x", "output": -3, "cached": True}) == (0, 0, 0, 0)


def test_bad_files_are_reported_not_fatal(stint_home: Path, tmp_path: Path) -> None:
    chats = tmp_path / "tmp" / "p" / "chats"
    chats.mkdir(parents=True)
    (chats / "session-broken.json").write_text("{not json")
    (chats / "session-lines.jsonl").write_text('[1]\n{"neither": 1}\nnot json\n')
    done = run_stint("import", "gemini-cli", str(tmp_path / "tmp"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Skipped 4 bad lines" in done.stdout
    done = run_stint("import", "gemini-cli", str(tmp_path / "missing"))
    assert done.returncode != 0 and "Traceback" not in done.stderr


def test_the_default_root_is_gemini_data_dir(
    stint_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = run_stint(
        "import", "gemini-cli", "--json", env={"GEMINI_DATA_DIR": str(CONSTRUCTED / "tmp")}
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["files_read"] == 2 and summary["sessions_created"] == 1
