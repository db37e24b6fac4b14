"""The redaction pass skips a pattern only where it cannot match: whatever the text, the
result is the one all patterns run in order would give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from stint.model import redaction

PIECES = [
    "password=hunter2x",
    "PASSWORD: 's3cretvalue'",
    "--api-key abcdef123",
    "-pwd abcd",
    "Authorization: Bearer abcdefgh12345678",
    "basic configuration",
    "Basic dXNlcjpwYXNz=",
    "https://user:pa55word@example.com/x",
    "sk-ant-" + "a" * 24,
    "ghp_" + "b" * 24,
    "AKIA" + "C" * 16,
    "eyJ" + "d" * 12 + "." + "e" * 12 + "." + "f" * 12,
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    "tokens: 1234",
    "the tests passed",
    "token",
    "secret",
    "=",
    ":",
    "-",
    "@",
    "://",
    " ",
    "\n",
    '"',
    "x",
    "1234",
    "[REDACTED]",
]


def every_pattern(text: str) -> str:
    for pattern, replacement in redaction._patterns():
        text = pattern.sub(replacement, text)
    return text


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=8))
def test_gated_redaction_is_every_pattern_in_order(parts: list[str]) -> None:
    text = "".join(parts)
    assert redaction.redact(text) == every_pattern(text)
    if redaction.redact(text) != text:
        assert redaction.might_hold_secret(text)


def test_short_and_plain_texts_are_returned_as_they_are() -> None:
    for text in ("", "pwd=abc", "hello world, nothing here", "tokens used: many"):
        assert redaction.redact(text) is text or redaction.redact(text) == text
    assert redaction.redact("pwd=abcd") == "pwd=[REDACTED]"
    assert not redaction.might_hold_secret("a plain sentence")
