"""Claude Code, Codex and Gemini CLI, registered through the same plugin hooks a third-party agent
uses (`stint.plugins.specs`): `stint import claude-code|codex`, the drain's hook mapper and
`stint hooks install claude-code|gemini-cli` all find them through the plugin manager.

The parsers and the hook mapping are imported when they run, not when this module is
registered, so listing the agents (`stint --help`, `stint plugins`) loads no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from stint.plugins import hookimpl

TYPE_CHECKING = False
if TYPE_CHECKING:  # the store's modules load with an import, not with `stint --help`
    from stint.capture.importer import ImportSummary
    from stint.sessions.service import Sessions


@dataclass(frozen=True)
class TranscriptImporter:
    """An importer whose parser lives in `module` (`import_paths(sessions, roots, progress)`)."""

    name: str
    agent: str
    help: str
    module: str
    aliases: tuple[str, ...] = field(default=())

    def import_paths(
        self, sessions: Sessions, paths: Iterable[Path] | None, progress: Any = None
    ) -> ImportSummary:
        from importlib import import_module  # deferred: the parser only for an import

        summary: ImportSummary = import_module(self.module).import_paths(sessions, paths, progress)
        return summary


CLAUDE_CODE = TranscriptImporter(
    name="claude-code",
    agent="claude_code",
    help="Claude Code transcripts. PATH: files or directories (default: each entry of "
    "$CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude; their projects/**/*.jsonl).",
    module="stint.capture.claude_code",
    aliases=("claude_code",),
)
CODEX = TranscriptImporter(
    name="codex",
    agent="codex",
    help="Codex CLI rollouts. PATH: files or directories (default: $CODEX_HOME, else "
    "~/.codex: sessions/**/rollout-*.jsonl and archived_sessions/).",
    module="stint.capture.codex",
)
GEMINI_CLI = TranscriptImporter(
    name="gemini-cli",
    agent="gemini_cli",
    help="Gemini CLI chat recordings. PATH: files or directories (default: $GEMINI_DATA_DIR, "
    "else ~/.gemini/tmp: */chats/*.jsonl, older *.json, subagents' chats/<id>/*.jsonl).",
    module="stint.capture.gemini",
    aliases=("gemini_cli",),
)


class ClaudeHookMapper:
    """Claude Code's hook JSON (`stint hook claude-code`) → events."""

    name = "claude-code"
    agent = "claude_code"  # stint.capture.claude_hooks.AGENT

    def map_record(self, hook: dict[str, Any], received_at: float, policy: str) -> Any:
        from stint.capture import claude_hooks  # deferred: loaded by a drain with records

        return claude_hooks.map_record(hook, received_at, policy)

    def import_transcript(self, sessions: Sessions, path: Path) -> None:
        from stint.capture.claude_code import import_file  # deferred: only when a hook names one

        import_file(sessions, path)

    @property
    def installer(self) -> ModuleType:
        from stint.capture import install  # deferred: only the hooks commands edit settings

        return install


class GeminiHookMapper:
    """Gemini CLI's hook JSON (`stint hook gemini-cli`) → events; its installer is the same
    settings editor as Claude Code's, told which agent it edits for."""

    name = "gemini-cli"
    agent = "gemini_cli"  # stint.capture.gemini_hooks.AGENT

    def map_record(self, hook: dict[str, Any], received_at: float, policy: str) -> Any:
        from stint.capture import gemini_hooks  # deferred: loaded by a drain with records

        return gemini_hooks.map_record(hook, received_at, policy)

    def import_transcript(self, sessions: Sessions, path: Path) -> None:
        from stint.capture.gemini import import_file  # deferred: only when a hook names one

        import_file(sessions, path)

    @property
    def installer(self) -> ModuleType:
        from stint.capture import install  # deferred: only the hooks commands edit settings

        return install


@hookimpl
def register_importers() -> list[Any]:
    return [CLAUDE_CODE, CODEX, GEMINI_CLI]


@hookimpl
def register_hook_mappers() -> list[Any]:
    return [ClaudeHookMapper(), GeminiHookMapper()]
