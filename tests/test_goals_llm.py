"""The LLM evaluator against a fake HTTP server started here (never the internet):
Anthropic Messages and OpenAI-compatible replies, a timeout, a malformed reply."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from stint import SessionHandle, Tracker

FREE_TEXT = "Storyteller recalls specific moments, not generalizations"


class FakeLLM:
    """Answers POSTs with whatever `reply` says; records what it was sent."""

    def __init__(self) -> None:
        self.reply: Any = None
        self.delay = 0.0
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.requests.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                time.sleep(fake.delay)
                data = (
                    fake.reply if isinstance(fake.reply, bytes) else json.dumps(fake.reply).encode()
                )
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):  # the client gave up (timeout test)
                    self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    fake = FakeLLM()
    monkeypatch.setenv("STINT_LLM_URL", fake.url)
    monkeypatch.setenv("STINT_LLM_MODEL", "judge-1")
    monkeypatch.setenv("STINT_LLM_API_KEY", "test-key")
    monkeypatch.setenv("STINT_LLM_TIMEOUT", "1")
    yield fake
    fake.close()


@pytest.fixture
def local() -> Iterator[Tracker]:
    t = Tracker.open()
    yield t
    t.close()


def _interview(tracker: Tracker) -> SessionHandle:
    s = tracker.begin(
        kind="interview",
        intention="Capture childhood scenes",
        success_indicators=["artifacts[scene_capture] >= 1", FREE_TEXT],
    )
    s.interaction("prompt", "What did your kitchen smell like?", role="agent")
    s.interaction("response", "Bread on Sunday mornings, 1952", role="storyteller")
    s.artifact("scene_capture", "Sunday bread")
    s.complete(evaluate=False)
    return s


def _anthropic(met: bool) -> dict[str, Any]:
    answer = {
        "indicators": [{"indicator": FREE_TEXT, "met": met, "reason": "Names a day and a smell."}],
        "summary": "One vivid scene.",
    }
    return {"content": [{"type": "text", "text": "```json\n" + json.dumps(answer) + "\n```"}]}


def test_anthropic_judges_free_text_indicators(
    local: Tracker, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STINT_LLM_PROVIDER", "anthropic")
    fake_llm.reply = _anthropic(True)
    s = _interview(local)
    result = local.goals.evaluate(s.id)
    assert result["evaluator"] == "llm" and result["outcome"] == "achieved"
    assert result["success_indicators"][1]["judged_by"] == "llm"
    assert "met: " + FREE_TEXT + " (Names a day and a smell.)" in result["reasons"]
    path, headers, body = fake_llm.requests[0]
    assert path == "/v1/messages" and headers["x-api-key"] == "test-key"
    assert body["model"] == "judge-1"
    digest = json.loads(body["messages"][0]["content"])
    assert digest["judge"] == [FREE_TEXT] and digest["interactions_total"] == 2
    stored = local.get(s.id)
    assert stored.outcome == "achieved" and stored.evaluation["llm_summary"] == "One vivid scene."
    # progress() shows the LLM's judgement once it is stored
    assert s.progress()["success_indicators"][1]["status"] == "met"


def test_openai_compatible_endpoint(local: Tracker, fake_llm: FakeLLM) -> None:
    answer = {"indicators": [{"indicator": FREE_TEXT, "met": False, "reason": "Only one."}]}
    fake_llm.reply = {
        "choices": [{"message": {"role": "assistant", "content": json.dumps(answer)}}]
    }
    s = _interview(local)
    result = local.goals.evaluate(s.id, llm=True)
    assert result["evaluator"] == "llm" and result["outcome"] == "partial"
    path, headers, body = fake_llm.requests[0]
    assert path == "/chat/completions" and headers["authorization"] == "Bearer test-key"
    assert body["messages"][0]["role"] == "system"


def test_timeout_falls_back_to_the_deterministic_result(local: Tracker, fake_llm: FakeLLM) -> None:
    fake_llm.reply = _anthropic(True)
    fake_llm.delay = 2.0
    s = _interview(local)
    started = time.monotonic()
    result = local.goals.evaluate(s.id, llm=True)
    assert time.monotonic() - started < 1.9
    assert result["evaluator"] == "deterministic" and result["outcome"] == "achieved"
    assert "no reply within 1s" in result["fallback"]
    assert "deterministic result stands" in local.get(s.id).evaluation["fallback"]


@pytest.mark.parametrize(
    "reply",
    [
        b"not json at all",
        {"choices": [{"message": {"content": "I think it went well!"}}]},
        {
            "choices": [
                {"message": {"content": '{"indicators": [{"indicator": "other", "met": true}]}'}}
            ]
        },
        {
            "choices": [
                {
                    "message": {
                        "content": json.dumps(
                            {"indicators": [{"indicator": FREE_TEXT, "met": "yes"}]}
                        )
                    }
                }
            ]
        },
    ],
)
def test_malformed_reply_falls_back(local: Tracker, fake_llm: FakeLLM, reply: Any) -> None:
    fake_llm.reply = reply
    s = _interview(local)
    result = local.goals.evaluate(s.id, llm=True)
    assert result["evaluator"] == "deterministic" and "LLM evaluator failed" in result["fallback"]
    assert result["success_indicators"][1]["status"] == "unknown"


def test_not_configured_says_so(local: Tracker, stint_home: Path) -> None:
    s = _interview(local)
    result = local.goals.evaluate(s.id, llm=True)
    assert (
        result["evaluator"] == "deterministic"
        and "no LLM evaluator configured" in result["fallback"]
    )
    assert local.goals.evaluate(s.id)["evaluator"] == "deterministic" and not local.goals.evaluate(
        s.id
    ).get("fallback")


def test_config_file_table(
    stint_home: Path, fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stint.goals.llm_eval import load_config

    for name in ("STINT_LLM_URL", "STINT_LLM_MODEL", "STINT_LLM_API_KEY", "STINT_LLM_TIMEOUT"):
        monkeypatch.delenv(name)
    stint_home.mkdir(parents=True, exist_ok=True)
    (stint_home / "config.toml").write_text(
        'pulse_minutes = 10\n[llm]\nurl = "https://api.anthropic.com"\nmodel = "m"\n'
        'api_key_env = "MY_KEY"\ntimeout_seconds = 5\n'
    )
    monkeypatch.setenv("MY_KEY", "secret")
    config = load_config(stint_home)
    assert config is not None and config.provider == "anthropic" and config.api_key == "secret"
    assert (
        config.endpoint == "https://api.anthropic.com/v1/messages" and config.timeout_seconds == 5
    )
    assert Tracker.open().settings.pulse_minutes == 10  # the [llm] table does not upset settings
