"""The hook specifications: what a plugin may add to stint.

Every hook returns a list (or None): pluggy gathers one result per plugin, and the
manager flattens them. Objects are duck-typed (see docs/plugins.md for the attributes
each needs), so a plugin depends on stint only for `hookimpl`.
"""

from __future__ import annotations

from typing import Any

from stint.plugins import hookspec


@hookspec
def register_importers() -> list[Any] | None:
    """Capture sources that read an agent's local files. Each importer has `name` (the
    `stint import NAME` command), `agent` (the agent name stored on sessions), `help`,
    optional `aliases`, and `import_paths(sessions, paths, progress)` returning the
    `stint.capture.importer.ImportSummary` of what it stored (paths: files or directories,
    or None for the agent's default location)."""


@hookspec
def register_hook_mappers() -> list[Any] | None:
    """Hook mappers: turn one record an agent's hook sent (`stint hook NAME`, spooled
    JSON) into stint events. Each has `name` (the command-line name), `agent` (the stored
    name), `map_record(hook, received_at, policy)` returning a
    `stint.capture.claude_hooks.Mapped`, optional `import_transcript(sessions, path)` for
    the transcript a hook names, and optional `installer` (a module with `settings_path`,
    `install`, `uninstall`, `installed`, `hook_command`, `statusline_command`, `SCOPES`,
    `InstallError`) for `stint hooks install NAME`."""


@hookspec
def register_session_kinds() -> list[Any] | None:
    """Session kinds (`stint.goals.kinds.Kind` objects): what a session is, its state
    schema and the counters that matter for it."""


@hookspec
def register_scorers() -> list[Any] | None:
    """Scorers: each has `name` and `score(session: dict) -> float | None`, an extra figure
    for a session (`stint score REF` runs them)."""


@hookspec
def register_goal_evaluators() -> list[Any] | None:
    """Goal evaluators: each has `name` and `evaluate(goal: str, evidence: dict) -> dict`
    (with at least `achieved: bool | None` and `reason: str`), judging whether a
    session's goal was met (`stint score REF` shows their verdicts)."""


@hookspec
def register_exporters() -> list[Any] | None:
    """Export formats for `stint export --format NAME`: each has `name` and
    `write(table: str, rows: Iterator[dict], stream) -> int` (called once per table, the
    rows streamed; returns how many it wrote)."""


@hookspec
def register_commands(cli: Any) -> None:
    """Add commands to the `stint` command line: `cli` is its Click group; decorate
    functions with `@cli.command()` (as llm's plugins do). Loaded only when the command
    asked for is not one of stint's own, or for `stint --help`."""
