"""Analytics over HTTP: stats (with --by groups), heatmap, compare, cohorts, export.

Thin calls into the Tracker's analytics methods."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from stint.model.timeparse import parse_when
from stint.web.deps import TrackerDep
from stint.web.schemas import Analytics

router = APIRouter(tags=["analytics"])
Period = Annotated[
    str,
    Query(max_length=64, description="all, today, week, month, Nd, YYYY-MM-DD[..YYYY-MM-DD]"),
]
Name = Annotated[str | None, Query(max_length=200)]
Zone = Annotated[str | None, Query(max_length=64, description="IANA time zone for days/hours")]


@router.get("/stats", response_model=Analytics)
def stats(
    tracker: TrackerDep,
    period: Period = "all",
    project: Name = None,
    tag: Name = None,
    kind: Name = None,
    tz: Zone = None,
) -> Any:
    """Totals and averages over a period (like `stint stats --json`)."""
    return tracker.stats(period, project=project, tag=tag, kind=kind, tz=tz)


@router.get("/stats/by/{by}", response_model=list[Analytics])
def stats_by(
    tracker: TrackerDep,
    by: str,
    period: Period = "all",
    project: Name = None,
    tag: Name = None,
    kind: Name = None,
    tz: Zone = None,
) -> Any:
    """One row per group (`by`: day, week, weekday, hour, weekday-hour, tag, model, agent,
    project, branch, environment, kind)."""
    method = tracker.stats_by
    return method(by, period, project=project, tag=tag, kind=kind, tz=tz)


@router.get("/heatmap", response_model=Analytics)
def heatmap(
    tracker: TrackerDep,
    period: Period = "all",
    project: Name = None,
    tag: Name = None,
    tz: Zone = None,
) -> Any:
    """Weekday × hour cells and the pattern they show."""
    return tracker.heatmap(period, project=project, tag=tag, tz=tz)


@router.get("/compare", response_model=Analytics)
def compare(
    tracker: TrackerDep,
    a: Annotated[str, Query(min_length=1, max_length=64)],
    b: Annotated[str, Query(min_length=1, max_length=64)],
) -> Any:
    """Two sessions side by side, with differences."""
    return tracker.compare(a, b)


@router.get("/cohorts", response_model=Analytics)
def cohorts(
    tracker: TrackerDep,
    spec: Annotated[list[str], Query(min_length=2, max_length=8)],
    period: Period = "all",
) -> Any:
    """Compare groups of sessions, e.g. `spec=tag=tdd&spec=tag=no-tdd` (Mann–Whitney)."""
    return tracker.compare_cohorts(spec, period=period)


@router.get(
    "/export/{table}",
    response_class=Response,
    responses={
        200: {
            "content": {"application/json": {}, "application/x-ndjson": {}, "text/csv": {}},
            "description": "The exported rows",
        }
    },
)
def export(
    tracker: TrackerDep,
    table: str,
    fmt: Literal["json", "jsonl", "csv"] = "jsonl",
    since: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """A table (or `all`) as JSON, JSON lines or CSV (one table), like `stint export`."""
    method = tracker.export
    buffer = io.StringIO()
    method(table, fmt, since=parse_when(since) if since else None, out=buffer)
    return Response(buffer.getvalue(), media_type=_MEDIA[fmt])


_MEDIA = {"json": "application/json", "jsonl": "application/x-ndjson", "csv": "text/csv"}
