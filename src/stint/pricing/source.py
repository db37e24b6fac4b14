"""Prices from genai-prices (pydantic's maintained price data, shipped offline in its
wheel), turned into stint's `Price`. Imported lazily: the package takes most of a second
to load, which no command that prices nothing should pay — nor one that prices only the
models it priced before: `Remembered` keeps each name's answer in a file under
the user's cache directory for as long as the same genai-prices data and the same UTC day hold."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal

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


Answer = tuple[Price, str] | None


def _data_stamp() -> str | None:
    """Which genai-prices data and which day `lookup` answers for, found without importing
    the package: its data module's size and modification time, and today's UTC date
    (a price can change on a date the data names). None: the package is not there."""
    spec = find_spec("genai_prices")
    if spec is None or spec.origin is None:
        return None
    try:
        data = os.stat(Path(spec.origin).with_name("data.py"))
    except OSError:
        return None
    return f"{data.st_size}:{data.st_mtime_ns}:{datetime.now(UTC).date().isoformat()}"


def _price_of(found: dict[str, Any]) -> Price:
    tier = found.get("above_200k")
    return Price(**{**found, "above_200k": None if tier is None else _price_of(tier)})


class Remembered:
    """`lookup`'s answers kept in `path` (JSON) for the data and day of `_data_stamp`: a
    process that prices only names it priced before never imports genai-prices. A file
    that cannot be read or written is as if there were none (the answer is looked up)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stamp = _data_stamp()
        self.answers: dict[str, Any] = {}
        self.resolved: dict[str, Answer] = {}
        self.models: dict[str, tuple[Price, str]] = {}  # by source: one per model
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = None
        if isinstance(kept, dict) and kept.get("stamp") == self.stamp:
            answers = kept.get("answers")
            self.answers = answers if isinstance(answers, dict) else {}

    def lookup(self, name: str) -> Answer:
        if self.stamp is None:
            return lookup(name)
        if name not in self.resolved:
            found = self._kept(name)
            if found is False:
                found = lookup(name)
                self.answers[name] = None if found is None else [asdict(found[0]), found[1]]
                self._save()
            # one Price per model, whatever name reached it (as `lookup` gives)
            self.resolved[name] = None if found is None else self.models.setdefault(found[1], found)
        return self.resolved[name]

    def _kept(self, name: str) -> Answer | Literal[False]:
        """The remembered answer, or False when there is none (or it is damaged)."""
        if name not in self.answers:
            return False
        try:
            kept = self.answers[name]
            return None if kept is None else (_price_of(kept[0]), str(kept[1]))
        except (AttributeError, TypeError, ValueError, KeyError, IndexError):
            return False

    def _save(self) -> None:
        data = json.dumps({"stamp": self.stamp, "answers": self.answers})
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(data, encoding="utf-8")
            os.replace(temporary, self.path)  # readers see the old file or the new one
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
