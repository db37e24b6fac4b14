"""`stint hooks install|uninstall|status claude-code`: a settings file merged without
disturbing what is not stint's, a backup, atomic and idempotent writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_stint
from stint.capture import install as inst

ORIGINAL = {
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "model": "opus",
    "permissions": {"allow": ["Bash(git *)"], "deny": []},
    "env": {"GREETING": "grüß dich ✓"},
    "hooks": {
        "PostToolUse": [
            {
                "matcher": "Edit|Write",
                "hooks": [{"type": "command", "command": "prettier --write", "timeout": 30}],
            }
        ],
        "Stop": [{"hooks": [{"type": "http", "url": "http://127.0.0.1:9/hook"}]}],
    },
    "statusLine": {"type": "command", "command": "my-status"},
    "zz_last": [1, 2.5, None, True],
}


@pytest.fixture
def claude_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "claude-config"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    return config


@pytest.mark.parametrize("indent", [2, 4])
def test_round_trip_keeps_unrelated_keys_byte_for_byte(claude_dir: Path, indent: int) -> None:
    path = claude_dir / "settings.json"
    path.parent.mkdir(parents=True)
    original = json.dumps(ORIGINAL, indent=indent, ensure_ascii=False) + "\n"
    path.write_text(original, encoding="utf-8")

    done = run_stint("hooks", "install", "claude-code", "--json")
    assert done.returncode == 0, done.stderr
    change = json.loads(done.stdout)
    assert change["changed"] and change["added"] == list(inst.EVENTS)
    assert Path(change["backup"]).read_text(encoding="utf-8") == original
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == list(ORIGINAL)  # key order kept
    for key in ORIGINAL:
        if key != "hooks":
            assert json.dumps(data[key]) == json.dumps(ORIGINAL[key])
    assert data["hooks"]["PostToolUse"][0] == ORIGINAL["hooks"]["PostToolUse"][0]
    assert data["hooks"]["Stop"][0] == ORIGINAL["hooks"]["Stop"][0]
    ours = data["hooks"]["PostToolUse"][1]["hooks"][0]
    assert ours["async"] is True and ours["command"] == inst.hook_command()
    assert "async" not in data["hooks"]["SessionEnd"][0]["hooks"][0]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith(" " * indent + '"') and not lines[1].startswith(" " * (indent + 1))

    again = json.loads(run_stint("hooks", "install", "claude-code", "--json").stdout)
    assert not again["changed"] and again["backup"] is None
    assert len(data["hooks"]["Stop"]) == len(json.loads(path.read_text())["hooks"]["Stop"])

    removed = json.loads(run_stint("hooks", "uninstall", "claude-code", "--json").stdout)
    assert removed["changed"] and sorted(removed["removed"]) == sorted(inst.EVENTS)
    assert path.read_text(encoding="utf-8") == original


def test_statusline_is_not_clobbered_without_force(claude_dir: Path) -> None:
    path = claude_dir / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(ORIGINAL, indent=2) + "\n")
    done = run_stint("hooks", "install", "claude-code", "--statusline")
    assert "kept it" in done.stdout
    assert json.loads(path.read_text())["statusLine"]["command"] == "my-status"
    run_stint("hooks", "install", "claude-code", "--statusline", "--force")
    assert json.loads(path.read_text())["statusLine"]["command"] == inst.statusline_command()
    run_stint("hooks", "uninstall", "claude-code")
    assert "statusLine" not in json.loads(path.read_text())


def test_project_and_local_scopes_live_at_the_repository_root(repo: Path) -> None:
    sub = repo / "src"
    sub.mkdir()
    done = run_stint("hooks", "install", "claude-code", "--scope", "local", cwd=sub)
    assert done.returncode == 0, done.stderr
    assert (repo / ".claude" / "settings.local.json").exists()
    status = json.loads(run_stint("hooks", "status", "claude-code", "--json", cwd=sub).stdout)
    assert status["scopes"]["local"]["events"] == list(inst.EVENTS)
    assert status["scopes"]["project"]["events"] == []


def test_status_reports_installation_and_the_last_event(claude_dir: Path) -> None:
    status = json.loads(run_stint("hooks", "status", "claude-code", "--json").stdout)
    assert status["scopes"]["user"]["events"] == [] and status["last_received_at"] is None
    run_stint("hooks", "install", "claude-code")
    record = {"session_id": "s", "hook_event_name": "UserPromptSubmit", "prompt": "hi"}
    run_stint("hook", "claude-code", input=json.dumps(record))
    status = json.loads(run_stint("hooks", "status", "claude-code", "--json").stdout)
    assert status["scopes"]["user"]["events"] == list(inst.EVENTS)
    assert status["pending"] == 1 and status["last_received_at"]
    run_stint("drain")
    text = run_stint("hooks", "status", "claude-code").stdout
    assert "installed (15 events)" in text and "pending: 0" in text and "none yet" not in text
    assert "run `stint hooks install` again" not in text
    path = claude_dir / "settings.json"
    escaped = json.dumps(inst.hook_command())[1:-1]  # as it is written in the file
    path.write_text(path.read_text().replace(escaped, "/old/venv/bin/stint hook claude-code"))
    text = run_stint("hooks", "status", "claude-code").stdout
    assert "run `stint hooks install` again" in text
    updated = json.loads(run_stint("hooks", "install", "claude-code", "--json").stdout)
    assert updated["updated"] == list(inst.EVENTS) and not updated["added"]
    assert inst.installed(path)["stale"] is False


def test_a_broken_settings_file_is_left_alone(claude_dir: Path) -> None:
    path = claude_dir / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text("{ not json")
    done = run_stint("hooks", "install", "claude-code")
    assert done.returncode == 1 and "not valid JSON" in done.stderr
    assert path.read_text() == "{ not json"


def test_a_missing_project_directory_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-project"
    done = run_stint(
        "hooks", "install", "claude-code", "--scope", "project", "--project-dir", str(missing)
    )
    assert done.returncode == 2 and "does not exist" in done.stderr
    assert not missing.exists()


def test_the_installed_command_runs_the_hook(claude_dir: Path, stint_home: Path) -> None:
    import subprocess

    command = inst.hook_command()
    record = {"session_id": "s", "hook_event_name": "Stop"}
    done = subprocess.run(
        ["sh", "-c", command],
        input=json.dumps(record),
        capture_output=True,
        text=True,
        env={"STINT_HOME": str(stint_home), "STINT_NO_BACKGROUND_DRAIN": "1", "PATH": "/usr/bin"},
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (stint_home / "spool.db").exists()


HAND_WRITTEN = """{
    "model":"opus",  "permissions" : {"allow":["Bash(git *)"]},
  "env": {"A": "\\u00fc", "N": 1.50},
  "hooks": {"Stop": [{"hooks": [{"type": "http", "url": "http://127.0.0.1:9/hook"}]}]},
    "zz": [1e3, true]
}
"""


def test_a_hand_written_file_changes_only_where_stint_writes(claude_dir: Path) -> None:
    path = claude_dir / "settings.json"
    path.parent.mkdir(parents=True)
    path.write_text(HAND_WRITTEN)
    assert run_stint("hooks", "install", "claude-code", "--statusline").returncode == 0
    text = path.read_text()
    head = HAND_WRITTEN[: HAND_WRITTEN.index('"hooks": ') + len('"hooks": ')]
    assert text.startswith(head)  # everything before the hooks value, byte for byte
    assert '    "zz": [1e3, true]' in text and '"N": 1.50' in text and "\\u00fc" in text
    data = json.loads(text)
    assert data["hooks"]["Stop"][0]["hooks"][0]["type"] == "http"
    assert len(data["hooks"]["Stop"]) == 2 and data["statusLine"]["command"]
    assert run_stint("hooks", "uninstall", "claude-code").returncode == 0
    back = path.read_text()
    assert back.startswith(head) and back.endswith('},\n    "zz": [1e3, true]\n}\n')
    assert json.loads(back) == json.loads(HAND_WRITTEN)


def test_a_file_without_hooks_comes_back_exactly(claude_dir: Path) -> None:
    path = claude_dir / "settings.json"
    path.parent.mkdir(parents=True)
    for original in ('{"model": "opus"}', "{}\n", '{\n\t"model": "opus",\n\t"x": {"y": 1}\n}\n'):
        path.write_text(original)
        run_stint("hooks", "install", "claude-code", "--statusline")
        assert json.loads(path.read_text())["hooks"]
        run_stint("hooks", "uninstall", "claude-code")
        assert path.read_text() == original
