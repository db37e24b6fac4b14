"""The plugin manager: built-ins and the `stint.plugins` entry points, loaded once per
process and only when a command asks for what plugins provide (never on the hook path or
a read command: scanning installed distributions costs milliseconds).

A plugin that fails to import, or whose hook raises, is reported in one line on stderr
and left out; stint carries on with the others. pluggy's own
`load_setuptools_entrypoints` stops at the first failure, so entry points are loaded
here one by one.
"""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy

from stint.plugins import ENTRY_POINT_GROUP, PROJECT, specs


@dataclass
class PluginInfo:
    """One plugin as `stint plugins` shows it."""

    name: str
    version: str | None
    builtin: bool
    hooks: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "builtin": self.builtin,
            "hooks": self.hooks,
            "error": self.error,
        }


def report(message: str) -> None:
    """One line on stderr: a plugin's failure never becomes stint's traceback."""
    print(f"stint: {message}", file=sys.stderr)


class Plugins:
    """pluggy's PluginManager with what stint needs around it: where each plugin came
    from, the ones that failed, and hooks called one plugin at a time."""

    def __init__(self, builtins: Iterable[ModuleType], version: str | None) -> None:
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(specs)
        self.info: dict[str, PluginInfo] = {}
        for module in builtins:
            self.pm.register(module, name=module.__name__)
            self.info[module.__name__] = PluginInfo(module.__name__, version, builtin=True)
        self._load_entry_points()
        for name, info in self.info.items():
            plugin = self.pm.get_plugin(name)
            if plugin is not None:
                info.hooks = sorted(c.name for c in self.pm.get_hookcallers(plugin) or [])

    def _load_entry_points(self) -> None:
        for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if entry.name in self.info:  # the same distribution seen twice on sys.path
                continue
            dist = getattr(entry, "dist", None)
            version = dist.version if dist is not None else None
            info = PluginInfo(entry.name, version, builtin=False)
            self.info[entry.name] = info
            try:
                self.pm.register(entry.load(), name=entry.name)
            except Exception as exc:  # a broken plugin must not stop stint
                info.error = f"{exc.__class__.__name__}: {exc}"
                report(f"plugin {entry.name!r} failed to load: {info.error}")

    def collect(self, hook_name: str, **kwargs: Any) -> list[Any]:
        """Every plugin's answer to `hook_name`, flattened (built-ins first, then plugins
        in the order they were found); a plugin whose hook raises is reported and skipped."""
        return [item for _, item in self.collect_by_plugin(hook_name, **kwargs)]

    def collect_by_plugin(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """`collect`, each item with the name of the plugin it came from."""
        caller = getattr(self.pm.hook, hook_name)
        found: list[tuple[str, Any]] = []
        # One at a time, in the order they were registered (pluggy's own call goes last
        # registered first, and one raising impl would abort the rest).
        for impl in caller.get_hookimpls():
            try:
                result = impl.function(**kwargs)
            except Exception as exc:
                message = f"{exc.__class__.__name__}: {exc}"
                report(f"plugin {impl.plugin_name!r} failed in {hook_name}: {message}")
                info = self.info.get(impl.plugin_name)
                if info is not None and info.error is None:
                    info.error = f"{hook_name}: {message}"
                continue
            if result:
                found.extend((impl.plugin_name, item) for item in result)
        return found

    def plugins(self) -> list[PluginInfo]:
        return list(self.info.values())


_loaded: Plugins | None = None


def get(builtins: Iterable[ModuleType], version: str | None = None) -> Plugins:
    """The process's plugins, loaded on first use (the built-ins passed then)."""
    global _loaded
    if _loaded is None:
        _loaded = Plugins(builtins, version)
    return _loaded


def reset() -> None:
    """Forget the loaded plugins (tests that install one in the running process)."""
    global _loaded
    _loaded = None
