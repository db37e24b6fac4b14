"""The dashboard: server-rendered pages (Jinja2) over the Tracker. Charts are drawn in the
browser by the vendored uPlot from JSON embedded in the page; the heatmap and bar lists
are plain SVG/HTML from the server."""

from __future__ import annotations

import json
from collections.abc import Hashable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup

from stint.model.timeparse import human_duration, utcnow
from stint.model.types import STATUSES, FileTouch, NotFound, Session, StintError
from stint.model.units import money
from stint.tracker import SessionFilter, Tracker
from stint.web import figures, views
from stint.web.deps import TrackerDep
from stint.web.fresh_cache import FreshCache

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# The templates ship with the package: compiled once, not stat()ed on every page.
templates.env.auto_reload = False
Field = Annotated[str | None, Query(max_length=200)]
# The groups `Tracker.stats_by` knows (stint.store.analytics.GROUPS).
BY_CHOICES = (
    "project",
    "tag",
    "model",
    "agent",
    "kind",
    "branch",
    "environment",
    "user",
    "machine",
    "day",
    "week",
    "weekday",
    "hour",
)


def _local(moment: Any, with_date: bool = True) -> str:
    if not isinstance(moment, datetime):
        return ""
    local = moment.astimezone(views.local_zone())
    return local.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def _chart_json(data: Any) -> Markup:
    # Safe inside <script type="application/json">: no "</" can close the element.
    text = json.dumps(data, default=str).replace("</", "<\\/")
    return Markup(text)


# CommonMark without raw HTML: descriptions render as markdown and cannot inject markup.
_markdown = MarkdownIt("commonmark", {"html": False})


def _md(text: Any) -> Markup:
    """An OpenAPI description (markdown) as HTML for the API docs page."""
    return Markup(_markdown.render(str(text or "")))  # safe: raw HTML is disabled above


def _figure(value: Any, name: str, signed: bool = False) -> str:
    return figures.figure(value, name, signed=signed, money=money)


templates.env.filters.update(
    duration=human_duration,
    local=_local,
    chart_json=_chart_json,
    money=money,
    figure=_figure,
    figure_label=figures.label,
    markdown=_md,
)


def _signed_in(request: Request) -> bool:
    """Whether the request is a team member's (the Team pages and sign-out then show)."""
    return getattr(request.state, "principal", None) is not None


templates.env.globals.update(statuses=STATUSES, signed_in=_signed_in)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


# What the overview reads, per org while the store's data version is unchanged: its
# figures as HTML (per zone and day too; hourly totals of 90 days were most of the page),
# and the open session (with its files, which the live card's file count needs) and the
# latest sessions, brought up to now on every page.
_overview_figures: FreshCache[Markup] = FreshCache()
_overview_sessions: FreshCache[tuple[Session | None, list[FileTouch] | None, list[Session]]] = (
    FreshCache()
)


def overview_figures_html(tracker: Tracker, zone: tzinfo, version: Hashable) -> Markup:
    """The overview's figures drawn, kept while `version` (taken before) holds."""
    now = utcnow()

    def draw() -> Markup:
        data = views.overview_figures(tracker, zone, now=now)
        # Safe: rendered by the autoescaping environment of every other page.
        return Markup(templates.get_template("_overview_figures.html").render(data))

    return _overview_figures.get(views.figures_key(tracker, zone, now=now), version, draw)


def _overview_reads(
    tracker: Tracker,
) -> tuple[Session | None, list[FileTouch] | None, list[Session]]:
    current = tracker.current(channels=False)
    # Only a card that `live` measures reads the files (an open session in a work tree).
    measured = current is not None and current.is_open and bool(current.repo_root)
    files = tracker.files(current.id) if measured and current is not None else None
    return current, files, tracker.sessions(limit=10)


def overview_sessions(tracker: Tracker, version: Hashable) -> tuple[Session | None, list[Session]]:
    """The live card's session (with its code change so far) and the ten latest."""
    whose = (id(tracker.store), tracker.org, tracker.only_user)
    current, files, recent = _overview_sessions.get(
        whose, version, lambda: _overview_reads(tracker)
    )
    recent = tracker.as_of_now(recent)
    if current is not None:
        current = views.live_session(tracker, tracker.as_of_now([current])[0], files)
    return current, recent


@router.get("/")
def overview(request: Request, tracker: TrackerDep) -> HTMLResponse:
    zone = views.local_zone()
    version = tracker.data_version()  # before anything is read (see FreshCache.get)
    current, recent = overview_sessions(tracker, version)
    return render(
        request,
        "overview.html",
        page="overview",
        current=current,
        recent=recent,
        figures_html=overview_figures_html(tracker, zone, version),
    )


@router.get("/partials/current")
def current_card(request: Request, tracker: TrackerDep) -> HTMLResponse:
    """The current-session card alone, polled by the overview to stay live."""
    return render(request, "_current.html", current=views.live_current(tracker))


@router.get("/sessions")
def sessions(
    request: Request,
    tracker: TrackerDep,
    project: Field = None,
    tag: Field = None,
    status: Field = None,
    model: Field = None,
    period: Field = None,
    q: Field = None,
    sort: Field = "newest",
    cursor: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> HTMLResponse:
    zone = views.local_zone()
    where = SessionFilter(
        project=project or None,
        tag=tag or None,
        status=status or None,
        model=model or None,
        since=views.since_for(period, zone),
        search=q or None,
    )
    limit = 100
    found = tracker.sessions(where, limit=limit + 1, before_id=cursor)
    page = found[:limit]
    args = {"project": project, "tag": tag, "status": status, "model": model, "period": period}
    return render(
        request,
        "sessions.html",
        page="sessions",
        sessions=views.sort_sessions(page, sort or "newest"),
        next_cursor=page[-1].id if len(found) > limit else None,
        choices=views.filter_choices(tracker),
        args={**args, "q": q, "sort": sort or "newest"},
        sorts=views.SORTS,
        periods=views.PERIODS,
    )


@router.get("/sessions/{ref}")
def session_page(request: Request, tracker: TrackerDep, ref: str) -> HTMLResponse:
    try:
        session = tracker.get(ref)
    except NotFound as exc:
        return render(request, "error.html", status_code=404, message=str(exc), page="sessions")
    return render(request, "session.html", page="sessions", **views.session_view(tracker, session))


@router.get("/compare")
def compare(
    request: Request,
    tracker: TrackerDep,
    a: Field = None,
    b: Field = None,
    cohort: Annotated[list[str] | None, Query(max_length=8)] = None,
    period: Field = "all",
) -> HTMLResponse:
    pair: list[Any] = []
    errors: list[str] = []
    detail: Any = None
    if a and b:
        try:
            pair = [tracker.get(a), tracker.get(b)]
        except StintError as exc:
            errors.append(str(exc))
        compare_method = getattr(tracker, "compare", None)
        if pair and compare_method is not None:
            detail = compare_method(a, b)
    cohorts: Any = None
    specs = [c for c in (cohort or []) if c.strip()]
    if len(specs) >= 2:
        method = getattr(tracker, "compare_cohorts", None)
        if method is None:
            errors.append("cohort comparison needs the analytics module, not installed here")
        else:
            try:
                cohorts = method(specs, period=period or "all")
            except (StintError, ValueError) as exc:
                errors.append(str(exc))
    return render(
        request,
        "compare.html",
        page="compare",
        a=a,
        b=b,
        pair=[s.to_dict() for s in pair],
        detail=detail,
        specs=specs or ["", ""],
        cohorts=cohorts,
        errors=errors,
        period=period,
    )


@router.get("/stats")
def stats(
    request: Request,
    tracker: TrackerDep,
    by: Field = "project",
    period: Field = "month",
) -> HTMLResponse:
    by = by if by in BY_CHOICES else "project"
    period = period or "all"
    rows: list[dict[str, Any]] | None = None
    totals: dict[str, Any] | None = None
    error = None
    stats_by, totals_of = getattr(tracker, "stats_by", None), getattr(tracker, "stats", None)
    if stats_by is not None and totals_of is not None:
        try:
            rows = stats_by(by, period)
            totals = totals_of(period)
        except (StintError, ValueError) as exc:
            error = str(exc)
    else:
        error = "the stats breakdowns need the analytics module, not installed here"
    top = max((float(r.get("active_seconds") or 0) for r in rows or []), default=0.0) or 1.0
    return render(
        request,
        "stats.html",
        page="stats",
        by=by,
        by_choices=BY_CHOICES,
        period=period,
        periods=["all", "today", "week", "month", "7d", "30d", "90d", "365d"],
        rows=rows,
        totals=totals,
        top=top,
        error=error,
    )


@router.get("/docs")
def docs_redirect() -> RedirectResponse:
    """FastAPI's usual /docs (Swagger UI from a CDN) is off; the offline page is here."""
    return RedirectResponse("/api/v1/docs", status_code=307)


@router.get("/api/v1/docs")
def api_docs(request: Request) -> HTMLResponse:
    """The API reference, rendered from the app's own OpenAPI document (works offline)."""
    document = request.app.openapi()
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or ["other"])[0],
                    "parameters": operation.get("parameters", []),
                    "body": _ref_name(body.get("schema", {})) if body else None,
                    "responses": {
                        code: _response_schema(response)
                        for code, response in operation.get("responses", {}).items()
                    },
                }
            )
    schemas = document.get("components", {}).get("schemas", {})
    return render(request, "docs.html", page="api", operations=operations, schemas=schemas)


def _response_schema(response: dict[str, Any]) -> str:
    contents = list(response.get("content", {}).values())
    return _ref_name(contents[0].get("schema", {})) if contents else ""


def _ref_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"list of {_ref_name(schema.get('items', {}))}"
    return str(schema.get("type", "")) if schema else ""
