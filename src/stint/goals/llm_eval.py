"""The optional LLM evaluator: an LLM judges a session's free-text indicators against a
compact digest of the session. Structured indicators stay with the deterministic
evaluator; when the LLM cannot be reached, times out or answers nonsense, the
deterministic result stands and says so.

Configuration (environment wins over `$STINT_HOME/config.toml`'s `[llm]` table):

    [llm]
    provider = "anthropic"          # or "openai" (any OpenAI-compatible endpoint)
    url = "https://api.anthropic.com"
    model = "claude-sonnet-4-5"
    api_key_env = "ANTHROPIC_API_KEY"   # or api_key = "…"
    timeout_seconds = 30

    STINT_LLM_PROVIDER, STINT_LLM_URL, STINT_LLM_MODEL, STINT_LLM_API_KEY, STINT_LLM_TIMEOUT

Standard library only (urllib), so the evaluator adds no dependency.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stint.goals.evaluator import decide, evidence
from stint.goals.indicators import Facts
from stint.model.timeparse import utcnow

_SYSTEM = (
    "You evaluate whether a recorded session met its goal. You get the session's intention, "
    "constraints, indicators (some already checked from data) and a digest of what happened. "
    "Judge ONLY the indicators listed under 'judge'. Reply with one JSON object and nothing "
    'else: {"indicators": [{"indicator": "<the exact indicator text>", "met": true|false|null, '
    '"reason": "<one sentence>"}], "summary": "<two sentences on what was achieved>"}. '
    "Use null when the digest does not show enough to decide."
)


class EvaluatorError(Exception):
    """The LLM could not give a usable judgement (network, timeout, bad reply)."""


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    api_key: str | None = None
    provider: str = "openai"
    timeout_seconds: float = 30.0

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        if base.endswith(("/messages", "/chat/completions")):
            return base
        if self.provider == "anthropic":
            return base + ("/messages" if base.endswith("/v1") else "/v1/messages")
        return base + "/chat/completions"


def load_config(home: Path | None = None) -> LLMConfig | None:
    """The configured LLM evaluator, or None when none is configured."""
    table: dict[str, Any] = {}
    if home is not None and (home / "config.toml").exists():
        try:
            data = tomllib.loads((home / "config.toml").read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            data = {}
        found = data.get("llm")
        table = dict(found) if isinstance(found, Mapping) else {}
    env = os.environ
    url = env.get("STINT_LLM_URL") or table.get("url")
    model = env.get("STINT_LLM_MODEL") or table.get("model")
    if not url or not model:
        return None
    key_env = table.get("api_key_env")
    api_key = (
        env.get("STINT_LLM_API_KEY")
        or table.get("api_key")
        or (env.get(str(key_env)) if key_env else None)
    )
    provider = env.get("STINT_LLM_PROVIDER") or table.get("provider")
    if not provider:
        provider = "anthropic" if "anthropic" in str(url) else "openai"
    if provider not in ("anthropic", "openai"):
        raise EvaluatorError(f"llm provider must be 'anthropic' or 'openai', not {provider!r}")
    try:
        timeout = float(env.get("STINT_LLM_TIMEOUT") or table.get("timeout_seconds") or 30)
    except ValueError:
        raise EvaluatorError("llm timeout must be a number of seconds") from None
    return LLMConfig(str(url), str(model), api_key, str(provider), timeout)


def _clip(text: Any, size: int) -> str | None:
    if text is None:
        return None
    value = str(text)
    return value if len(value) <= size else value[: size - 1] + "…"


def digest(facts: Facts, report: Mapping[str, Any]) -> dict[str, Any]:
    """What the LLM sees: small, and only what the capture policy stored."""
    row = facts.row
    items = facts.interactions
    shown = items if len(items) <= 40 else items[:20] + items[-20:]
    return {
        "kind": row.get("kind"),
        "status": row.get("status"),
        "intention": row.get("goal"),
        "constraints": row.get("constraints") or [],
        "procedure_notes": _clip(row.get("procedure_notes"), 600),
        "duration_minutes": round(facts.duration_seconds / 60, 1),
        "checked_indicators": [
            {"indicator": i["indicator"], "met": i["met"], "detail": i["detail"]}
            for i in report["indicators"]
            if i["check"] is not None
        ],
        "interactions_total": len(items),
        "interactions": [
            {
                "n": i["sequence"],
                "type": i["type"],
                "role": i.get("role"),
                "content": _clip(i.get("content"), 300),
                "response": _clip(i.get("response"), 300),
                "themes": i.get("themes"),
            }
            for i in shown
        ],
        "artifacts": [
            {
                "type": a["type"],
                "name": a.get("name"),
                "approved": a.get("is_approved"),
                "content": _clip(a.get("content"), 200),
            }
            for a in facts.artifacts[:30]
        ],
        "notes": [
            {"type": n["type"], "content": _clip(n["content"], 200)} for n in facts.notes[:20]
        ],
        "subjects": [
            {"key": s["key"], "coverage": s.get("coverage_level")} for s in facts.subjects
        ],
        "counters": {
            name: row.get(name)
            for name in ("message_count", "tool_call_count", "tasks_created", "tasks_completed")
        },
        "judge": [i["indicator"] for i in report["indicators"] if i["check"] is None],
    }


def _request(config: LLMConfig, prompt: str) -> str:
    if config.provider == "anthropic":
        body: dict[str, Any] = {
            "model": config.model,
            "max_tokens": 1024,
            "system": _SYSTEM,
            "messages": [{"role": "user", "content": prompt}],
        }
        headers = {"anthropic-version": "2023-06-01"}
        if config.api_key:
            headers["x-api-key"] = config.api_key
    else:
        body = {
            "model": config.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": _SYSTEM},
                {"role": "user", "content": prompt},
            ],
        }
        headers = {"authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    request = urllib.request.Request(
        config.endpoint,
        data=json.dumps(body).encode("utf-8"),
        headers={"content-type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_seconds) as reply:
            data = json.loads(reply.read().decode("utf-8"))
    except TimeoutError:
        raise EvaluatorError(f"no reply within {config.timeout_seconds:g}s") from None
    except urllib.error.HTTPError as exc:
        raise EvaluatorError(f"HTTP {exc.code} from {config.endpoint}") from None
    except urllib.error.URLError as exc:
        raise EvaluatorError(f"cannot reach {config.endpoint}: {exc.reason}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise EvaluatorError("the reply is not JSON") from None
    try:
        if config.provider == "anthropic":
            return "".join(p["text"] for p in data["content"] if p.get("type") == "text")
        return str(data["choices"][0]["message"]["content"])
    except (KeyError, IndexError, TypeError):
        raise EvaluatorError("the reply has no message text") from None


def _parse(text: str, wanted: list[str]) -> tuple[dict[str, dict[str, Any]], str | None]:
    match = re.search(r"\{.*\}", text, re.DOTALL)  # tolerate code fences around the JSON
    if match is None:
        raise EvaluatorError("the model's answer holds no JSON object")
    try:
        answer = json.loads(match.group(0))
    except json.JSONDecodeError:
        raise EvaluatorError("the model's answer is not valid JSON") from None
    items = answer.get("indicators") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        raise EvaluatorError("the model's answer has no indicators list")
    judgments: dict[str, dict[str, Any]] = {}
    for item in items:
        if not isinstance(item, dict) or item.get("indicator") not in wanted:
            continue
        met = item.get("met")
        if met is not None and not isinstance(met, bool):
            raise EvaluatorError(f"'met' must be true, false or null, not {met!r}")
        judgments[item["indicator"]] = {"met": met, "reason": _clip(item.get("reason"), 300)}
    if not judgments:
        raise EvaluatorError("the model judged none of the free-text indicators")
    summary = answer.get("summary")
    return judgments, _clip(summary, 1000) if isinstance(summary, str) else None


def judge(config: LLMConfig, facts: Facts, deterministic: dict[str, Any]) -> dict[str, Any]:
    """The deterministic evaluation with its free-text indicators judged by the LLM; on
    any failure, the deterministic evaluation with `fallback` saying why."""
    indicators = deterministic["success_indicators"] + deterministic["completion_indicators"]
    wanted = [i["indicator"] for i in indicators if i["check"] is None]
    if not wanted:
        return {**deterministic, "llm_note": "no free-text indicators; the LLM was not asked"}
    report = {"indicators": indicators}
    prompt = json.dumps(digest(facts, report), default=str, ensure_ascii=False)
    try:
        judgments, summary = _parse(_request(config, prompt), wanted)
    except EvaluatorError as exc:
        return {
            **deterministic,
            "fallback": f"LLM evaluator failed ({exc}); the deterministic result stands",
            "llm_model": config.model,
        }

    def merged(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            found = judgments.get(item["indicator"]) if item["check"] is None else None
            if found is not None and found["met"] is not None:
                item = {
                    **item,
                    "met": found["met"],
                    "status": "met" if found["met"] else "not_met",
                    "detail": found["reason"] or "judged by the LLM",
                    "judged_by": "llm",
                }
            out.append(item)
        return out

    success = merged(deterministic["success_indicators"])
    completion = merged(deterministic["completion_indicators"])
    _, good, bad = evidence(facts)
    outcome, reasons, percentage = decide(success + completion, good, bad)
    return {
        **deterministic,
        "evaluator": "llm",
        "llm_model": config.model,
        "llm_provider": config.provider,
        "outcome": outcome,
        "reasons": reasons,
        "completion_percentage": percentage,
        "success_indicators": success,
        "completion_indicators": completion,
        "can_complete": all(c["met"] is True for c in completion),
        "judgments": judgments,
        "llm_summary": summary,
        "evaluated_at": utcnow().isoformat(),
    }
