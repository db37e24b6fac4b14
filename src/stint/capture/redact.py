"""Capture's text rules: prompt and tool text kept only under the `full` policy, and no
lone surrogates (`storable`). Credentials are masked by `stint.model.redaction`, which the
store applies to every write; capture also redacts early, before cutting text to size."""

from __future__ import annotations

import json
from typing import Any

from stint.model.redaction import MASK, redact, redact_value

# The redactor itself lives below capture so the store can run it on every write.
__all__ = ["MASK", "redact", "redact_value", "storable", "text_under_policy"]


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
