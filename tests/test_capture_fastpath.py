"""The hook's fast path: standard library only, exit 0 and silent whatever it is fed,
and only well-formed records spooled."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capture_records import spooled
from conftest import run_stint
from stint.capture import fastpath, spool
from stint.model.redaction import redact
from stint.tracker import Tracker

HEAVY = ("sqlalchemy", "click", "rich", "platformdirs", "pydantic", "typing")


def _modules_after(command: str, stdin: bytes) -> set[str]:
    probe = (
        "import sys\n"
        "from stint.capture.fastpath import main\n"
        f"main({command!r})\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], input=stdin, capture_output=True, timeout=60, check=True
    )
    assert done.stdout == b"" or command[0] == "statusline"
    return set(done.stderr.decode().split())


def test_the_hook_imports_only_the_standard_library(stint_home: Path) -> None:
    record = {"session_id": "s", "hook_event_name": "PostToolUse", "tool_name": "Grep"}
    loaded = _modules_after(["hook", "claude-code"], json.dumps(record).encode())
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY), sorted(loaded)
    # json and re would cost a third of the hook's time; the drain parses instead.
    assert "json" not in loaded and "re" not in loaded
    assert len(spooled(stint_home)) == 1


def test_the_statusline_imports_only_the_standard_library() -> None:
    loaded = _modules_after(["statusline"], b'{"session_id": "s"}')
    assert not {m.split(".")[0] for m in loaded} & set(HEAVY), sorted(loaded)


def test_home_dir_agrees_with_the_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from stint.model.config import home_dir

    assert spool.home_dir() == str(home_dir())
    monkeypatch.delenv("STINT_HOME")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert spool.home_dir() == str(home_dir())
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert spool.home_dir() == str(home_dir())


payloads = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=10,
    ).map(lambda v: json.dumps(v).encode()),
    st.dictionaries(
        st.sampled_from(["session_id", "hook_event_name", "tool_name", "tool_use_id", "prompt"]),
        st.one_of(st.text(max_size=20), st.integers(), st.none(), st.lists(st.integers())),
    ).map(lambda d: json.dumps(d, ensure_ascii=False).encode()),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(payloads)
def test_any_payload_exits_0_and_stores_nothing_wrongly(stint_home: Path, data: bytes) -> None:
    before = len(spooled(stint_home)) if (stint_home / "spool.db").exists() else 0
    assert fastpath.hook(["claude-code"], io.BytesIO(data)) == 0
    rows = spooled(stint_home) if (stint_home / "spool.db").exists() else []
    if len(rows) > before:
        text = rows[-1][2]
        assert text.startswith("{") and text.endswith("}")
        raw = data.strip(b" \t\r\n").decode("utf-8")
        # As received, but for credentials masked before the spool (issue 10, privacy).
        assert text == fastpath.mask_secrets(raw)
        if redact(raw) == raw:
            assert text == raw


hook_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.text(max_size=30),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.sampled_from(["file_path", "command", "todos", "edits"]), st.text()),
)
hook_records = st.fixed_dictionaries(
    {
        "session_id": st.one_of(st.just("fuzz"), hook_values),
        "hook_event_name": st.one_of(
            st.sampled_from(
                [
                    "SessionStart",
                    "UserPromptSubmit",
                    "PostToolUse",
                    "PostToolUseFailure",
                    "TaskCreated",
                    "SubagentStart",
                    "SessionEnd",
                ]
            ),
            hook_values,
        ),
    },
    optional={
        name: hook_values
        for name in ("tool_name", "tool_use_id", "tool_input", "prompt", "cwd", "duration_ms")
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(hook_records, min_size=1, max_size=4))
def test_wrong_types_are_applied_or_moved_aside(stint_home: Path, records: list[dict]) -> None:
    from stint.capture.ingest import Applier

    tracker = Tracker.open()
    try:
        rows = [
            (n, 1_790_000_000.0 + n, "claude_code", json.dumps(r)) for n, r in enumerate(records)
        ]
        failures = Applier(tracker.goals).apply(rows)
        assert len(failures) <= len(rows)
        for session in tracker.sessions(limit=100):
            assert isinstance(session.agent_session_id, str) and session.agent_session_id
    finally:
        tracker.close()


def test_fuzzed_spool_drains_without_storing_garbage(stint_home: Path) -> None:
    for data in (b"{nope}", b'{"session_id": 5}', b'{"session_id": "ok", "x": [}', b"{}"):
        fastpath.hook(["claude-code"], io.BytesIO(data))
    fastpath.hook(["claude-code"], io.BytesIO(b'{"session_id": "ok", "hook_event_name": "Stop"}'))
    tracker = Tracker.open()
    assert tracker.drain() == {"applied": 1, "dead": 4}
    sessions = tracker.sessions()
    assert [s.agent_session_id for s in sessions] == ["ok"]


def _hook(stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    from conftest import STINT

    return subprocess.run(
        [STINT, "hook", "claude-code"], input=stdin, capture_output=True, timeout=60
    )


def test_bad_input_through_the_real_process(stint_home: Path) -> None:
    cases = {
        b"": "empty payload",
        b"   \n": "empty payload",
        b"[1, 2]": "not a JSON object",
        b"\xff\xfe{}": "not a JSON object",
        b'{"prompt": "\xff"}': "not UTF-8",
        b"x" * (9 * 1024 * 1024): "over",
    }
    for stdin, reason in cases.items():
        done = _hook(stdin)
        assert (done.returncode, done.stdout) == (0, b""), done.stderr
        assert reason in (stint_home / "stint.log").read_text().splitlines()[-1]
    assert len((stint_home / "stint.log").read_text().splitlines()) == len(cases)
    assert not (stint_home / "spool.db").exists()


def test_unicode_through_the_real_process(stint_home: Path) -> None:
    record = {"session_id": "ü-✓", "hook_event_name": "UserPromptSubmit", "prompt": "日本語 😀"}
    done = _hook(json.dumps(record, ensure_ascii=False).encode())
    assert (done.returncode, done.stdout) == (0, b"")
    lone = _hook(b'{"session_id": "s", "prompt": "\\ud800"}')  # escaped lone surrogate
    assert lone.returncode == 0
    rows = spooled(stint_home)
    assert json.loads(rows[0][2]) == record and len(rows) == 2
    tracker = Tracker.open()
    assert tracker.drain() == {"applied": 2, "dead": 0}
    assert sorted(s.agent_session_id for s in tracker.sessions()) == ["s", "ü-✓"]


def test_unknown_agent_and_click_stub(stint_home: Path) -> None:
    assert fastpath.main(["hook", "no-such-agent"]) == 0
    assert "unknown agent" in (stint_home / "stint.log").read_text()
    from click.testing import CliRunner

    from stint.cli import cli

    result = CliRunner().invoke(cli, ["hook", "claude-code"])
    assert result.exit_code == 2 and "hooks install" in result.output
    assert run_stint("--help").stdout.count("hooks") >= 1
