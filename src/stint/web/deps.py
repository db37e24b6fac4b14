"""Dependencies shared by the API and the pages (as `Annotated` aliases)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from stint.tracker import Tracker


def get_tracker(request: Request) -> Tracker:
    tracker: Tracker = request.app.state.tracker
    return tracker


TrackerDep = Annotated[Tracker, Depends(get_tracker)]
