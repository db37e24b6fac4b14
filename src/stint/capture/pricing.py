"""Token prices per model: a shipped table (`pricing_data.json`) plus the user's
`$STINT_HOME/prices.toml`, and the cost rule ccusage applies, so imported costs agree
with it.

The rule (checked against ccusage 20.0.24): each token kind is priced on its own; a model
with an `above_200k` tier pays the tier price for the part of that kind, in one request,
above 200,000 tokens. One-hour cache writes cost twice the (tiered) input price unless the
table says otherwise.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

TIER_THRESHOLD = 200_000
PRICE_FIELDS = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")
_DATED = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
_VERSION_TAIL = re.compile(r"(?:-v\d+(?::\d+)?|@.*)$")


class PricingError(ValueError):
    """The prices override file is malformed."""


@dataclass(frozen=True)
class Usage:
    """The tokens of one request. For Claude, `input` is uncached input only; for OpenAI
    models the caller passes `input - cached` so the same rule holds."""

    input: int = 0
    output: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    cache_read: int = 0


def _tiered(tokens: int, base: float, above: float | None) -> float:
    if tokens <= 0:
        return 0.0
    if above is None or tokens <= TIER_THRESHOLD:
        return tokens * base
    return TIER_THRESHOLD * base + (tokens - TIER_THRESHOLD) * above


@dataclass(frozen=True)
class Price:
    """USD per million tokens of each kind; `above_200k` the tier, when the model has one."""

    input: float = 0.0
    output: float = 0.0
    cache_write_5m: float = 0.0
    cache_write_1h: float = 0.0
    cache_read: float = 0.0
    above_200k: Price | None = None

    def cost(self, usage: Usage) -> float:
        tier = self.above_200k
        total = 0.0
        for name in PRICE_FIELDS:
            above = getattr(tier, name) if tier is not None else None
            total += _tiered(getattr(usage, name), getattr(self, name), above)
        return total / 1_000_000


def _price(entry: dict[str, Any], base: Price | None = None) -> Price:
    values: dict[str, Any] = {}
    for name in PRICE_FIELDS:
        value = entry.get(name, getattr(base, name) if base else None)
        if value is None:
            # A one-hour cache write costs twice the input, as ccusage assumes.
            value = 2 * float(values["input"]) if name == "cache_write_1h" else 0.0
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise PricingError(f"price {name} must be a non-negative number, not {value!r}")
        values[name] = float(value)
    tier = entry.get("above_200k")
    if isinstance(tier, dict):
        values["above_200k"] = _price(tier, base.above_200k if base else None)
    elif base is not None:
        values["above_200k"] = base.above_200k
    return Price(**values)


def normalize(model: str) -> str:
    """The table key for a model name: lower case, without provider prefix
    (`anthropic/`, `bedrock/…/`), version tail (`-v1:0`, `@20250929`) or date suffix."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    name = re.sub(r"^(?:(?:us|eu|apac|global)\.)?(?:anthropic\.)?", "", name)
    name = _VERSION_TAIL.sub("", name)
    return _DATED.sub("", name)


class PriceTable:
    """Look up prices by model name; unknown names are remembered, not guessed wildly."""

    def __init__(self, models: dict[str, Price], zero_cost: frozenset[str]) -> None:
        self.models = models
        self.zero_cost = zero_cost
        self.unknown: set[str] = set()

    @classmethod
    def load(cls, home: Path | None = None) -> PriceTable:
        """The shipped table, with `home/prices.toml` merged over it when present."""
        text = resources.files("stint.capture").joinpath("pricing_data.json").read_text()
        data = json.loads(text)
        models = {key: _price(entry) for key, entry in data["models"].items()}
        override = home / "prices.toml" if home else None
        if override is not None and override.exists():
            try:
                custom = tomllib.loads(override.read_text(encoding="utf-8")).get("models", {})
            except tomllib.TOMLDecodeError as exc:
                raise PricingError(f"{override}: {exc}") from exc
            for key, entry in custom.items():
                if not isinstance(entry, dict):
                    raise PricingError(f"{override}: [models.{key!r}] must be a table")
                name = normalize(key)
                models[name] = _price(entry, models.get(name))
        return cls(models, frozenset(data.get("zero_cost", [])))

    def lookup(self, model: str) -> Price | None:
        """Exact key, then with a `claude-` prefix, then the longest key the name starts
        with (`claude-opus-4-6-fast` → `claude-opus-4-6`)."""
        name = normalize(model)
        for candidate in (name, f"claude-{name}"):
            if candidate in self.models:
                return self.models[candidate]
        prefixes = [key for key in self.models if name.startswith(key + "-")]
        return self.models[max(prefixes, key=len)] if prefixes else None

    def cost(self, model: str | None, usage: Usage) -> float:
        """USD for one request; 0 for an unknown model (remembered in `unknown`)."""
        if not model or model in self.zero_cost:
            return 0.0
        price = self.lookup(model)
        if price is None:
            self.unknown.add(model)
            return 0.0
        return price.cost(usage)
