"""Credentials never reach the disk: the store's free-text and JSON columns pass every
value through `redact` (see `stint.store.schema`), and the hook masks a record before it
is spooled. Standard library only, and cheap to import: the hook path imports this, so
`re` is imported and the patterns compiled only when a text holds a hint of a secret.
"""

from __future__ import annotations

# Not `typing.TYPE_CHECKING`: importing `typing` would cost the hook path milliseconds.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from re import Pattern

MASK = "[REDACTED]"
_SECRET_NAME = (
    r"(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)"
)
# Each pattern below (in `_patterns`' order) runs only on a text that holds what it
# cannot match without: a lower-case substring of its own (any of them), and for the
# name=value and flag patterns a character of theirs too. A text with none is returned
# as is without running a regex, which keeps the common case fast; a mask that one
# pattern writes never supplies what a later one needs ("[REDACTED]" holds none of it).
_NAMES = (
    "pass",
    "pwd",
    "secret",
    "token",
    "api_key",
    "api-key",
    "apikey",
    "access_key",
    "access-key",
    "accesskey",
    "private_key",
    "private-key",
    "privatekey",
    "credential",
)
_KEY_PREFIXES = (
    "sk-",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_pat_",
    "akia",
    "asia",
    "xox",
    "aiza",
    "k_live_",
    "eyj",
)
HINTS = ("private key", "bearer", "basic", *_KEY_PREFIXES, *_NAMES)
# The shortest text any pattern can match ("pwd=abcd", "a://b:c@"): shorter ones are safe.
_SHORTEST = 8

_compiled: tuple[tuple[Pattern[str], str], ...] | None = None
_secret_key: Pattern[str] | None = None


def _wanted(text: str) -> tuple[bool, bool, bool, bool, bool, bool]:
    """Which of the patterns may match `text` (each False only where it cannot). The
    name=value pattern needs a secret's name before a "=" or ":" (positions in the
    lower-cased text keep the original's order); the flag pattern needs a "-" at the
    start or after white space ("claude-sonnet-4-5: 1,234 tokens" holds none)."""
    low = text.lower()
    named = any(map(low.__contains__, _NAMES))
    return (
        "private key" in low,
        "://" in low and "@" in low,
        "bearer" in low or "basic" in low,
        any(map(low.__contains__, _KEY_PREFIXES)),
        named and _first_name(low) < max(low.rfind("="), low.rfind(":")),
        named and (low.startswith("-") or _spaced_dash().search(low) is not None),
    )


def might_hold_secret(text: str) -> bool:
    """False when `text` cannot match any pattern; True is only a maybe."""
    return len(text) >= _SHORTEST and any(_wanted(text))


def _patterns() -> tuple[tuple[Pattern[str], str], ...]:
    global _compiled
    if _compiled is None:
        import re

        _compiled = (
            # PEM private keys, whole block.
            (
                re.compile(
                    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----"
                    r".*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\Z)",
                    re.DOTALL,
                ),
                MASK,
            ),
            # user:password@ in URLs.
            (
                re.compile(r"(?P<pre>[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)[^/\s@]+(?=@)"),
                r"\g<pre>" + MASK,
            ),
            # Authorization headers: bearer and basic credentials. A basic one must hold a
            # digit or "=" (base64 nearly always does), so prose ("basic configuration")
            # is left alone.
            (
                re.compile(
                    r"(?i)(?P<pre>\b(?:bearer\s+|basic\s+(?=[A-Za-z._~+/-]*[0-9=])))"
                    r"[A-Za-z0-9._~+/=-]{8,}"
                ),
                r"\g<pre>" + MASK,
            ),
            # Well-known key shapes: Anthropic/OpenAI, GitHub, AWS, Slack, Google, Stripe, JWTs.
            (
                re.compile(
                    r"\b(?:sk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}"
                    r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
                    r"|(?:AKIA|ASIA)[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}"
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
                    r"(?i)(?P<pre>(?<!\S)--?[\w-]*"
                    + _SECRET_NAME
                    + r"[\w-]*\s+)(?!-)[^\s\"'&;|]{4,}"
                ),
                r"\g<pre>" + MASK,
            ),
        )
    return _compiled


def redact(text: str) -> str:
    """`text` with every credential-shaped substring replaced by `[REDACTED]`."""
    if len(text) < _SHORTEST:
        return text
    wanted = _wanted(text)
    if not any(wanted):
        return text
    for (pattern, replacement), runs in zip(_patterns(), wanted, strict=True):
        if runs:
            text = pattern.sub(replacement, text)
    return text


_name_pattern: Pattern[str] | None = None
_dash_after_space: Pattern[str] | None = None


def _first_name(low: str) -> int:
    """Where the first secret's name in `low` starts (one C-speed scan; `low` holds one)."""
    global _name_pattern
    if _name_pattern is None:
        import re

        _name_pattern = re.compile("|".join(map(re.escape, _NAMES)))
    found = _name_pattern.search(low)
    return -1 if found is None else found.start()


def _spaced_dash() -> Pattern[str]:
    # Not the flag pattern itself as the check: it starts with a look-behind and
    # backtracks at every "-"; this finds what it must start with at C speed.
    global _dash_after_space
    if _dash_after_space is None:
        import re

        _dash_after_space = re.compile(r"\s-")
    return _dash_after_space


# A JSON object's keys repeat from value to value: each key's verdict is kept (bounded:
# keys are names, but a producer could make many).
_secret_keys: dict[str, bool] = {}


def _is_secret_key(key: str) -> bool:
    found = _secret_keys.get(key)
    if found is not None:
        return found
    global _secret_key
    if _secret_key is None:
        import re

        _secret_key = re.compile(r"(?i)" + _SECRET_NAME + r"s?$")
    found = _secret_key.search(key) is not None
    if len(_secret_keys) >= 4096:
        _secret_keys.clear()
    _secret_keys[key] = found
    return found


def redact_value(value: object) -> object:
    """Redact every string inside a JSON-like value (dicts, lists, scalars). Keys stay;
    a string under a key that names a secret (`{"password": "hunter2"}`) is masked whole,
    since the value alone has no shape to recognise."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return _redact_object(value)
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    return value


def _redact_object(value: dict[object, object]) -> dict[object, object]:
    # `redact_value` per item, unrolled: numbers, booleans and nulls (most of a token
    # record) are kept without a call.
    out: dict[object, object] = {}
    for key, item in value.items():
        if isinstance(item, str):
            secret = item and isinstance(key, str) and _is_secret_key(key)
            out[key] = MASK if secret else redact(item)
        elif isinstance(item, (dict, list)):
            out[key] = redact_value(item)
        else:
            out[key] = item
    return out
