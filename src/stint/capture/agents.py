"""The agents stint captures, in one table: how each one's hook records are mapped and
which importer reads its transcripts. The spool drain, `stint import` and the Tracker
look agents up here, so adding an agent (or moving them onto a plugin interface) is one
entry. The hook's fast path keeps its own name map (`stint.capture.fastpath.AGENTS`,
standard library only); a test checks the two agree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stint.capture import claude_hooks, gemini_hooks
from stint.capture.claude_hooks import Mapped


@dataclass(frozen=True)
class Agent:
    command: str  # the name on the command line: `stint hook claude-code`
    name: str  # the stored name: sessions, keys, spool rows
    # hook record → Mapped (None: the agent has no hooks)
    map_record: Callable[[dict[str, Any], float, str], Mapped] | None
    # the module whose `import_paths(tracker, roots, progress)` and
    # `import_file(tracker, path)` read its transcripts (imported only when used)
    importer: str

    def importer_module(self) -> Any:
        return importlib.import_module(self.importer)


AGENTS = (
    Agent("claude-code", claude_hooks.AGENT, claude_hooks.map_record, "stint.capture.claude_code"),
    Agent("codex", "codex", None, "stint.capture.codex"),
    Agent("gemini-cli", gemini_hooks.AGENT, gemini_hooks.map_record, "stint.capture.gemini"),
)
BY_NAME = {agent.name: agent for agent in AGENTS}
BY_COMMAND = {agent.command: agent for agent in AGENTS}
HOOK_AGENTS = tuple(agent for agent in AGENTS if agent.map_record is not None)


def find(name: str) -> Agent | None:
    """An agent by its command-line or stored name."""
    return BY_COMMAND.get(name) or BY_NAME.get(name)


def import_file(agent: str, tracker: Any, path: Path) -> dict[str, Any]:
    """One transcript file of `agent`, imported incrementally (after a hook named it)."""
    found = find(agent)
    if found is None:
        raise ValueError(f"unknown agent {agent!r}")
    result: dict[str, Any] = found.importer_module().import_file(tracker, path)
    return result
