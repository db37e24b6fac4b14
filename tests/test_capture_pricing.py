"""Prices and the cost rule (ccusage's: tiers per token kind, per request; one-hour cache
writes at twice the input price), model-name normalisation, and the edit line counts
shared with the hooks."""

from __future__ import annotations

from pathlib import Path

import pytest

from stint.pricing.table import PriceTable, PricingError, Usage, normalize


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("anthropic/claude-opus-4-6", "claude-opus-4-6"),
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
        ("claude-opus-4-1@20250805", "claude-opus-4-1"),
        ("GPT-5-Codex", "gpt-5-codex"),
    ],
)
def test_normalize(name: str, key: str) -> None:
    assert normalize(name) == key


def test_lookup_falls_back_to_the_longest_known_prefix(tmp_path: Path) -> None:
    table = PriceTable.load(tmp_path)
    assert table.lookup("claude-opus-4-6-fast") is table.lookup("claude-opus-4-6")
    assert table.lookup("opus-4-5") is table.lookup("claude-opus-4-5")
    assert table.lookup("claude-opus-4-20250514") is table.lookup("claude-opus-4")
    assert table.lookup("claude-unknown") is None


def test_tiers_apply_per_token_kind_above_200k(tmp_path: Path) -> None:
    table = PriceTable.load(tmp_path)
    # Sonnet 4.5 has a tier: 3 → 6 input, 15 → 22.5 output, 3.75 → 7.5 write, 0.3 → 0.6 read.
    usage = Usage(input=250_000, output=300_000, cache_write_5m=210_000, cache_read=400_000)
    expected = (200_000 * 3 + 50_000 * 6) + (200_000 * 15 + 100_000 * 22.5)
    expected += (200_000 * 3.75 + 10_000 * 7.5) + (200_000 * 0.3 + 200_000 * 0.6)
    assert table.cost("claude-sonnet-4-5-20250929", usage) == pytest.approx(expected / 1e6)
    # Opus 4.6 has none; a one-hour cache write costs twice the input.
    usage = Usage(input=300_000, cache_write_5m=1000, cache_write_1h=2000)
    expected = 300_000 * 5 + 1000 * 6.25 + 2000 * 10
    assert table.cost("claude-opus-4-6", usage) == pytest.approx(expected / 1e6)
    assert table.cost("<synthetic>", usage) == 0 and not table.unknown


def test_override_file_merges_and_validates(tmp_path: Path) -> None:
    (tmp_path / "prices.toml").write_text(
        '[models."claude-haiku-4-5"]\noutput = 50\n[models."claude-haiku-4-5".above_200k]\n'
        "input = 2\n"
    )
    table = PriceTable.load(tmp_path)
    price = table.lookup("claude-haiku-4-5-20251001")
    assert price is not None and (price.input, price.output) == (1.0, 50.0)
    assert price.above_200k is not None and price.above_200k.input == 2.0
    (tmp_path / "prices.toml").write_text('[models."x"]\ninput = "cheap"\n')
    with pytest.raises(PricingError):
        PriceTable.load(tmp_path)
