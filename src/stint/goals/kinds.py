"""Session kinds: what a session *is* (coding, conversation, interview, workflow, …).

Each kind has a state schema (the keys its `state` JSON may hold, with their types) and
the counters that matter for it (what `summary()` and `stint show` put first). Apps add
their own kinds with `register_kind` at import time; stint itself never needs to change.
A kind nobody registered is still accepted, with free-form state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from stint.model.types import StintError

# A field's type: a Python type or a tuple of them (e.g. (int, float) for a number).
FieldType = type | tuple[type, ...]


@dataclass(frozen=True)
class Kind:
    """One kind of session. `state_schema` maps a state key to its type; keys outside it
    are refused unless `extra_state` is true. `required` keys must be present whenever
    state is given. `counters` name the session counters (or `duration_seconds`) shown
    first for this kind."""

    name: str
    description: str = ""
    state_schema: Mapping[str, FieldType] = field(default_factory=dict)
    required: Sequence[str] = ()
    counters: Sequence[str] = ()
    extra_state: bool = False

    def validate_state(self, state: Mapping[str, Any] | None) -> dict[str, Any]:
        """The state as a plain dict, or StintError naming what is wrong."""
        if state is None:
            return {}
        if not isinstance(state, Mapping):
            raise StintError(f"{self.name} state must be a mapping, not {type(state).__name__}")
        missing = [key for key in self.required if key not in state]
        if missing:
            raise StintError(f"{self.name} state needs {', '.join(missing)}")
        for key, value in state.items():
            expected = self.state_schema.get(key)
            if expected is None:
                if self.extra_state:
                    continue
                allowed = ", ".join(sorted(self.state_schema)) or "none"
                raise StintError(
                    f"{self.name} state has no key {key!r} (allowed: {allowed}); "
                    "register a kind of your own for other state"
                )
            # bool is an int in Python; a count given as True is a mistake worth refusing.
            wrong_bool = isinstance(value, bool) and bool not in _types(expected)
            if value is not None and (wrong_bool or not isinstance(value, expected)):
                names = "/".join(t.__name__ for t in _types(expected))
                raise StintError(f"{self.name} state {key!r} must be {names}, not {value!r}")
        return dict(state)


def _types(expected: FieldType) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


_NUMBER = (int, float)
_REGISTRY: dict[str, Kind] = {}


def register_kind(
    name: str,
    *,
    description: str = "",
    state_schema: Mapping[str, FieldType] | None = None,
    required: Sequence[str] = (),
    counters: Sequence[str] = (),
    extra_state: bool = False,
    replace: bool = False,
) -> Kind:
    """Register a session kind (for an app's own sessions). Re-registering a name needs
    `replace=True`, so two apps cannot silently redefine each other's kind."""
    if not name or not name.replace("_", "").isalnum():
        raise StintError(f"bad session kind {name!r}: use letters, digits and _")
    if name in _REGISTRY and not replace:
        raise StintError(f"kind {name!r} is already registered (pass replace=True)")
    kind = Kind(
        name=name,
        description=description,
        state_schema=dict(state_schema or {}),
        required=tuple(required),
        counters=tuple(counters),
        extra_state=extra_state,
    )
    _REGISTRY[name] = kind
    return kind


def get_kind(name: str) -> Kind:
    """The registered kind, or a free-form one for a name nobody registered."""
    found = _REGISTRY.get(name)
    return found if found is not None else Kind(name=name, extra_state=True)


def kinds() -> list[Kind]:
    """Every registered kind, built-ins first."""
    return list(_REGISTRY.values())


def validate_state(kind: str, state: Mapping[str, Any] | None) -> dict[str, Any]:
    return get_kind(kind).validate_state(state)


register_kind(
    "coding",
    description="A person and a coding agent working in a repository.",
    state_schema={"issue": str, "pull_request": str, "task_ref": str, "component": str},
    counters=(
        "tasks_created",
        "tasks_completed",
        "commits_made",
        "files_modified",
        "loc_added",
        "loc_removed",
    ),
)
register_kind(
    "conversation",
    description="A conversation with an assistant (seed 003).",
    state_schema={
        "conversation_id": str,
        "channel": str,
        "language": str,
        "user": str,
        "topic": str,
    },
    counters=("message_count", "tool_call_count", "memories_used", "duration_seconds"),
)
register_kind(
    "interview",
    description="A scheduled, goal-oriented interview, e.g. an agent and a storyteller (seed 004).",
    state_schema={
        "storyteller": str,
        "process_version": str,
        "process_node": str,
        "prompt_category": str,
        "current_subject": str,
    },
    counters=("interactions_count", "artifacts_count", "notes_count", "duration_seconds"),
)
register_kind(
    "workflow",
    description="A typed workflow of command / result interactions (seed 002).",
    state_schema={
        "workflow": str,
        "step": str,
        "steps_total": int,
        "steps_done": int,
        "component": str,
        "exit_code": int,
        "retries": _NUMBER,
    },
    counters=("interactions_count", "commands_executed", "tool_failures", "duration_seconds"),
)
