"""The session row's channel state (migration 0017): `stint.model.channels.ChannelPulse`
to and from the `chan_*` columns. Kept beside the pulse state by `stint.store.events` and
`quick_record`; read by `stint.sessions.reading` on the lite path too: no SQLAlchemy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stint.model.channels import ChannelPulse

# In ChannelPulse's field order.
COLUMNS = (
    "chan_person_last",
    "chan_person_run",
    "chan_person_active",
    "chan_agent_last",
    "chan_agent_run",
    "chan_agent_active",
    "chan_both",
    "chan_paused",
)
PARAMS = tuple(f"p_{name}" for name in COLUMNS)


def from_row(row: Any) -> ChannelPulse | None:
    """The state a row keeps (a SQLAlchemy row or a mapping), or None when it keeps none
    (a session from before 0017)."""
    values = [
        row.get(name) if isinstance(row, Mapping) else getattr(row, name, None) for name in COLUMNS
    ]
    person_last, person_run, person_active, agent_last, agent_run, agent_active = values[:6]
    both, paused = values[6:]
    if both is None:
        return None
    return ChannelPulse(
        person_last,
        person_run,
        float(person_active or 0.0),
        agent_last,
        agent_run,
        float(agent_active or 0.0),
        float(both),
        bool(paused),
    )


def params(state: ChannelPulse | None) -> dict[str, Any]:
    """The counter UPDATE's parameters that store `state` (None: none kept, recomputed)."""
    if state is None:
        return dict.fromkeys(PARAMS)
    return {
        "p_chan_person_last": state.person_last,
        "p_chan_person_run": state.person_run,
        "p_chan_person_active": state.person_active,
        "p_chan_agent_last": state.agent_last,
        "p_chan_agent_run": state.agent_run,
        "p_chan_agent_active": state.agent_active,
        "p_chan_both": state.both,
        "p_chan_paused": state.paused,
    }
