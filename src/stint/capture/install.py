"""Register stint's hook (and optionally its status line) in a Claude Code settings file,
or its hook in a Gemini CLI one (`~/.gemini/settings.json`, `.gemini/settings.json`: the
same `hooks` → event → matcher groups shape, a timeout in milliseconds, no `async`).

The file is someone's configuration: only the `hooks` and `statusLine` members are
re-written (in the file's own indentation); every other member keeps its bytes
(`stint.capture.jsonedit`). The previous file is kept as a timestamped backup, the new
one replaces it atomically, and installing twice changes nothing.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stint.capture import jsonedit
from stint.capture.mcp_install import write_atomic

SCOPES = ("user", "project", "local")
# Every event the drain maps (see stint.capture.claude_hooks).
EVENTS = (
    "SessionStart",
    "UserPromptSubmit",
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "Notification",
    "SubagentStart",
    "SubagentStop",
    "TaskCreated",
    "TaskCompleted",
    "PreCompact",
    "PostCompact",
    "Stop",
    "StopFailure",
    "SessionEnd",
)
# Async hooks may be killed when Claude Code exits; the SessionEnd hook is synchronous
# (a few tens of milliseconds, well inside the 1.5 s SessionEnd budget) so the end lands.
SYNC_EVENTS = ("SessionEnd",)
TIMEOUT_SECONDS = 10
_MARKERS = (
    "stint.capture.fastpath",
    "stint hook claude-code",
    "stint hook gemini-cli",
    "stint statusline",
)
# Every Gemini CLI event the drain maps (stint.capture.gemini_hooks). Gemini CLI waits for
# each hook (there is no async), so the per-request BeforeModel / AfterModel (per streamed
# chunk) / BeforeToolSelection are left out: the recording has their tokens.
GEMINI_EVENTS = (
    "SessionStart",
    "BeforeAgent",
    "BeforeTool",
    "AfterTool",
    "AfterAgent",
    "Notification",
    "PreCompress",
    "SessionEnd",
)
GEMINI_SCOPES = ("user", "project")


def events_of(agent: str) -> tuple[str, ...]:
    return GEMINI_EVENTS if agent == "gemini-cli" else EVENTS


class InstallError(Exception):
    """The settings file cannot be read as a JSON object."""


@dataclass
class Change:
    path: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    statusline: str | None = None  # "installed", "removed", "kept existing", "updated"
    backup: Path | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed) or self.statusline in (
            "installed",
            "updated",
            "removed",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "changed": self.changed,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "statusline": self.statusline,
            "backup": str(self.backup) if self.backup else None,
        }


def launcher(*args: str) -> str:
    """The fastest way to run the fast path: this interpreter with `-c` (a console script
    pays for `re` and its wrapper; see benchmarks/hook_latency.py)."""
    call = f"from stint.capture.fastpath import main; main({json.dumps(list(args))})"
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(call)}"


def hook_command(agent: str = "claude-code") -> str:
    return launcher("hook", agent)


def statusline_command() -> str:
    return launcher("statusline")


def project_root(start: Path) -> Path:
    """The git work tree holding `start` (Claude Code keeps project settings there), else
    `start` itself."""
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=start,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return start
    top = found.stdout.strip()
    return Path(top) if found.returncode == 0 and top else start


def settings_path(scope: str, project_dir: Path | None = None, agent: str = "claude-code") -> Path:
    if agent == "gemini-cli":
        if scope not in GEMINI_SCOPES:
            raise InstallError("Gemini CLI has user and project settings only (no local scope)")
        if scope == "user":
            return Path.home() / ".gemini" / "settings.json"
        return project_root(project_dir or Path.cwd()) / ".gemini" / "settings.json"
    if scope == "user":
        base = os.environ.get("CLAUDE_CONFIG_DIR")
        return (Path(base).expanduser() if base else Path.home() / ".claude") / "settings.json"
    root = project_root(project_dir or Path.cwd())
    name = "settings.json" if scope == "project" else "settings.local.json"
    return root / ".claude" / name


def is_ours(handler: Any) -> bool:
    command = handler.get("command") if isinstance(handler, dict) else None
    return isinstance(command, str) and any(marker in command for marker in _MARKERS)


def _handlers(groups: list[Any]) -> list[Any]:
    """Every handler of an event's matcher groups."""
    return [h for g in groups if isinstance(g, dict) for h in g.get("hooks") or []]


def _handler(event: str, command: str, agent: str = "claude-code") -> dict[str, Any]:
    if agent == "gemini-cli":  # milliseconds; a name shows in Gemini CLI's hook list
        return {"type": "command", "command": command, "name": "stint", "timeout": 10_000}
    handler: dict[str, Any] = {"type": "command", "command": command}
    if event not in SYNC_EVENTS:
        handler["async"] = True
    handler["timeout"] = TIMEOUT_SECONDS
    return handler


def _read(path: Path) -> tuple[str | None, dict[str, Any]]:
    if not path.exists():
        return None, {}
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        return text, {}
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InstallError(f"{path} is not valid JSON ({exc}); fix it first") from None
    if not isinstance(data, dict):
        raise InstallError(f"{path} does not hold a JSON object")
    return text, data


def _write(path: Path, original: str | None, text: str, change: Change) -> None:
    if original is not None:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        change.backup = path.with_name(f"{path.name}.bak-{stamp}")
        change.backup.write_text(original, encoding="utf-8")
    write_atomic(path, text)


def install(
    path: Path,
    *,
    command: str,
    statusline: str | None = None,
    force: bool = False,
    agent: str = "claude-code",
) -> Change:
    """Add stint's handler to every event of `agent` (or update its command); with
    `statusline`, set Claude Code's status line too, replacing another one only with
    `force`."""
    original, data = _read(path)
    change = Change(path)
    hooks = data.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise InstallError(f'{path}: "hooks" is not an object')
    for event in events_of(agent):
        groups = hooks.setdefault(event, [])
        if not isinstance(groups, list):
            raise InstallError(f"{path}: hooks.{event} is not a list")
        mine = [
            h for g in groups if isinstance(g, dict) for h in g.get("hooks") or [] if is_ours(h)
        ]
        if not mine:
            groups.append({"hooks": [_handler(event, command, agent)]})
            change.added.append(event)
        elif any(h.get("command") != command for h in mine):
            for handler in mine:
                handler["command"] = command
            change.updated.append(event)
    text = original if original and original.strip() else "{}\n"
    if change.added or change.updated:
        text = jsonedit.set_member(text, "hooks", hooks)
    if statusline is not None:
        current = data.get("statusLine")
        if current is None or force or is_ours(current):
            wanted = {"type": "command", "command": statusline, "padding": 0}
            if current != wanted:
                change.statusline = "updated" if current is not None else "installed"
                text = jsonedit.set_member(text, "statusLine", wanted)
        else:
            change.statusline = "kept existing"
    if change.changed:
        _write(path, original, text, change)
    return change


def uninstall(path: Path) -> Change:
    """Remove stint's handlers (and its status line); groups and events left empty go."""
    original, data = _read(path)
    change = Change(path)
    hooks = data.get("hooks")
    if isinstance(hooks, dict):
        for event in list(hooks):
            groups = hooks[event]
            if not isinstance(groups, list):
                continue
            kept = []
            for group in groups:
                handlers = group.get("hooks") if isinstance(group, dict) else None
                if isinstance(handlers, list) and any(is_ours(h) for h in handlers):
                    change.removed.append(event)
                    group["hooks"] = [h for h in handlers if not is_ours(h)]
                    if not group["hooks"]:
                        continue
                kept.append(group)
            if kept:
                hooks[event] = kept
            else:
                del hooks[event]
    text = original or ""
    if change.removed:
        text = (
            jsonedit.set_member(text, "hooks", hooks)
            if hooks
            else jsonedit.remove_member(text, "hooks")
        )
    if is_ours(data.get("statusLine")):
        text = jsonedit.remove_member(text, "statusLine")
        change.statusline = "removed"
    if change.changed:
        _write(path, original, text, change)
    return change


def installed(path: Path, agent: str = "claude-code") -> dict[str, Any]:
    """Which events call stint in this file, whether the status line is stint's, and
    whether any of its commands is stale (another interpreter: a moved environment)."""
    try:
        _, data = _read(path)
    except (InstallError, OSError) as exc:
        return {"path": str(path), "exists": path.exists(), "error": str(exc), "events": []}
    hooks = data.get("hooks")
    found = hooks.items() if isinstance(hooks, dict) else ()
    ours = {
        event: [h for h in _handlers(groups) if is_ours(h)]
        for event, groups in found
        if isinstance(groups, list)
    }
    events = [event for event, handlers in ours.items() if handlers]
    commands = {h.get("command") for handlers in ours.values() for h in handlers}
    return {
        "path": str(path),
        "exists": path.exists(),
        "events": events,
        "missing": [e for e in events_of(agent) if e not in events],
        "statusline": is_ours(data.get("statusLine")),
        "stale": bool(commands - {hook_command(agent)}),
    }
