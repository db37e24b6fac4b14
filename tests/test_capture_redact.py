"""Credentials are masked before storage; ordinary text is left alone."""

from __future__ import annotations

import pytest

from stint.capture.redact import redact, redact_value, text_under_policy

SECRETS = [
    ('curl -H "Authorization: Bearer abcdef1234567890" https://x', "abcdef1234567890"),
    ("git clone https://bob:hunter22@github.com/x.git", "hunter22"),
    ("export ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuv", "sk-ant-api03"),
    ("mysql --password secretpw1 -u root", "secretpw1"),
    ("push with ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abcdef"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n-----END RSA PRIVATE KEY-----", "MIIEabc"),
    ('{"api_key": "abcd1234xyz", "b": 1}', "abcd1234xyz"),
    ("aws AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("DB_PASSWORD=abc12345 ./run", "abc12345"),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_credentials_are_masked(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert "[REDACTED]" in cleaned


@pytest.mark.parametrize(
    "text", ["ls -la src/", "token counting is slow", "the secret sauce", "pytest -k auth"]
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_nested_values_and_policy() -> None:
    value = {"cmd": ["run", "--token abcdefgh123"], "n": 3}
    assert redact_value(value) == {"cmd": ["run", "--token [REDACTED]"], "n": 3}
    assert text_under_policy("my prompt", "metadata") is None
    assert text_under_policy("use sk-abcdefghijklmnopqrstu", "full") == "use [REDACTED]"
