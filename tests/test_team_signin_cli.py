"""`stint admin user create --password-stdin` and `stint admin user password`: the hash
lands in the database and signs in; bad input is one line and a non-zero exit."""

from __future__ import annotations

import json

import pytest

from conftest import run_stint
from stint.team.keys import AuthError
from stint.tracker import Tracker


def test_passwords_set_from_the_cli_sign_in(stint_home: object) -> None:
    assert run_stint("admin", "init", "--org", "Acme", "--owner", "ada").returncode == 0
    made = run_stint(
        "admin",
        "user",
        "create",
        "bob",
        "--org",
        "Acme",
        "--password-stdin",
        "--json",
        input="first password\n",
    )
    assert made.returncode == 0, made.stderr
    assert "first password" not in made.stdout and json.loads(made.stdout)["name"] == "bob"
    tracker = Tracker.open()
    try:
        principal, _ = tracker.team.sign_in("Acme", "bob", "first password")
        assert principal.role == "member" and principal.scopes == {"ingest", "read"}
        short = run_stint(
            "admin",
            "user",
            "password",
            "bob",
            "--org",
            "Acme",
            "--password-stdin",
            input="short\n",
        )
        assert short.returncode != 0 and "at least 8 characters" in short.stderr
        assert "Traceback" not in short.stderr
        changed = run_stint(
            "admin",
            "user",
            "password",
            "bob",
            "--org",
            "Acme",
            "--password-stdin",
            input="second password\n",
        )
        assert changed.returncode == 0, changed.stderr
        with pytest.raises(AuthError):
            tracker.team.sign_in("Acme", "bob", "first password")
        assert (
            tracker.team.sign_in("Acme", "bob", "second password")[0].user_id == principal.user_id
        )
        role = run_stint("admin", "user", "role", "bob", "viewer", "--org", "Acme")
        assert role.returncode == 0
        assert tracker.team.sign_in("Acme", "bob", "second password")[0].scopes == {"read"}
        assert run_stint("admin", "user", "remove", "bob", "--org", "Acme").returncode == 0
        with pytest.raises(AuthError):
            tracker.team.sign_in("Acme", "bob", "second password")
    finally:
        tracker.close()
