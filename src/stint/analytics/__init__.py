"""Statistics, grouping, compare, cohorts and export: `stint.analytics.service` holds the
calls (reached through this package on first use, so that importing a light module of
it, such as `stint.analytics.calls`, does not load the analytics queries). The names of
the submodules `stats`, `compare` and `export` are theirs: call the functions on
`stint.analytics.service`."""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    # importlib, not `from stint.analytics import service`: that asks this very hook.
    service = importlib.import_module("stint.analytics.service")
    try:
        return getattr(service, name)
    except AttributeError:
        raise AttributeError(f"module 'stint.analytics' has no attribute {name!r}") from None
