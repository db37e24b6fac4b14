"""stint: record sessions of a person working with an AI agent, and turn them into answers."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = [
    "EventIn",
    "Session",
    "SessionHandle",
    "StintError",
    "Tracker",
    "__version__",
    "register_kind",
]

# Not `typing.TYPE_CHECKING`: importing `typing` would cost the hook path milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from stint.goals.handle import SessionHandle
    from stint.goals.kinds import register_kind
    from stint.model.types import EventIn, Session, StintError
    from stint.tracker import Tracker


def __getattr__(name: str) -> Any:
    # Lazy, so `import stint` stays cheap for the hook path.
    if name == "Tracker":
        from stint.tracker import Tracker

        return Tracker
    if name == "SessionHandle":
        from stint.goals.handle import SessionHandle

        return SessionHandle
    if name == "register_kind":
        from stint.goals.kinds import register_kind

        return register_kind
    if name in ("EventIn", "Session", "StintError"):
        from stint.model import types as models

        return getattr(models, name)
    raise AttributeError(name)
