"""Credentials never reach the store: commands, prompts and tool text pass through
`redact` before storage, in every capture policy. Nor do lone surrogates (`storable`)."""

from __future__ import annotations

import json
import re
from typing import Any

MASK = "[REDACTED]"
_SECRET_NAME = (
    r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)"
)

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # PEM private keys, whole block.
    (
        re.compile(
            r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
            re.DOTALL,
        ),
        MASK,
    ),
    # user:password@ in URLs.
    (re.compile(r"(?P<pre>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(?=@)"), r"\g<pre>" + MASK),
    # Authorization headers: bearer and basic credentials.
    (re.compile(r"(?i)(?P<pre>\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\g<pre>" + MASK),
    # Well-known key shapes: Anthropic/OpenAI, GitHub, AWS, Slack, Google, Stripe, JWTs.
    (
        re.compile(
            r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}"
            r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
            r"|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}"
            r"|AIza[0-9A-Za-z_-]{30,}|[rs]k_live_[A-Za-z0-9]{16,}"
            r"|eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})"
        ),
        MASK,
    ),
    # NAME=value and "api_key": "value" where the name says secret.
    (
        re.compile(
            r"(?i)(?P<pre>\b[\w.-]*" + _SECRET_NAME + r"[\w.-]*[\"']?\s*[=:]\s*[\"']?)"
            r"(?!\[REDACTED\])[^\s\"'&;|,}]{4,}"
        ),
        r"\g<pre>" + MASK,
    ),
    # Command-line flags: --password VALUE, --api-key VALUE.
    (
        re.compile(
            r"(?i)(?P<pre>(?<!\S)--?[\w-]*" + _SECRET_NAME + r"[\w-]*\s+)(?!-)[^\s\"'&;|]{4,}"
        ),
        r"\g<pre>" + MASK,
    ),
)


def redact(text: str) -> str:
    """`text` with every credential-shaped substring replaced by `[REDACTED]`."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: object) -> object:
    """Redact every string inside a JSON-like value (dicts, lists, scalars)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def text_under_policy(text: str | None, policy: str) -> str | None:
    """Prompt and tool text is kept only under the `full` capture policy, redacted."""
    if text is None or policy != "full":
        return None
    return redact(text)


def storable(value: Any) -> Any:
    """A decoded JSON value with each lone surrogate (an escaped `\\ud800` decodes to one,
    and no database can store it) replaced by "?"."""
    text = json.dumps(value, ensure_ascii=False).encode("utf-8", "replace").decode()
    return json.loads(text)
