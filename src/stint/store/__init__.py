"""Storage: one `Store` per database URL; SQL lives in this package and nowhere else.

`Store` (SQLAlchemy, `stint.store.core`) is loaded on first use, so that `stint.store.lite`
(the read commands' path over bare sqlite3) can be imported without SQLAlchemy.
"""

from __future__ import annotations

# Not `typing.TYPE_CHECKING`: `typing` would cost the re-import's quick path milliseconds
# (`stint.store.bare`).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from stint.store.core import Store as Store

__all__ = ["Store"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from stint.store.core import Store

        return Store
    raise AttributeError(f"module 'stint.store' has no attribute {name!r}")
