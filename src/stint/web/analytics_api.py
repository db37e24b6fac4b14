"""Analytics over HTTP: stats (with --by groups), heatmap, compare, cohorts, export.

Thin calls into the Tracker's analytics methods."""

from __future__ import annotations

import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from stint.model.timeparse import parse_when
from stint.web.deps import TrackerDep
from stint.web.schemas import Analytics

router = APIRouter(tags=["analytics"])
Period = Annotated[
    str,
    Query(max_length=64, description="all, today, week, month, Nd, YYYY-MM-DD[..YYYY-MM-DD]"),
]
Project = Annotated[str | None, Query(max_length=200, description="Only this project")]
Tag = Annotated[str | None, Query(max_length=200, description="Only sessions with this tag")]
Kind = Annotated[str | None, Query(max_length=200, description="Only this session kind")]
Zone = Annotated[str | None, Query(max_length=64, description="IANA time zone for days/hours")]


@router.get("/stats", response_model=Analytics)
def stats(
    tracker: TrackerDep,
    period: Period = "all",
    project: Project = None,
    tag: Tag = None,
    kind: Kind = None,
    tz: Zone = None,
) -> Any:
    """Totals and averages over a period (like `stint stats --json`)."""
    return tracker.stats(period, project=project, tag=tag, kind=kind, tz=tz)


@router.get("/stats/by/{by}", response_model=list[Analytics])
def stats_by(
    tracker: TrackerDep,
    by: Annotated[str, Path(description="The grouping, e.g. `day`, `tag`, `model`")],
    period: Period = "all",
    project: Project = None,
    tag: Tag = None,
    kind: Kind = None,
    tz: Zone = None,
) -> Any:
    """One row per group (`by`: day, week, weekday, hour, weekday-hour, tag, model, agent,
    project, branch, environment, kind, and for a team server user and machine: who pushed
    the session with `stint sync`, and from which laptop)."""
    method = tracker.stats_by
    return method(by, period, project=project, tag=tag, kind=kind, tz=tz)


@router.get("/heatmap", response_model=Analytics)
def heatmap(
    tracker: TrackerDep,
    period: Period = "all",
    project: Project = None,
    tag: Tag = None,
    tz: Zone = None,
) -> Any:
    """Weekday × hour cells and the pattern they show."""
    return tracker.heatmap(period, project=project, tag=tag, tz=tz)


@router.get("/compare", response_model=Analytics)
def compare(
    tracker: TrackerDep,
    a: Annotated[str, Query(min_length=1, max_length=64, description="Session A (`12`, `last`)")],
    b: Annotated[str, Query(min_length=1, max_length=64, description="Session B")],
) -> Any:
    """Two sessions side by side, with differences."""
    return tracker.compare(a, b)


@router.get("/cohorts", response_model=Analytics)
def cohorts(
    tracker: TrackerDep,
    spec: Annotated[
        list[str],
        Query(min_length=2, max_length=8, description="`KEY=VALUE` per cohort (repeat it)"),
    ],
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
    table: Annotated[str, Path(description="A table name (`sessions`, `activities`, …) or `all`")],
    fmt: Annotated[
        Literal["json", "jsonl", "csv"], Query(description="`json`, `jsonl` or `csv`")
    ] = "jsonl",
    since: Annotated[
        str | None, Query(max_length=64, description="Only rows since: ISO time or `-7d`")
    ] = None,
) -> Response:
    """A table (or `all`) as JSON, JSON lines or CSV (one table), like `stint export`."""
    method = tracker.export
    buffer = io.StringIO()
    method(table, fmt, since=parse_when(since) if since else None, out=buffer)
    return Response(buffer.getvalue(), media_type=_MEDIA[fmt])


_MEDIA = {"json": "application/json", "jsonl": "application/x-ndjson", "csv": "text/csv"}
