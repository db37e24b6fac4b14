"""Token prices per model: genai-prices' maintained data (`stint.pricing.source`), the few
figures it lacks (`extra.toml`), and the user's `$STINT_HOME/prices.toml` over
both; and the cost rule ccusage 20.0.24 applies (`stint.pricing.rule`), so imported costs
agree with it. ccusage also charges 10% more for Bedrock's regional endpoints (model
names starting `us.`, `eu.`, `jp.` or `au.`; not `global.` or `apac.`), and so does stint.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from stint.pricing import source as price_source
from stint.pricing.rule import PRICE_FIELDS, TIER_THRESHOLD, Price, Usage

__all__ = ["PRICE_FIELDS", "TIER_THRESHOLD", "Price", "PriceTable", "PricingError", "Usage"]

log = logging.getLogger("stint.pricing")
ZERO_COST = frozenset({"<synthetic>"})  # Claude Code's own placeholder messages
REGIONAL_PREMIUM = 1.1
_REGIONAL = re.compile(r"^(?:us|eu|jp|au)\.")
_REGION = re.compile(r"^(?:(?:us|eu|jp|au|apac|global)\.)?(?:anthropic\.)?")
_DATED = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
_VERSION_TAIL = re.compile(r"(?:-v\d+(?::\d+)?|@.*)$")
_WARNED: set[str] = set()
PRICE_CACHE = "genai-prices.json"  # genai-prices' answers (source.Remembered)


def price_cache() -> Path:
    """Where genai-prices' answers are kept: the user's cache directory, not STINT_HOME,
    since they hold for every store on the machine (a first import into a new home too);
    the user's prices.toml is applied over them as over genai-prices itself."""
    from platformdirs import user_cache_dir  # deferred: only when a table is loaded

    return Path(user_cache_dir("stint", appauthor=False)) / PRICE_CACHE


class PricingError(ValueError):
    """The prices override file is malformed."""


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
    return replace(base, **values) if base is not None else Price(**values)


def _bare(model: str) -> str:
    """Lower case, without provider path, region, `anthropic.` or version tail."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    return _VERSION_TAIL.sub("", _REGION.sub("", name))


def normalize(model: str) -> str:
    """The table key for a model name: lower case, without provider prefix
    (`anthropic/`, `bedrock/…/`, `us.anthropic.`), version tail (`-v1:0`, `@20250929`)
    or date suffix."""
    return _DATED.sub("", _bare(model))


def regional(model: str) -> bool:
    """A Bedrock regional-endpoint name (`us.anthropic.claude-…`), which costs 10% more."""
    return bool(_REGIONAL.match(model.strip().lower().rsplit("/", 1)[-1]))


@dataclass(frozen=True)
class Quote:
    """What one model name costs and where the figures came from."""

    model: str
    key: str
    price: Price
    source: str


def _read_models(text: str, where: str) -> dict[str, dict[str, Any]]:
    try:
        models = tomllib.loads(text).get("models", {})
    except tomllib.TOMLDecodeError as exc:
        raise PricingError(f"{where}: {exc}") from exc
    if not isinstance(models, dict):
        raise PricingError(f"{where}: [models] must be a table")
    found: dict[str, dict[str, Any]] = {}
    for key, entry in models.items():
        if not isinstance(entry, dict):
            raise PricingError(f"{where}: [models.{key!r}] must be a table")
        try:
            _price(entry)  # refuse a bad file when it is read, not at the first request
        except PricingError as exc:
            raise PricingError(f"{where}: [models.{key!r}] {exc}") from exc
        found[normalize(key)] = entry
    return found


def _match(key: str, entries: dict[str, Any], prefix: bool) -> str | None:
    """Exact key, then with a `claude-` prefix, then (with `prefix`) the longest key the
    name starts with (`claude-opus-4-6-fast` → `claude-opus-4-6`)."""
    for candidate in (key, f"claude-{key}"):
        if candidate in entries:
            return candidate
    if not prefix:
        return None
    prefixes = [known for known in entries if key.startswith(known + "-")]
    return max(prefixes, key=len) if prefixes else None


class PriceTable:
    """Look up prices by model name, once per name; unknown names are remembered (and
    logged once per process), not guessed wildly."""

    def __init__(
        self,
        overrides: dict[str, dict[str, Any]] | None = None,
        extra: dict[str, dict[str, Any]] | None = None,
        override_file: Path | None = None,
        remembered: price_source.Remembered | None = None,
    ) -> None:
        self.overrides = overrides or {}
        self.remembered = remembered
        self.extra = extra or {}
        self.override_file = override_file
        self.unknown: set[str] = set()
        self._quotes: dict[str, Quote | None] = {}

    @classmethod
    def load(cls, home: Path | None = None) -> PriceTable:
        """genai-prices and the shipped supplement, with `home/prices.toml` over them."""
        shipped = resources.files("stint.pricing").joinpath("extra.toml")
        extra = _read_models(shipped.read_text(encoding="utf-8"), "extra.toml")
        override = home / "prices.toml" if home else None
        overrides: dict[str, dict[str, Any]] = {}
        if override is not None and override.exists():
            overrides = _read_models(override.read_text(encoding="utf-8"), str(override))
        else:
            override = None
        remembered = price_source.Remembered(price_cache()) if home else None
        return cls(overrides, extra, override, remembered)

    def quote(self, model: str) -> Quote | None:
        """The price of `model` with its source, or None when no source knows it."""
        if model not in self._quotes:
            self._quotes[model] = self._quote(model)
        return self._quotes[model]

    def _quote(self, model: str) -> Quote | None:
        bare, key = _bare(model), normalize(model)
        found = None
        for name in dict.fromkeys((bare, key, f"claude-{key}")):
            found = (self.remembered or price_source).lookup(name)
            if found is not None:
                break
        price, sources = (found[0], [found[1]]) if found else (None, [])
        known = found is not None
        for entries, label, own in (
            (self.extra, "stint's supplement", False),
            (self.overrides, str(self.override_file), True),
        ):
            # A prefix match only for a model no source knows: `claude-sonnet-4` must not
            # reprice `claude-sonnet-4-6`, which genai-prices knows on its own.
            entry_key = _match(key, entries, prefix=found is None)
            if entry_key is not None:
                price = _price(entries[entry_key], price)
                sources.append(f"{label} [models.{entry_key!r}]")
                # The supplement only completes a known model; the user's file may add one.
                known = known or own
        if price is None or not known:
            return None
        if regional(model):
            price = price.scaled(REGIONAL_PREMIUM)
            sources.append("+10% regional endpoint (as ccusage)")
        return Quote(model, key, price, "; ".join(sources))

    def lookup(self, model: str) -> Price | None:
        quote = self.quote(model)
        return quote.price if quote else None

    def cost(self, model: str | None, usage: Usage) -> float:
        """USD for one request; 0 for an unknown model (remembered in `unknown`)."""
        if not model or model in ZERO_COST:
            return 0.0
        price = self.lookup(model)
        if price is None:
            self.unknown.add(model)
            if model not in _WARNED:
                _WARNED.add(model)
                log.warning("no price for model %r: its cost is counted as 0", model)
            return 0.0
        return price.cost(usage)


_SHARED: dict[tuple[Path, int], PriceTable] = {}


def shared_table(home: Path) -> PriceTable:
    """One table per STINT_HOME and version of its prices.toml, for callers that price a
    request at a time (the library) and should not re-read files on each."""
    override = home / "prices.toml"
    stamp = override.stat().st_mtime_ns if override.exists() else 0
    key = (home, stamp)
    if key not in _SHARED:
        _SHARED[key] = PriceTable.load(home)
    return _SHARED[key]
