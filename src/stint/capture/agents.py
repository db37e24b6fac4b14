"""Agents as the plugin manager knows them: the importers, hook mappers and exporters of
the built-ins (`stint.capture.builtin`) and of every installed plugin. Everything here
loads the plugins on first use, so only the commands that need an agent call it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stint.capture.fastpath import HOOK_AGENTS_FILE
from stint.model.types import StintError
from stint.plugins import manager


def plugins() -> manager.Plugins:
    from stint.capture import builtin

    return manager.get([builtin], _stint_version())


def _stint_version() -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version("stint-tracker")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        return None


def importers() -> dict[str, Any]:
    """Command name (and aliases) → importer; the first plugin to claim a name keeps it."""
    found: dict[str, Any] = {}
    for importer in plugins().collect("register_importers"):
        for name in (importer.name, *getattr(importer, "aliases", ())):
            found.setdefault(name, importer)
    return found


def _builtin(hook_name: str) -> list[Any]:
    """What the built-in plugin answers, without scanning the installed plugins: built-ins
    answer first and the first claim to a name wins, so for a built-in agent this is
    what the full lookup would give, at no cost."""
    from stint.capture import builtin

    result: list[Any] = getattr(builtin, hook_name)()
    return result


def find_importer(name: str) -> Any | None:
    """The importer for a command name or alias, or None."""
    for found_builtin in _builtin("register_importers"):
        if name in (found_builtin.name, *getattr(found_builtin, "aliases", ())):
            return found_builtin
    return importers().get(name)


def importer(name: str) -> Any:
    found_one = find_importer(name)
    if found_one is not None:
        return found_one
    found = importers()
    if name not in found:
        names = ", ".join(sorted({i.name for i in found.values()}))
        raise StintError(f"cannot import {name!r}: use one of {names}")
    return found[name]


def hook_mappers() -> dict[str, Any]:
    """Stored agent name → hook mapper."""
    found: dict[str, Any] = {}
    for mapper in plugins().collect("register_hook_mappers"):
        found.setdefault(mapper.agent, mapper)
    return found


def hook_mapper(agent: str) -> Any | None:
    """The hook mapper of a stored agent name (the drain's lookup), or None."""
    for mapper in _builtin("register_hook_mappers"):
        if mapper.agent == agent:
            return mapper
    return hook_mappers().get(agent)


def hook_mapper_named(name: str) -> Any:
    """The hook mapper for a command-line name (`stint hooks install NAME`)."""
    for mapper in hook_mappers().values():
        if name in (mapper.name, mapper.agent):
            return mapper
    raise StintError(f"no agent {name!r} takes hooks")


def remember_hook_agents(home: Path) -> None:
    """Write the agents' hook names for the fast path, which cannot load plugins (it must
    answer in milliseconds): `stint hook NAME` then spools a plugin agent's records."""
    lines = sorted(f"{m.name} {m.agent}\n" for m in hook_mappers().values())
    path = home / HOOK_AGENTS_FILE
    text = "".join(lines)
    try:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            home.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    except OSError:
        pass  # the hooks of a plugin agent are then refused, and logged, until next time


def collect(hook_name: str) -> list[Any]:
    return plugins().collect(hook_name)


def collect_commands(cli: Any) -> None:
    """Let every plugin add its commands to the Click group `cli` (`register_commands`)."""
    plugins().collect("register_commands", cli=cli)


def add_session_kinds() -> list[str]:
    """Register the plugins' session kinds (`register_session_kinds`) with
    `stint.goals.kinds`; a kind stint already has keeps its definition. Returns the names
    added."""
    from stint.goals import kinds

    known = {kind.name for kind in kinds.kinds()}
    added: list[str] = []
    for kind in collect("register_session_kinds"):
        if kind.name in known:
            continue
        kinds.register_kind(
            kind.name,
            description=kind.description,
            state_schema=kind.state_schema,
            required=kind.required,
            counters=kind.counters,
            extra_state=kind.extra_state,
        )
        known.add(kind.name)
        added.append(kind.name)
    return added
