"""Prices from genai-prices (pydantic's maintained price data, shipped offline in its
wheel), turned into stint's `Price`. Imported lazily: the package takes most of a second
to load, which no command that prices nothing should pay."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from stint.pricing.rule import TIER_THRESHOLD, Price

# genai-prices field → stint's; a field it does not have follows the rule in `_price`.
_FIELDS = {
    "input": "input_mtok",
    "output": "output_mtok",
    "cache_write_5m": "cache_write_mtok",
    "cache_write_1h": "cache_write_1h_mtok",
    "cache_read": "cache_read_mtok",
}


@cache
def package_version() -> str | None:
    try:
        return version("genai-prices")
    except PackageNotFoundError:
        return None


def _split(value: Any) -> tuple[float | None, float | None, int | None]:
    """(base, tier price, tier start) of a genai-prices price: a Decimal or tiers."""
    if value is None:
        return None, None, None
    if isinstance(value, Decimal | int | float):
        return float(value), None, None
    tiers = list(getattr(value, "tiers", []) or [])
    base = float(value.base)
    if not tiers:
        return base, None, None
    # ccusage knows one tier; the first one is the one a long request reaches.
    return base, float(tiers[0].price), int(tiers[0].start)


def _price(prices: Any, anthropic: bool) -> Price:
    base: dict[str, float] = {}
    above: dict[str, float] = {}
    start: int | None = None
    for ours, theirs in _FIELDS.items():
        value, tier, tier_start = _split(getattr(prices, theirs, None))
        if value is None:
            continue
        base[ours] = value
        if tier is not None:
            above[ours] = tier
            start = tier_start if start is None else start
    inp = base.get("input", 0.0)
    # Missing cache prices: a cache write costs the input price (OpenAI and Google do not
    # charge for writes), a one-hour write twice the input (Anthropic's and ccusage's rule).
    base.setdefault("cache_write_5m", inp)
    base.setdefault("cache_write_1h", 2 * inp)
    base.setdefault("cache_read", inp)
    tier_price = None
    if above:
        tin = above.get("input", inp)
        above.setdefault("cache_write_5m", above.get("input", base["cache_write_5m"]))
        above.setdefault("cache_write_1h", 2 * tin)
        above = {name: above.get(name, value) for name, value in base.items()}
        tier_price = Price.of(above)
    return Price.of(
        base,
        above_200k=tier_price,
        # Claude: the tier prices the part of each token kind above the threshold, as
        # LiteLLM's data does and ccusage applies; elsewhere (Gemini, GPT-5.5) a request
        # whose input passes the threshold pays the tier price for all of it, as the
        # provider bills and genai-prices (and ccusage) compute.
        whole_request=not anthropic,
        tier_start=TIER_THRESHOLD if anthropic or start is None else start,
    )


_BY_MODEL: dict[tuple[str, str], tuple[Price, str]] = {}


@cache
def lookup(name: str) -> tuple[Price, str] | None:
    """The price of `name` (already stripped of region and provider prefixes) and where
    it came from, or None when genai-prices does not know the model."""
    try:
        from genai_prices import data_snapshot
    except ImportError:  # pragma: no cover - a dependency, but never crash on pricing
        return None
    snapshot = data_snapshot.get_snapshot()
    try:
        provider, model = snapshot.find_provider_model(name, None, None, None)
    except LookupError:
        return None
    key = (str(provider.id), str(model.id))
    if key not in _BY_MODEL:  # one Price per model, whatever name reached it
        prices = model.get_prices(datetime.now(UTC))
        if getattr(prices, "input_mtok", None) is None:
            return None
        price = _price(prices, anthropic=provider.id == "anthropic")
        _BY_MODEL[key] = price, f"genai-prices {package_version()} ({key[0]}/{key[1]})"
    return _BY_MODEL[key]
