"""The team pages of the dashboard (team mode): People, a person's sessions, Machines,
Projects and Admin (users with roles; keys made and revoked through forms).

Everyone signed in sees the org's aggregates. A member or viewer follows no link into
another person's sessions (their Tracker, bound in `deps`, would answer 404 anyway);
admins and owners drill down into anyone's. The Admin page is for admins and owners.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stint.model.types import StintError
from stint.team.keys import Principal
from stint.team.roles import ADMINS, SCOPES, SEES_EVERYONE
from stint.tracker import SessionFilter, Tracker
from stint.web.deps import PrincipalDep, TrackerDep
from stint.web.pages import render

log = logging.getLogger("stint.web.auth")
router = APIRouter(prefix="/team", include_in_schema=False, default_response_class=HTMLResponse)
UserId = Annotated[int, Path(ge=1, le=2**62)]


def _off(request: Request) -> HTMLResponse:
    message = "Team mode is off: create an org with `stint admin init` and sign in."
    return render(request, "error.html", status_code=404, message=message, page="team")


def _forbidden(request: Request, message: str) -> HTMLResponse:
    client = request.client.host if request.client else "-"
    log.warning("refused %s %s from %s: %s", request.method, request.url.path, client, message)
    return render(request, "error.html", status_code=403, message=message, page="team")


@router.get("/people")
def people(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> HTMLResponse:
    if principal is None:
        return _off(request)
    rows = tracker.team.people(principal.org_id)
    everyone = principal.role in SEES_EVERYONE
    for row in rows:
        row["linked"] = everyone or row["id"] == principal.user_id
    return render(request, "team_people.html", page="team", tab="people", people=rows)


@router.get("/people/{user_id}")
def person(
    request: Request, tracker: TrackerDep, principal: PrincipalDep, user_id: UserId
) -> HTMLResponse:
    if principal is None:
        return _off(request)
    if principal.role not in SEES_EVERYONE and user_id != principal.user_id:
        message = f"no user {user_id} whose sessions you can see"
        return render(request, "error.html", status_code=404, message=message, page="team")
    try:
        user = tracker.team.user(principal.org_id, str(user_id))
    except StintError as exc:
        return render(request, "error.html", status_code=404, message=str(exc), page="team")
    found = tracker.sessions(SessionFilter(user_id=user_id), limit=200)
    return render(
        request, "team_person.html", page="team", tab="people", person=user, sessions=found
    )


@router.get("/machines")
def machines(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> HTMLResponse:
    if principal is None:
        return _off(request)
    rows = tracker.team.machines(principal.org_id)
    return render(request, "team_machines.html", page="team", tab="machines", machines=rows)


@router.get("/projects")
def projects(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> HTMLResponse:
    if principal is None:
        return _off(request)
    rows = tracker.stats_by("project", "all")
    return render(request, "team_projects.html", page="team", tab="projects", projects=rows)


def _admin_page(
    request: Request,
    tracker: Tracker,
    me: Principal,
    made: dict[str, Any] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "team_admin.html",
        status_code=400 if error else 200,
        page="team",
        tab="admin",
        users=tracker.team.users(me.org_id),
        keys=tracker.team.keys(me.org_id),
        scopes=SCOPES,
        made=made,
        error=error,
    )


@router.get("/admin")
def admin(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> HTMLResponse:
    if principal is None:
        return _off(request)
    if principal.role not in ADMINS:
        return _forbidden(request, "the Admin page is for the org's admins and owners")
    return _admin_page(request, tracker, principal)


async def _form(request: Request) -> dict[str, list[str]]:
    return parse_qs((await request.body()).decode("utf-8", "replace"))


@router.post("/admin/keys")
async def create_key(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> Response:
    if principal is None:
        return _off(request)
    if principal.role not in ADMINS:
        return _forbidden(request, "only the org's admins and owners make keys")
    form = await _form(request)
    user = (form.get("user") or [""])[0]
    scopes = [s for s in form.get("scope", []) if s in SCOPES]
    name = (form.get("name") or [""])[0].strip() or None
    try:
        holder = tracker.team.user(principal.org_id, user)
        if holder["role"] == "owner" and principal.role != "owner":
            return _forbidden(request, "only an owner makes an owner's keys")
        made = tracker.team.create_key(principal.org_id, user, scopes=scopes, name=name)
    except StintError as exc:
        return _admin_page(request, tracker, principal, error=str(exc))
    return _admin_page(request, tracker, principal, made=made)


@router.post("/admin/keys/{key_id}/revoke")
def revoke_key(
    request: Request, tracker: TrackerDep, principal: PrincipalDep, key_id: UserId
) -> Response:
    if principal is None:
        return _off(request)
    if principal.role not in ADMINS:
        return _forbidden(request, "only the org's admins and owners revoke keys")
    try:
        tracker.team.revoke_key(principal.org_id, key_id)
    except StintError as exc:
        return render(request, "error.html", status_code=404, message=str(exc), page="team")
    return RedirectResponse("/team/admin", status_code=303)
