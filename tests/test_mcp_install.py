"""`stint mcp install`: config entries for Claude Code, Codex and Claude Desktop; plus the
small pure pieces of the MCP server (agent names, roots, hints)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_stint
from stint.capture.mcp_install import config_path, install
from stint.mcp.connection import agent_name, root_path
from stint.model.types import StintError

COMMAND = ["/opt/stint/bin/stint", "mcp"]


def test_claude_code_entry_is_merged_idempotent_and_backed_up(tmp_path: Path) -> None:
    config = tmp_path / ".claude.json"
    config.write_text(json.dumps({"theme": "dark", "mcpServers": {"other": {"command": "x"}}}))

    first = install("claude-code", home=tmp_path, command=COMMAND)
    assert first.changed and first.path == config
    data = json.loads(config.read_text())
    assert data["theme"] == "dark"
    assert data["mcpServers"]["other"] == {"command": "x"}
    assert data["mcpServers"]["stint"] == {
        "type": "stdio",
        "command": "/opt/stint/bin/stint",
        "args": ["mcp"],
        "env": {},
    }
    assert first.backup is not None
    assert json.loads(first.backup.read_text())["mcpServers"] == {"other": {"command": "x"}}

    before = config.read_text()
    second = install("claude-code", home=tmp_path, command=COMMAND)
    assert not second.changed
    assert config.read_text() == before
    # Only the config and its backup: no temporary files left behind.
    assert sorted(p.name for p in tmp_path.glob("*claude*")) == [".claude.json", ".claude.json.bak"]


def test_claude_desktop_creates_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    result = install("claude-desktop", home=tmp_path, command=COMMAND)
    assert result.changed and result.backup is None
    assert result.path.name == "claude_desktop_config.json"
    assert result.path.parent.name == "Claude"
    entry = json.loads(result.path.read_text())["mcpServers"]["stint"]
    assert entry == {"command": "/opt/stint/bin/stint", "args": ["mcp"], "env": {}}


def test_codex_table_is_appended_then_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CODEX_HOME", raising=False)
    config = tmp_path / ".codex" / "config.toml"
    config.parent.mkdir()
    config.write_text('model = "o3"  # keep me\n\n[mcp_servers.docs]\ncommand = "docs"\n')

    install("codex", home=tmp_path, command=COMMAND)
    text = config.read_text()
    assert text.startswith('model = "o3"  # keep me\n')
    assert '[mcp_servers.docs]\ncommand = "docs"\n' in text
    assert '[mcp_servers.stint]\ncommand = "/opt/stint/bin/stint"\nargs = ["mcp"]\n' in text

    moved = install("codex", home=tmp_path, command=["/new/stint", "mcp"])
    assert moved.changed
    text = config.read_text()
    assert text.count("[mcp_servers.stint]") == 1
    assert 'command = "/new/stint"' in text and "/opt/stint" not in text
    assert '[mcp_servers.docs]\ncommand = "docs"\n' in text
    assert not install("codex", home=tmp_path, command=["/new/stint", "mcp"]).changed


def test_broken_json_is_refused_and_left_alone(tmp_path: Path) -> None:
    config = tmp_path / ".claude.json"
    config.write_text("{not json")
    with pytest.raises(StintError, match="not valid JSON"):
        install("claude-code", home=tmp_path, command=COMMAND)
    assert config.read_text() == "{not json"


def test_cli_install_writes_the_real_command(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = run_stint("mcp", "install", "claude-code", "--json", env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    reported = json.loads(result.stdout)
    assert reported["changed"] is True
    entry = json.loads((home / ".claude.json").read_text())["mcpServers"]["stint"]
    assert os.path.basename(entry["command"]) == "stint" and entry["args"] == ["mcp"]
    again = run_stint("mcp", "install", "claude-code", env={"HOME": str(home)})
    assert "nothing changed" in again.stdout


def test_unknown_client_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StintError, match="unknown MCP client"):
        config_path("vim", tmp_path)


@pytest.mark.parametrize(
    ("client", "agent"),
    [
        ("claude-code", "claude_code"),
        ("Claude-Code", "claude_code"),
        ("codex-mcp-client", "codex"),
        ("gemini-cli-mcp-client", "gemini_cli"),
        ("claude-ai", "claude_desktop"),
        ("My Editor 2", "my_editor_2"),
        ("", "mcp"),
        (None, "mcp"),
    ],
)
def test_agent_names_are_normalised(client: str | None, agent: str) -> None:
    assert agent_name(client) == agent


def test_root_path_takes_existing_local_directories_only(tmp_path: Path) -> None:
    spaced = tmp_path / "with space"
    spaced.mkdir()
    assert root_path(spaced.as_uri()) == str(spaced)
    assert root_path((tmp_path / "missing").as_uri()) is None
    assert root_path("https://example.com/repo") is None
