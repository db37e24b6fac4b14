"""`stint mcp install CLIENT`: write the stint server entry into an MCP client's config.

Atomic (write a temporary file, then rename), idempotent (an entry that is already right
is left alone) and safe (the previous file is kept as `<name>.bak` before any change).

* claude-code: `~/.claude.json`, key `mcpServers.stint` (user scope, as
  `claude mcp add --scope user` writes it).
* claude-desktop: `claude_desktop_config.json` in the app's config directory, key
  `mcpServers.stint`.
* codex: `~/.codex/config.toml`, table `[mcp_servers.stint]` (`CODEX_HOME` moves it).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stint.model.types import StintError

CLIENTS = ("claude-code", "codex", "claude-desktop")
SERVER_NAME = "stint"


@dataclass(frozen=True)
class InstallResult:
    client: str
    path: Path
    changed: bool
    backup: Path | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "path": str(self.path),
            "changed": self.changed,
            "backup": str(self.backup) if self.backup else None,
        }


def server_command() -> list[str]:
    """How the client should launch the server: this installation's `stint mcp`."""
    found = shutil.which("stint")
    here = Path(sys.executable).parent / "stint"
    command = str(here) if here.exists() else (found or "stint")
    return [command, "mcp"]


def config_path(client: str, home: Path | None = None) -> Path:
    home = home or Path.home()
    if client == "claude-code":
        return home / ".claude.json"
    if client == "codex":
        codex_home = os.environ.get("CODEX_HOME")
        return (Path(codex_home) if codex_home else home / ".codex") / "config.toml"
    if client == "claude-desktop":
        if sys.platform == "darwin":
            base = home / "Library" / "Application Support"
        elif sys.platform == "win32":
            base = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
        else:
            base = Path(os.environ.get("XDG_CONFIG_HOME", home / ".config"))
        return base / "Claude" / "claude_desktop_config.json"
    raise StintError(f"unknown MCP client {client!r}; choose one of {', '.join(CLIENTS)}")


def json_entry(command: list[str], client: str = "claude-code") -> dict[str, Any]:
    """The `mcpServers` entry Claude Code (with `type`, as `claude mcp add` writes it)
    and Claude Desktop read."""
    entry: dict[str, Any] = {"command": command[0], "args": command[1:], "env": {}}
    return {"type": "stdio", **entry} if client == "claude-code" else entry


def toml_entry(command: list[str]) -> str:
    """The Codex `[mcp_servers.stint]` table."""
    args = ", ".join(json.dumps(arg) for arg in command[1:])
    return f"[mcp_servers.{SERVER_NAME}]\ncommand = {json.dumps(command[0])}\nargs = [{args}]\n"


def install(
    client: str, home: Path | None = None, command: list[str] | None = None
) -> InstallResult:
    """Add or update the stint entry in `client`'s config."""
    path = config_path(client, home)
    command = command or server_command()
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if client == "codex":
        new = _merge_toml(old or "", toml_entry(command))
    else:
        new = _merge_json(old, path, json_entry(command, client))
    if old is not None and new == old:
        return InstallResult(client, path, False, None)
    backup = None
    if old is not None:
        backup = path.with_name(path.name + ".bak")
        shutil.copy2(path, backup)
    write_atomic(path, new)
    return InstallResult(client, path, True, backup)


def _merge_json(old: str | None, path: Path, entry: dict[str, Any]) -> str:
    try:
        data = json.loads(old) if old and old.strip() else {}
    except json.JSONDecodeError as exc:
        raise StintError(f"{path} is not valid JSON ({exc}); fix it or move it away") from None
    if not isinstance(data, dict):
        raise StintError(f"{path} does not hold a JSON object")
    servers = data.setdefault("mcpServers", {})
    if not isinstance(servers, dict):
        raise StintError(f"{path}: mcpServers is not an object")
    if servers.get(SERVER_NAME) == entry and old is not None:
        return old
    servers[SERVER_NAME] = entry
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _merge_toml(old: str, table: str) -> str:
    """Replace the `[mcp_servers.stint]` table (up to the next table header) or append it.
    Line-based so the rest of the user's file, comments included, stays as it was."""
    header = f"[mcp_servers.{SERVER_NAME}]"
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        prefix = old if not old or old.endswith("\n") else old + "\n"
        return prefix + ("\n" if prefix.strip() else "") + table
    end = start + 1
    while end < len(lines):
        stripped = lines[end].strip()
        if stripped.startswith("[") and not stripped.startswith(f"[mcp_servers.{SERVER_NAME}."):
            break
        end += 1
    # Keep blank lines that separated the table from the next one.
    tail_blank = ""
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
        tail_blank += "\n"
    return "".join(lines[:start]) + table + tail_blank + "".join(lines[end:])


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` all at once (temp file, fsync, rename), keeping its mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
