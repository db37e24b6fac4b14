"""Dependencies shared by the API and the pages (as `Annotated` aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from stint.team.keys import Principal
from stint.team.roles import SEES_EVERYONE
from stint.tracker import Tracker


def get_principal(request: Request) -> Principal | None:
    """Who the request is in team mode (a key or a signed-in person); None otherwise."""
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def get_tracker(request: Request) -> Tracker:
    """The request's Tracker: bound to the org of the key it came with (see `web.auth`),
    and for a member or viewer to that person's own sessions; else the app's own (the
    local org of a single-user server). Every route gets its Tracker here, so none can
    read or write outside the caller's org, nor a member see another's session."""
    tracker: Tracker = request.app.state.tracker
    principal = get_principal(request)
    if principal is None:
        return tracker
    only = None if principal.role in SEES_EVERYONE else principal.user_id
    key = (principal.org_id, principal.user_id, only)
    bound: dict[tuple[str, int, int | None], Tracker] = request.app.state.org_trackers
    found = bound.get(key)
    if found is None:
        # One per org and person, sharing the app's store (engines and pools): binding
        # costs nothing.
        found = bound.setdefault(
            key,
            Tracker(
                tracker.store,
                tracker.settings,
                principal.org_id,
                user_id=principal.user_id,
                only_user=only,
            ),
        )
    return found


TrackerDep = Annotated[Tracker, Depends(get_tracker)]
PrincipalDep = Annotated[Principal | None, Depends(get_principal)]
