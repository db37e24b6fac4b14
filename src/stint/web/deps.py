"""Dependencies shared by the API and the pages (as `Annotated` aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from stint.team.keys import Principal
from stint.tracker import Tracker


def get_tracker(request: Request) -> Tracker:
    """The request's Tracker: bound to the org of the key it came with (see `web.auth`),
    else the app's own (the local org of a single-user server). Every route gets its
    Tracker here, so none can read or write outside the caller's org."""
    tracker: Tracker = request.app.state.tracker
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        return tracker
    bound: dict[str, Tracker] = request.app.state.org_trackers
    found = bound.get(principal.org_id)
    if found is None:
        # One per org, sharing the app's store (engines and pools): binding costs nothing.
        found = bound.setdefault(
            principal.org_id, Tracker(tracker.store, tracker.settings, principal.org_id)
        )
    return found


TrackerDep = Annotated[Tracker, Depends(get_tracker)]
