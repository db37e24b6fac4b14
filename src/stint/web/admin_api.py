"""The API's admin routes (/api/v1/admin, the `admin` scope): the caller's org's keys,
listed and revoked. A key revoked here is refused at once by every server process on the
store, since `Team.authenticate` reads the key's row on each request."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from stint.web.deps import TrackerDep

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/keys")
def list_keys(tracker: TrackerDep) -> list[dict[str, Any]]:
    """The org's API keys: prefix, scopes and times (never a token or its digest)."""
    return tracker.team.keys(tracker.org)


@router.delete("/keys/{key_id}", status_code=204, response_class=Response)
def revoke_key(tracker: TrackerDep, key_id: Annotated[int, Path(ge=1)]) -> Response:
    """Revoke one of the org's keys; a key of another org is not found."""
    tracker.team.revoke_key(tracker.org, key_id)
    return Response(status_code=204)
