"""`stint hook <agent>` and `stint statusline`: what the agent runs, so the agent never
waits for stint. Standard library only (a test checks SQLAlchemy, Click and Rich stay
unimported); never raises, never writes to stdout for hooks (Claude Code reads hook
stdout as context or decisions; Gemini CLI reads an empty stdout with exit 0 as "go on"),
always exits 0.
"""

from __future__ import annotations

import os
import sys
import time

from stint.capture import spool

# `typing` costs the hook milliseconds; mypy reads this name as the usual flag.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

MAX_PAYLOAD = 8 * 1024 * 1024
_BLANK = b" \t\r\n"
# Command-line agent names → stint's stored agent names (sessions, keys, the spool) of the
# built-in hook agents (stint.capture.builtin, which this path may not import).
AGENTS = {"claude-code": "claude_code", "gemini-cli": "gemini_cli"}
# Plugin agents' hook names (`name agent` a line), written whenever stint loads its plugins
# (stint.capture.agents): the hook cannot afford to load them itself.
HOOK_AGENTS_FILE = "hook-agents"
# A turn or the session ended (Claude Code's Stop, Gemini CLI's AfterAgent): drain in the
# background so the store is current.
DRAIN_EVENTS = ("Stop", "AfterAgent", "SessionEnd")
DRAIN_MARKER = "drain.requested"
# A marker older than this belongs to a drain that died; request a new one.
STALE_MARKER_SECONDS = 120.0


def main(args: list[str]) -> int:
    """Entry from `stint.entry`: args[0] is `hook` or `statusline`."""
    try:
        if args and args[0] == "statusline":
            from stint.capture.statusline import (
                main as statusline_main,  # the status line's own path
            )

            return statusline_main(sys.stdin.buffer)
        return hook(args[1:], sys.stdin.buffer)
    except BaseException as exc:  # the agent must never see a failure from stint
        log(f"hook failed: {exc.__class__.__name__}: {exc}")
        return 0


def hook(args: list[str], stdin: BinaryIO) -> int:
    name = args[0] if args else ""
    agent = AGENTS.get(name) or plugin_agent(name)
    if agent is None:
        log(f"hook: unknown agent {name!r} (expected one of {', '.join(AGENTS)})")
        return 0
    data = read_bounded(stdin)
    if data is None:
        log(f"hook {name}: payload over {MAX_PAYLOAD} bytes dropped")
        return 0
    record = parse(data)
    if isinstance(record, str):
        log(f"hook {name}: {record}; nothing spooled")
        return 0
    text, event = record
    text = mask_secrets(text)
    home = spool.home_dir()
    spool.append(home, agent, text)
    if event in DRAIN_EVENTS and not os.environ.get("STINT_NO_BACKGROUND_DRAIN"):
        request_drain(home)
    return 0


def plugin_agent(name: str) -> str | None:
    """The stored name of a plugin agent whose hooks stint takes, or None."""
    if not name:
        return None
    try:
        with open(os.path.join(spool.home_dir(), HOOK_AGENTS_FILE), encoding="utf-8") as known:
            for line in known:
                parts = line.split()
                if len(parts) == 2 and parts[0] == name:
                    return parts[1]
    except OSError:
        pass
    return None


def read_bounded(stdin: BinaryIO) -> bytes | None:
    """All of stdin, or None past the limit (the rest is read and discarded, so the agent
    writing it never sees a broken pipe)."""
    data = stdin.read(MAX_PAYLOAD + 1)
    if len(data) <= MAX_PAYLOAD:
        return bytes(data)
    while stdin.read(1 << 20):
        pass
    return None


def parse(data: bytes) -> tuple[str, str] | str:
    """(text to spool, hook event name), or why the payload is refused.

    Only the shape is checked here (a UTF-8 JSON object): importing `json` pulls in `re`
    and would cost the hook a third of its time. The drain parses fully and moves a record
    that is not valid JSON to the dead table, with a log line.
    """
    body = data.strip(_BLANK)
    if not body:
        return "empty payload"
    if body[:1] != b"{" or body[-1:] != b"}":
        return "not a JSON object"
    if b"\x00" in body:
        return "NUL byte in payload"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "payload is not UTF-8"
    return text, event_name(body)


def mask_secrets(text: str) -> str:
    """The record with its credentials masked, so none sits in the spool file (the store
    redacts again on every write). A record with no hint of a secret is returned as is,
    without paying for `json` and the patterns."""
    from stint.model import redaction

    if not redaction.might_hold_secret(text):
        return text
    import json

    try:
        value = json.loads(text)
    except ValueError:
        # The drain buries what is not JSON; it waits there masked too.
        return redaction.redact(text)
    cleaned = redaction.redact_value(value)
    if cleaned == value:  # only a hint, no secret: keep the record byte for byte
        return text
    masked = json.dumps(cleaned, ensure_ascii=False)
    try:
        masked.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: keep it escaped, as it arrived
        masked = json.dumps(cleaned)
    return masked


def event_name(body: bytes) -> str:
    """The value of the first `"hook_event_name"` key, found without a JSON parser (an
    escaped quote inside a string value cannot produce the raw key)."""
    found = body.find(b'"hook_event_name"')
    if found < 0:
        return ""
    rest = body[found + 17 :].lstrip(_BLANK)
    if rest[:1] != b":":
        return ""
    rest = rest[1:].lstrip(_BLANK)
    end = rest.find(b'"', 1)
    if rest[:1] != b'"' or end < 0:
        return ""
    return rest[1:end].decode("utf-8", "replace")


def request_drain(home: str) -> None:
    """Start one detached `stint drain`, unless one was requested and has not started yet
    (the drain removes the marker when it starts), so a burst of Stops spawns one."""
    marker = os.path.join(home, DRAIN_MARKER)
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        try:
            if time.time() - os.stat(marker).st_mtime < STALE_MARKER_SECONDS:
                return
            os.unlink(marker)
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except OSError:
            return
    os.close(fd)
    import subprocess  # only here: it costs milliseconds the common path should not pay

    subprocess.Popen(
        [sys.executable, "-m", "stint", "drain", "--quiet"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )


def log(message: str) -> None:
    """One line in STINT_HOME/stint.log; a log that cannot be written is not an error."""
    try:
        home = spool.home_dir()
        os.makedirs(home, exist_ok=True)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        line = message.replace("\n", " ")[:500]
        with open(os.path.join(home, "stint.log"), "a", encoding="utf-8", errors="replace") as out:
            out.write(f"{stamp} {line}\n")
    except Exception:
        pass
