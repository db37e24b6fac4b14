"""The cost of one request from its tokens and a model's prices: each token kind priced
on its own, with the model's long-context tier applied as ccusage 20.0.24 applies it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

TIER_THRESHOLD = 200_000
PRICE_FIELDS = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")


@dataclass(frozen=True)
class Usage:
    """The tokens of one request. For Claude, `input` is uncached input only; for OpenAI
    models the caller passes `input - cached` so the same rule holds."""

    input: int = 0
    output: int = 0
    cache_write_5m: int = 0
    cache_write_1h: int = 0
    cache_read: int = 0


def _tiered(tokens: int, base: float, above: float | None, start: int) -> float:
    if tokens <= 0:
        return 0.0
    if above is None or tokens <= start:
        return tokens * base
    return start * base + (tokens - start) * above


@dataclass(frozen=True)
class Price:
    """USD per million tokens of each kind; `above_200k` the tier, when the model has one,
    from `tier_start` tokens. With `whole_request`, a request whose input (uncached +
    cache reads + writes) passes `tier_start` pays the tier for all its tokens; without,
    only the part of each kind above `tier_start` does."""

    input: float = 0.0
    output: float = 0.0
    cache_write_5m: float = 0.0
    cache_write_1h: float = 0.0
    cache_read: float = 0.0
    above_200k: Price | None = None
    whole_request: bool = False
    tier_start: int = TIER_THRESHOLD

    def cost(self, usage: Usage) -> float:
        tier = self.above_200k
        if tier is not None and self.whole_request:
            prompt = usage.input + usage.cache_read + usage.cache_write_5m + usage.cache_write_1h
            prices = tier if prompt > self.tier_start else self
            total = sum(float(getattr(usage, n) * getattr(prices, n)) for n in PRICE_FIELDS)
            return total / 1_000_000
        total = 0.0
        for name in PRICE_FIELDS:
            above = getattr(tier, name) if tier is not None else None
            total += _tiered(getattr(usage, name), getattr(self, name), above, self.tier_start)
        return total / 1_000_000

    def scaled(self, factor: float) -> Price:
        """Every price (tier included) times `factor`."""
        tier = self.above_200k.scaled(factor) if self.above_200k is not None else None
        return replace(
            self,
            input=self.input * factor,
            output=self.output * factor,
            cache_write_5m=self.cache_write_5m * factor,
            cache_write_1h=self.cache_write_1h * factor,
            cache_read=self.cache_read * factor,
            above_200k=tier,
        )

    @classmethod
    def of(cls, values: dict[str, float], **rest: Any) -> Price:
        """A Price from {kind: USD per million} and the tier settings in `rest`."""
        get = values.get
        return cls(
            get("input", 0.0),
            get("output", 0.0),
            get("cache_write_5m", 0.0),
            get("cache_write_1h", 0.0),
            get("cache_read", 0.0),
            **rest,
        )
