"""The admin API under /api/v1/admin: an org's users and their roles, its API keys and
machines, and (owners only) orgs. The same `Team` calls as `stint admin`.

`web.auth` lets a request in only with a key or sign-in of the `admin` scope held by an
admin or owner; everything here is scoped to the caller's org. A refusal decided here (an
admin acting on an owner, an admin asking for orgs) is a 403 logged like auth's.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request, Response

from stint.model.types import Conflict, StintError
from stint.team.keys import Principal
from stint.web.admin_schemas import (
    KeyIn,
    KeyMade,
    KeyOut,
    MachineOut,
    OrgIn,
    OrgOut,
    UserIn,
    UserOut,
    UserPatch,
)
from stint.web.deps import PrincipalDep, TrackerDep
from stint.web.schemas import Problem

log = logging.getLogger("stint.web.auth")
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Bad input"},
    403: {"model": Problem, "description": "Not an admin (or not the owner) of the org"},
    404: {"model": Problem, "description": "Not found in the caller's org"},
    409: {"model": Problem, "description": "Conflicts with the current state"},
}
router = APIRouter(prefix="/admin", tags=["admin"], responses=_ERRORS)
UserId = Annotated[int, Path(ge=1, le=2**62, description="The user's id")]
KeyId = Annotated[int, Path(ge=1, le=2**62, description="The key's id")]


def _refuse(request: Request, reason: str) -> HTTPException:
    client = request.client.host if request.client else "-"
    log.warning("refused %s %s from %s: %s", request.method, request.url.path, client, reason)
    return HTTPException(403, reason)


def _admin(request: Request, principal: Principal | None) -> Principal:
    if principal is None:
        raise _refuse(request, "the admin API needs a team key or sign-in (stint admin init)")
    return principal


def _may_touch(request: Request, me: Principal, role: str) -> None:
    """Only an owner gives, changes or takes away the owner's role."""
    if role == "owner" and me.role != "owner":
        raise _refuse(request, "only an owner can make, change or remove an owner")


@router.get("/orgs", response_model=list[OrgOut])
def list_orgs(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> Any:
    """The orgs the caller belongs to (owners only)."""
    me = _admin(request, principal)
    if me.role != "owner":
        raise _refuse(request, "only an owner lists and creates orgs")
    return tracker.team.orgs(member=me.user_id)


@router.post("/orgs", response_model=OrgOut, status_code=201)
def create_org(request: Request, tracker: TrackerDep, principal: PrincipalDep, body: OrgIn) -> Any:
    """A new org with the caller as its owner (owners only)."""
    me = _admin(request, principal)
    if me.role != "owner":
        raise _refuse(request, "only an owner lists and creates orgs")
    return tracker.team.create_org(body.name, owner_id=me.user_id)


@router.get("/users", response_model=list[UserOut])
def list_users(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> Any:
    """The org's users and their roles."""
    return tracker.team.users(_admin(request, principal).org_id)


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(
    request: Request, tracker: TrackerDep, principal: PrincipalDep, body: UserIn
) -> Any:
    """A user with a role in the caller's org (and optionally a dashboard password)."""
    me = _admin(request, principal)
    _may_touch(request, me, body.role)
    try:
        return tracker.team.create_user(
            me.org_id, body.name, email=body.email, role=body.role, password=body.password
        )
    except StintError as exc:
        if "already has a user" in str(exc):
            raise Conflict(str(exc)) from None
        raise


@router.patch("/users/{user_id}", response_model=UserOut)
def update_user(
    request: Request, tracker: TrackerDep, principal: PrincipalDep, user_id: UserId, body: UserPatch
) -> Any:
    """Set a user's role or password."""
    me = _admin(request, principal)
    team = tracker.team
    user = team.user(me.org_id, str(user_id))
    _may_touch(request, me, user["role"])
    if body.role is not None:
        _may_touch(request, me, body.role)
        if user_id == me.user_id and body.role != user["role"]:
            raise Conflict("you cannot change your own role")
        user = team.set_role(me.org_id, str(user_id), body.role)
    if body.password is not None:
        team.set_password(me.org_id, str(user_id), body.password)
    return user


@router.delete("/users/{user_id}", status_code=204, response_class=Response)
def remove_user(
    request: Request, tracker: TrackerDep, principal: PrincipalDep, user_id: UserId
) -> Response:
    """Take a user out of the org: their keys stop working at once."""
    me = _admin(request, principal)
    user = tracker.team.user(me.org_id, str(user_id))
    _may_touch(request, me, user["role"])
    if user_id == me.user_id:
        raise Conflict("you cannot remove yourself")
    tracker.team.remove_user(me.org_id, str(user_id))
    return Response(status_code=204)


@router.get("/keys", response_model=list[KeyOut])
def list_keys(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> Any:
    """The org's keys: prefix, holder, scopes, times. Never a token."""
    return tracker.team.keys(_admin(request, principal).org_id)


@router.post("/keys", response_model=KeyMade, status_code=201)
def create_key(request: Request, tracker: TrackerDep, principal: PrincipalDep, body: KeyIn) -> Any:
    """A key for a user of the org; its token is in this answer only."""
    me = _admin(request, principal)
    holder = tracker.team.user(me.org_id, body.user)
    _may_touch(request, me, holder["role"])
    return tracker.team.create_key(
        me.org_id,
        str(holder["id"]),
        scopes=list(body.scopes or []),
        expires_at=body.expires_at,
        name=body.name,
    )


@router.delete("/keys/{key_id}", status_code=204, response_class=Response)
def revoke_key(
    request: Request, tracker: TrackerDep, principal: PrincipalDep, key_id: KeyId
) -> Response:
    """Revoke a key of the org: requests with it are refused from now on."""
    tracker.team.revoke_key(_admin(request, principal).org_id, key_id)
    return Response(status_code=204)


@router.get("/machines", response_model=list[MachineOut])
def list_machines(request: Request, tracker: TrackerDep, principal: PrincipalDep) -> Any:
    """The org's machines: name, user, last seen, sessions."""
    return tracker.team.machines(_admin(request, principal).org_id)
