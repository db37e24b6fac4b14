"""doctor (check the stored counters against the event log) and `stint admin` (team
mode: orgs, users, API keys)."""

from __future__ import annotations

import re
import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from stint.cli.common import StintGroup, emit_json, is_tty, json_option, tracker
from stint.model.timeparse import as_utc, local_text, utcnow
from stint.model.units import plural
from stint.team.roles import ROLES, SCOPES

if TYPE_CHECKING:
    from stint.team import Team


@click.command()
@click.option(
    "--fix",
    "--rebuild",
    "fix",
    is_flag=True,
    help="Rewrite counters that differ from the event log.",
)
@json_option
def doctor(fix: bool, as_json: bool) -> None:
    """Recount every counter from the event log and report differences."""
    from stint.sessions.doctor import (
        check,  # deferred: the Tracker (SQLAlchemy) only when a command needs it
    )

    found = check(tracker(), fix=fix)
    if as_json:
        emit_json({"mismatches": [m.to_dict() for m in found], "fixed": fix and bool(found)})
    elif not found:
        click.echo("All counters agree with the event log.")
    else:
        for m in found:
            where = f" {m.path}" if m.path else ""
            click.echo(
                f"session {m.session_id}{where}: {m.field} stored {m.stored}, log says {m.expected}"
            )
        click.echo(plural(len(found), "difference") + (" fixed." if fix else "; run with --fix."))
    if found and not fix:
        raise SystemExit(1)


# ------------------------------------------------------------------ team administration
# Orgs, users and API keys (stint.team). Tokens are printed by `init` and `key create`
# only, the one time they exist outside the person's hands; no listing shows one.

_EXPIRY = re.compile(r"^\s*(?P<n>\d+)\s*(?P<unit>[mhdw])\s*$", re.IGNORECASE)
_UNIT = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_UNIT["w"] = timedelta(weeks=1)


def _expiry(text: str | None) -> datetime | None:
    """`--expires`: a span from now (90m, 12h, 30d, 8w) or an ISO 8601 time."""
    if text is None:
        return None
    match = _EXPIRY.match(text)
    if match:
        return utcnow() + int(match["n"]) * _UNIT[match["unit"].lower()]
    try:
        return as_utc(datetime.fromisoformat(text.strip().replace("Z", "+00:00")))
    except ValueError:
        raise click.BadParameter(
            f"{text!r}: give a span from now (90m, 12h, 30d, 8w) or an ISO 8601 time",
            param_hint="--expires",
        ) from None


def _team() -> Team:
    team: Team = tracker().team
    return team


def _when(moment: datetime | None) -> str:
    return local_text(moment) if moment else "-"


def _show_key(key: dict[str, Any]) -> None:
    click.echo(f"Key {key['id']} ({key['prefix']}…) for {key['user']}: {', '.join(key['scopes'])}")
    if key.get("expires_at"):
        click.echo(f"Expires: {local_text(key['expires_at'])}")
    click.echo(f"Token (shown once, keep it now): {key['token']}")


def _table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    cells = [[str(row[c]) if row[c] is not None else "-" for c in columns] for row in rows]
    if not is_tty():  # piped: whole lines, tab-separated, never wrapped
        for line in [columns, *cells]:
            click.echo("\t".join(line))
        return
    from rich.console import Console  # deferred: Rich loads only when something is printed
    from rich.table import Table

    table = Table(*columns)
    for line in cells:
        table.add_row(*line)
    Console(highlight=False).print(table)


@click.group(cls=StintGroup)
def admin() -> None:
    """Team mode: orgs, users and their roles, API keys."""


@admin.command("init")
@click.option("--org", "org_name", default="default", show_default=True, help="The org's name.")
@click.option("--owner", required=True, help="The owner's user name.")
@click.option("--email", help="The owner's email.")
@json_option
def admin_init(org_name: str, owner: str, email: str | None, as_json: bool) -> None:
    """Create the first org and its owner, and print an admin key once."""
    made = _team().init(org_name, owner, email)
    if as_json:
        emit_json(made)
        return
    click.echo(f"Org {made['org']['name']} ({made['org']['id']}), owner {owner}.")
    _show_key(made["key"])


@admin.group("org", cls=StintGroup)
def org_group() -> None:
    """Organizations."""


@org_group.command("create")
@click.argument("name")
@json_option
def org_create(name: str, as_json: bool) -> None:
    """Create an org (its id is a new UUID)."""
    org = _team().create_org(name)
    if as_json:
        emit_json(org)
    else:
        click.echo(f"Org {org['name']}: {org['id']}")


@org_group.command("list")
@json_option
def org_list(as_json: bool) -> None:
    """Every org with its number of members."""
    orgs = _team().orgs()
    if as_json:
        emit_json(orgs)
    else:
        _table(orgs, ["id", "name", "members"])


@admin.group("user", cls=StintGroup)
def user_group() -> None:
    """Users and their role in an org."""


_org_option = click.option("--org", "org", required=True, help="The org's id or name.")


def _read_password(prompted: bool, from_stdin: bool) -> str | None:
    """The password from stdin's first line (`--password-stdin`, for scripts) or asked
    twice without echo (`--password`); None when neither was given."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.UsageError("--password-stdin: no password on stdin")
        return line
    if prompted:
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return None


_password_options = [
    click.option("--password", "prompted", is_flag=True, help="Ask for a dashboard password."),
    click.option(
        "--password-stdin", "from_stdin", is_flag=True, help="Read the password from stdin."
    ),
]


@user_group.command("create")
@click.argument("name")
@_org_option
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--email")
@_password_options[0]
@_password_options[1]
@json_option
def user_create(
    name: str,
    org: str,
    role: str,
    email: str | None,
    prompted: bool,
    from_stdin: bool,
    as_json: bool,
) -> None:
    """Create a user with a role in an org (and a dashboard password to sign in with)."""
    password = _read_password(prompted, from_stdin)
    user = _team().create_user(org, name, email=email, role=role, password=password)
    if as_json:
        emit_json(user)
    else:
        click.echo(f"User {user['name']} ({user['id']}): {user['role']}")


@user_group.command("list")
@_org_option
@json_option
def user_list(org: str, as_json: bool) -> None:
    """The org's users and their roles."""
    users = _team().users(org)
    if as_json:
        emit_json(users)
    else:
        _table(users, ["id", "name", "role", "email"])


@user_group.command("password")
@click.argument("name")
@_org_option
@click.option("--password-stdin", "from_stdin", is_flag=True, help="Read the password from stdin.")
def user_password(name: str, org: str, from_stdin: bool) -> None:
    """Set a user's dashboard password (asked twice, or read from stdin)."""
    password = _read_password(True, from_stdin)
    assert password is not None  # asked for when not read from stdin
    _team().set_password(org, name, password)
    click.echo(f"Password of {name} set.")


@user_group.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@_org_option
def user_role(name: str, role: str, org: str) -> None:
    """Change a user's role in an org (their keys follow at once)."""
    _team().set_role(org, name, role)
    click.echo(f"{name} is now {role}.")


@user_group.command("remove")
@click.argument("name")
@_org_option
def user_remove(name: str, org: str) -> None:
    """Take a user out of an org: their keys of it stop working at once."""
    _team().remove_user(org, name)
    click.echo(f"{name} removed from the org.")


@admin.group("key", cls=StintGroup)
def key_group() -> None:
    """API keys: made for a user, scoped, revocable."""


@key_group.command("create")
@_org_option
@click.option("--user", "user", required=True, help="The holder's name or id.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(SCOPES),
    help="What the key may do (repeat; default: all the holder's role allows).",
)
@click.option("--expires", help="A span from now (90m, 12h, 30d, 8w) or an ISO 8601 time.")
@click.option("--name", help="What the key is for.")
@json_option
def key_create(
    org: str,
    user: str,
    scopes: tuple[str, ...],
    expires: str | None,
    name: str | None,
    as_json: bool,
) -> None:
    """Make a key and print its token once."""
    key = _team().create_key(org, user, scopes=list(scopes), expires_at=_expiry(expires), name=name)
    if as_json:
        emit_json(key)
    else:
        _show_key(key)


@key_group.command("list")
@_org_option
@json_option
def key_list(org: str, as_json: bool) -> None:
    """The org's keys: prefix, holder, scopes, times. Never a token."""
    found = _team().keys(org)
    if as_json:
        emit_json(found)
        return
    rows = [
        {
            **k,
            "prefix": f"{k['prefix']}…",
            "scopes": ",".join(k["scopes"]),
            "created": _when(k["created_at"]),
            "last used": _when(k["last_used_at"]),
            "expires": _when(k["expires_at"]),
            "revoked": _when(k["revoked_at"]),
        }
        for k in found
    ]
    columns = ["id", "prefix", "user", "scopes", "created", "last used", "expires", "revoked"]
    _table(rows, columns)


@key_group.command("revoke")
@click.argument("key_id", type=int)
@_org_option
@json_option
def key_revoke(key_id: int, org: str, as_json: bool) -> None:
    """Revoke a key: requests with it are refused from now on."""
    _team().revoke_key(org, key_id)
    if as_json:
        emit_json({"id": key_id, "revoked": True})
    else:
        click.echo(f"Key {key_id} revoked.")


COMMANDS = [doctor, admin]
