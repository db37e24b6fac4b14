"""`stint remote add|list|remove` and the machine identity: the key kept private and
never printed, a stable machine uuid, one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

from sync_support import Laptop

KEY = "stint_SecretSecretSecretSecretSecret123"


def test_remotes_keep_the_key_private_and_the_machine_stable(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path / "home")
    added = laptop.stint("remote", "add", "team", "http://127.0.0.1:9/", "--key", KEY)
    assert added.returncode == 0 and KEY not in added.stdout
    assert os.stat(laptop.home / "remotes.json").st_mode & 0o777 == 0o600
    listed = json.loads(laptop.stint("remote", "list", "--json").stdout)
    assert listed["remotes"] == [
        {"name": "team", "url": "http://127.0.0.1:9", "key_prefix": KEY[:12] + "…"}
    ]
    first = listed["machine"]
    assert len(first["uuid"]) == 36 and first["name"]
    laptop.stint(
        "remote", "add", "team", "http://127.0.0.1:9", "--key", KEY, "--machine-name", "m1"
    )
    again = json.loads(laptop.stint("remote", "list", "--json").stdout)["machine"]
    assert again == {"uuid": first["uuid"], "name": "m1"}  # renamed, same identity
    assert KEY not in laptop.stint("sync", "--status").stdout

    removed = laptop.stint("remote", "remove", "team")
    assert removed.returncode == 0
    assert json.loads(laptop.stint("remote", "list", "--json").stdout)["remotes"] == []


def test_bad_input_is_one_line_and_non_zero(tmp_path: Path) -> None:
    laptop = Laptop(tmp_path / "home")
    for args, says in (
        (("sync",), "no remote"),
        (("remote", "add", "team", "ftp://x", "--key", KEY), "bad remote URL"),
        (("remote", "add", "bad name", "http://x", "--key", KEY), "bad remote name"),
        (("remote", "remove", "nope"), "no remote 'nope'"),
    ):
        done = laptop.stint(*args)
        assert done.returncode != 0, args
        assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
