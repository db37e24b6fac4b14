"""Idempotency keys for captured events, shared by every capture source.

A hook record and a transcript line describing the same thing must produce the same key,
so hook-captured and imported data for one agent session merge without double counting:
tool activity is keyed by the agent's `tool_use_id`, prompts by a digest of their text
(the hook's `prompt_id` is not in older transcripts), token usage by the response's
message id and request id.
"""

from __future__ import annotations

import hashlib


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def tool_key(agent: str, agent_session_id: str, tool_use_id: str, what: str = "tool") -> str:
    """`what` separates the events one tool call yields: `tool`, `file`, `command`, `task`."""
    return f"{agent}:{agent_session_id}:{what}:{tool_use_id}"


def prompt_key(agent: str, agent_session_id: str, prompt: str) -> str:
    return f"{agent}:{agent_session_id}:prompt:{_digest(prompt)}"


def mention_key(prompt_key: str, path: str) -> str:
    """An `@file` mention in a prompt, under the prompt's key."""
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{prompt_key}:mention:{digest}"


def usage_key(agent: str, agent_session_id: str, message_id: str, request_id: str) -> str:
    return f"{agent}:{agent_session_id}:usage:{message_id}:{request_id}"


def event_key(agent: str, agent_session_id: str, event: str, discriminator: str) -> str:
    """Anything else (session start/end, subagents, compaction): event name plus what
    makes it unique, e.g. its timestamp or the subagent's id."""
    return f"{agent}:{agent_session_id}:{event}:{discriminator}"
