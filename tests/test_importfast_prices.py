"""genai-prices' answers are remembered in the user's cache directory: a later table
prices the same names the same way without importing genai-prices, and a changed data
stamp (a new wheel, a new day) or a damaged file looks them up again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stint.pricing import source
from stint.pricing.table import PriceTable, Usage, price_cache

MODELS = ("claude-sonnet-4-5-20250929", "claude-opus-4-1", "us.anthropic.claude-haiku-4-5", "x")
USAGE = Usage(1_000, 250_000, 300_000, 20_000, 9_000_000)


def _costs(home: Path) -> list[tuple[float, str | None]]:
    table = PriceTable.load(home)
    quotes = [table.quote(m) for m in MODELS]
    return [
        (table.cost(m, USAGE), q.source if q else None) for m, q in zip(MODELS, quotes, strict=True)
    ]


def test_remembered_answers_are_the_looked_up_ones(tmp_path: Path) -> None:
    first = _costs(tmp_path / "a")
    kept = json.loads(price_cache().read_text())
    assert set(kept["answers"]) >= {"claude-sonnet-4-5-20250929", "x", "claude-x"}
    assert kept["answers"]["x"] is None
    assert _costs(tmp_path / "b") == first  # a new home, the same machine
    assert first[-1] == (0.0, None) and all(cost > 0 for cost, _ in first[:-1])


def test_a_later_process_prices_without_genai_prices(tmp_path: Path) -> None:
    _costs(tmp_path / "a")
    probe = (
        "import sys; from pathlib import Path; from stint.pricing.table import PriceTable, Usage;"
        f"t = PriceTable.load(Path({str(tmp_path / 'b')!r}));"
        f"print(t.cost({MODELS[0]!r}, Usage(1, 2, 3, 4, 5)));"
        "print('genai_prices' in sys.modules)"
    )
    cached = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert cached.stdout.split()[1] == "False", cached.stderr
    expected = PriceTable.load(tmp_path / "c").cost(MODELS[0], Usage(1, 2, 3, 4, 5))
    assert float(cached.stdout.split()[0]) == expected


@pytest.mark.parametrize("damage", ["stamp", "entry", "file"])
def test_a_stale_or_damaged_cache_is_looked_up_again(tmp_path: Path, damage: str) -> None:
    first = _costs(tmp_path / "a")
    path = price_cache()
    kept = json.loads(path.read_text())
    if damage == "stamp":
        kept["stamp"] = "another day"
        kept["answers"]["claude-sonnet-4-5-20250929"][0]["output"] = 999.0  # never trusted
        path.write_text(json.dumps(kept))
    elif damage == "entry":
        kept["answers"]["claude-sonnet-4-5-20250929"] = ["not a price", 1]
        path.write_text(json.dumps(kept))
    else:
        path.write_text("{not json")
    assert _costs(tmp_path / "b") == first
    assert source.Remembered(path).answers  # written back whole


def test_an_unwritable_cache_only_costs_the_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _costs(tmp_path / "a")[0][0] > 0
