"""stint's plugin interface, on pluggy (the library pytest, tox and Datasette use).

A plugin is a module (or object) with functions marked `@stint.plugins.hookimpl`, named
after the hook specifications in `stint.plugins.specs`, and published under the
`stint.plugins` entry-point group. This package is the lowest layer: every layer may
import it, and it imports nothing of stint (docs/plugins.md describes each hook).
"""

from __future__ import annotations

import pluggy

PROJECT = "stint"
ENTRY_POINT_GROUP = "stint.plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["ENTRY_POINT_GROUP", "PROJECT", "hookimpl", "hookspec"]
