"""Code health over HTTP: `GET /api/v1/sessions/{ref}/health` (like `stint health --json`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import ConfigDict

from stint.web.deps import TrackerDep
from stint.web.schemas import Doc

router = APIRouter(tags=["records"])
Ref = Annotated[
    str,
    Path(
        min_length=1,
        max_length=64,
        description="A session: `12`, `#12`, a uuid prefix, `last` or `current`",
    ),
]


class CodeHealthOut(Doc):
    """Lizard's figures for the files a session changed, at its start and at its end."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="allow")

    summary: dict[str, Any]
    """Totals: status, reason, files_measured/skipped, ccn/nloc/functions before and after,
    complex_added/removed over `threshold`"""
    files: list[dict[str, Any]]
    """Per file: change, status, skip_reason, the figures before and after, new_complex"""
    line: str | None = None
    """The summary as people read it"""
    stored: bool
    """True: what the end stored; false: measured now"""


@router.get("/sessions/{ref}/health", response_model=CodeHealthOut)
def session_health(
    tracker: TrackerDep,
    ref: Ref,
    measure: bool = Query(False, description="Measure again instead of what the end stored"),
) -> dict[str, Any]:
    """The session's code health (an open session is measured now and not stored)."""
    return dict(tracker.health(tracker.get(ref).id, measure=measure))


def with_health(tracker: Any, data: dict[str, Any]) -> dict[str, Any]:
    """A session's JSON with its stored health summary (null when none was measured)."""
    return {**data, "health": tracker.health_summaries([data["id"]]).get(data["id"])}
