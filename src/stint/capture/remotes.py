"""Where a laptop syncs to (`stint remote add|list|remove`) and who it is.

Both live in STINT_HOME: `remotes.json` holds each remote's URL and API key, written with
0600 permissions since the key is a credential (it is never printed back: listings show
its prefix); `machine.json` holds the machine's stable uuid, made once, and its name
(the host name unless `--machine-name` set another). One remote is what v1 syncs to by
default, but the file keeps any number, each with its own push cursor.
"""

from __future__ import annotations

import json
import os
import re
import socket
import uuid
from pathlib import Path
from typing import Any

from stint.model.types import NotFound, StintError

REMOTES_FILE = "remotes.json"
MACHINE_FILE = "machine.json"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StintError(f"{path}: {exc}") from None
    return data if isinstance(data, dict) else {}


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Write through a new 0600 file and rename it in place, so the key is never readable
    by others, not even for a moment, and a crash leaves the old file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def remotes(home: Path) -> dict[str, dict[str, str]]:
    found = _read(home / REMOTES_FILE).get("remotes", {})
    return {str(k): v for k, v in found.items() if isinstance(v, dict)}


def has_remote(home: Path) -> bool:
    return (home / REMOTES_FILE).exists() and bool(remotes(home))


def add_remote(
    home: Path, name: str, url: str, key: str, machine_name: str | None = None
) -> dict[str, str]:
    if not _NAME.match(name):
        raise StintError(f"bad remote name {name!r}: letters, digits, '.', '_', '-'")
    if not re.match(r"^https?://[^\s/]+", url):
        raise StintError(f"bad remote URL {url!r}: give http(s)://host[:port]")
    if not key.strip():
        raise StintError("give the remote's API key with --key")
    found = remotes(home)
    found[name] = {"url": url.rstrip("/"), "key": key.strip()}
    _write_private(home / REMOTES_FILE, {"remotes": found})
    machine(home, rename=machine_name)
    return shown(name, found[name])


def remove_remote(home: Path, name: str) -> None:
    found = remotes(home)
    if name not in found:
        raise NotFound(f"no remote {name!r}")
    del found[name]
    _write_private(home / REMOTES_FILE, {"remotes": found})


def remote(home: Path, name: str | None) -> tuple[str, dict[str, str]]:
    """The named remote, or the only one (v1: the first added when several)."""
    found = remotes(home)
    if not found:
        raise StintError("no remote: add one with `stint remote add NAME URL --key KEY`")
    if name is None:
        name = next(iter(found))
    if name not in found:
        raise NotFound(f"no remote {name!r}")
    return name, found[name]


def shown(name: str, entry: dict[str, str]) -> dict[str, str]:
    """What may be printed of a remote: never its key, only the key's visible prefix."""
    key = entry.get("key", "")
    return {"name": name, "url": entry.get("url", ""), "key_prefix": key[:12] + "…"}


def machine(home: Path, rename: str | None = None) -> dict[str, str]:
    """This machine's stable identity, made on first use."""
    path = home / MACHINE_FILE
    data = _read(path)
    changed = False
    if not data.get("uuid"):
        data["uuid"], changed = str(uuid.uuid4()), True
    if rename or not data.get("name"):
        data["name"], changed = (rename or socket.gethostname() or "laptop")[:200], True
    if changed:
        _write_private(path, data)
    return {"uuid": str(data["uuid"]), "name": str(data["name"])}
