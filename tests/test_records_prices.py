"""Issue 10, "Prices and tokens": prices come from genai-prices behind prices.toml, agree
with ccusage, Bedrock regional names pay ccusage's premium, tokens recorded through the
library are priced, unknown models cost 0 with one warning, and `stint prices` says what
a model costs and where that came from."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from stint import Tracker
from stint.pricing.table import PriceTable, Usage

# One request of each token kind, 100,000 tokens (below every long-context tier), and one
# of 300,000 uncached input tokens (above them).
KINDS = {
    "input": Usage(input=100_000),
    "output": Usage(output=100_000),
    "cache_write_5m": Usage(cache_write_5m=100_000),
    "cache_write_1h": Usage(cache_write_1h=100_000),
    "cache_read": Usage(cache_read=100_000),
    "input_300k": Usage(input=300_000),
}
# Non-Claude transcripts (Codex, Gemini) carry no cache writes, so those are not compared.
NO_WRITES = ("input", "output", "cache_read", "input_300k")

# ccusage 20.0.24's cost in USD for each request above, obtained with
#   npm install ccusage@20.0.24; CLAUDE_CONFIG_DIR=DIR ccusage claude session --json --offline
# on a generated transcript with one session per (model, request) (the same one that
# `_ccusage_costs` below writes), reading each session's totalCost.
CCUSAGE = {
    "claude-opus-4-6": (0.5, 2.5, 0.625, 1.0, 0.05, 1.5),
    "claude-opus-4-7": (0.5, 2.5, 0.625, 1.0, 0.05, 1.5),
    "claude-opus-4-1-20250805": (1.5, 7.5, 1.875, 3.0, 0.15, 4.5),
    "claude-opus-4-20250514": (1.5, 7.5, 1.875, 3.0, 0.15, 4.5),
    "claude-sonnet-4-5-20250929": (0.3, 1.5, 0.375, 0.6, 0.03, 1.2),
    "claude-sonnet-4-20250514": (0.3, 1.5, 0.375, 0.6, 0.03, 1.2),
    "claude-sonnet-4-6": (0.3, 1.5, 0.375, 0.6, 0.03, 0.9),
    "claude-haiku-4-5-20251001": (0.1, 0.5, 0.125, 0.2, 0.01, 0.3),
    "claude-3-5-haiku-20241022": (0.08, 0.4, 0.1, 0.16, 0.008, 0.24),
    "claude-opus-4-6-fast": (0.5, 2.5, 0.625, 1.0, 0.05, 1.5),
    "anthropic/claude-opus-4-6": (0.5, 2.5, 0.625, 1.0, 0.05, 1.5),
    "us.anthropic.claude-sonnet-4-5-20250929-v1:0": (0.33, 1.65, 0.4125, 0.66, 0.033, 1.32),
    "jp.anthropic.claude-sonnet-4-5-20250929-v1:0": (0.33, 1.65, 0.4125, 0.66, 0.033, 1.32),
    "au.anthropic.claude-haiku-4-5-20251001-v1:0": (0.11, 0.55, 0.1375, 0.22, 0.011, 0.33),
    "eu.anthropic.claude-opus-4-6-v1": (0.55, 2.75, 0.6875, 1.1, 0.055, 1.65),
    "bedrock/us.anthropic.claude-opus-4-6-v1": (0.55, 2.75, 0.6875, 1.1, 0.055, 1.65),
    "global.anthropic.claude-opus-4-6-v1": (0.5, 2.5, 0.625, 1.0, 0.05, 1.5),
    "gpt-5": (0.125, 1.0, None, None, 0.0125, 0.375),
    "gpt-5-codex": (0.125, 1.0, None, None, 0.0125, 0.375),
    "gpt-5.5": (0.5, 3.0, None, None, 0.05, 3.0),
    "gemini-2.5-pro": (0.125, 1.0, None, None, 0.0125, 0.75),
    "gemini-2.5-flash": (0.03, 0.25, None, None, 0.003, 0.09),
}
# ccusage 20.0.24 prices o3 and o4-mini at half OpenAI's list price (o3 at o3-mini's batch
# price, $0.55 / $2.20); stint keeps the list price genai-prices has ($2 / $8, $1.10 /
# $4.40), so these two are the one known disagreement, kept visible here.
CCUSAGE_HALF = {"o3": (2.0, 8.0, 0.5), "o4-mini": (1.1, 4.4, 0.275)}


def _ccusage_costs(binary: Path, models: list[str], root: Path) -> dict[str, list[float]]:
    """Run ccusage on one generated transcript per (model, request); its cost of each."""
    project = root / "projects" / "-tmp-prices"
    project.mkdir(parents=True)
    names: dict[str, tuple[str, int]] = {}
    for model in models:
        for index, usage in enumerate(KINDS.values()):
            sid = str(uuid.uuid4())
            names[sid] = (model, index)
            tokens = {
                "input_tokens": usage.input,
                "output_tokens": usage.output,
                "cache_creation_input_tokens": usage.cache_write_5m + usage.cache_write_1h,
                "cache_read_input_tokens": usage.cache_read,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": usage.cache_write_5m,
                    "ephemeral_1h_input_tokens": usage.cache_write_1h,
                },
            }
            line = {
                "parentUuid": None,
                "isSidechain": False,
                "type": "assistant",
                "sessionId": sid,
                "cwd": "/tmp/prices",
                "uuid": str(uuid.uuid4()),
                "requestId": f"req_{sid}",
                "timestamp": "2026-01-05T10:00:00.000Z",
                "message": {
                    "id": f"msg_{sid}",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "text", "text": "ok"}],
                    "usage": tokens,
                },
            }
            # ccusage scans for `"usage":{`, so the compact separators matter
            text = json.dumps(line, separators=(",", ":")) + "\n"
            (project / f"{sid}.jsonl").write_text(text)
    done = subprocess.run(
        [str(binary), "claude", "session", "--json", "--offline"],
        env={**os.environ, "CLAUDE_CONFIG_DIR": str(root)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found = {model: [0.0] * len(KINDS) for model in models}
    for row in json.loads(done.stdout)["sessions"]:
        model, index = names[row["sessionId"]]
        found[model][index] = float(row["totalCost"])
    return found


def _assert_agrees(model: str, theirs: tuple[float | None, ...] | list[float]) -> None:
    table = PriceTable.load(None)
    for (kind, usage), expected in zip(KINDS.items(), theirs, strict=True):
        if expected is None or (kind not in NO_WRITES and not model.count("claude")):
            continue
        ours = table.cost(model, usage)
        assert ours == pytest.approx(expected, rel=0.005), (model, kind, ours, expected)


@pytest.mark.parametrize("model", sorted(CCUSAGE))
def test_cost_equals_ccusage_recorded_figures(model: str) -> None:
    _assert_agrees(model, CCUSAGE[model])


@pytest.mark.parametrize("model", sorted(CCUSAGE_HALF))
def test_o_series_keeps_the_list_price_ccusage_halves(model: str) -> None:
    inp, out, read = CCUSAGE_HALF[model]
    table = PriceTable.load(None)
    assert table.cost(model, KINDS["input"]) == pytest.approx(inp / 10)
    assert table.cost(model, KINDS["output"]) == pytest.approx(out / 10)
    assert table.cost(model, KINDS["cache_read"]) == pytest.approx(read / 10)


@pytest.mark.slow
def test_cost_equals_ccusage_run_now(tmp_path: Path) -> None:
    """The recorded figures still hold: ccusage itself, when npm can install it."""
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    where = Path(os.environ.get("STINT_CCUSAGE_DIR", "/tmp/stint-ccusage"))
    binary = where / "node_modules" / ".bin" / "ccusage"
    if not binary.exists():
        install = ["npm", "install", "--silent", "--prefix", str(where), "ccusage@20.0.24"]
        if subprocess.run(install, capture_output=True, timeout=300).returncode != 0:
            pytest.skip("ccusage could not be installed")
    found = _ccusage_costs(binary, sorted(CCUSAGE), tmp_path / "claude")
    for model, costs in found.items():
        recorded = CCUSAGE[model]
        assert costs == pytest.approx(
            [c if c is not None else costs[i] for i, c in enumerate(recorded)]
        )
        _assert_agrees(model, costs)


def test_library_tokens_are_priced_and_set_the_model(tracker: Tracker) -> None:
    s = tracker.begin(intention="price my tokens")
    s.interaction(
        "response", "ok", model="claude-opus-4-6", input_tokens=100_000, output_tokens=10_000
    )
    s.interaction("response", "ok", model="gpt-5", input_tokens=0, output_tokens=100_000)
    session = tracker.get(s.id)
    # 100k × $5 + 10k × $25 on Opus 4.6, then 100k × $10 on GPT-5 (per million)
    assert session.row["cost_usd"] == pytest.approx(0.5 + 0.25 + 1.0)
    assert session.ai_model == "claude-opus-4-6"  # the first model named, then kept


def test_unknown_model_costs_zero_and_warns_once(
    tracker: Tracker, caplog: pytest.LogCaptureFixture
) -> None:
    s = tracker.begin(intention="an unpriced model")
    model = f"acme-{uuid.uuid4().hex[:8]}"  # new to this process: the warning is once each
    with caplog.at_level(logging.WARNING, logger="stint.pricing"):
        for _ in range(3):
            s.interaction("response", "ok", model=model, input_tokens=5, output_tokens=5)
    assert tracker.get(s.id).row["cost_usd"] == 0
    assert tracker.get(s.id).row["input_tokens"] == 15
    warned = [r for r in caplog.records if model in r.getMessage()]
    assert len(warned) == 1


def test_prices_command_shows_cost_and_source(tmp_path: Path) -> None:
    from stint.cli import cli

    runner = CliRunner()
    env = {"STINT_HOME": str(tmp_path)}
    done = runner.invoke(cli, ["prices", "au.anthropic.claude-haiku-4-5-20251001-v1:0"], env=env)
    assert done.exit_code == 0, done.output
    assert "genai-prices" in done.output and "regional" in done.output
    assert "1.1" in done.output  # $1 input × 1.1
    (tmp_path / "prices.toml").write_text('[models."claude-haiku-4-5"]\ninput = 2\n')
    done = runner.invoke(cli, ["prices", "claude-haiku-4-5-20251001", "--json"], env=env)
    data = json.loads(done.output)
    assert data["input"] == 2 and data["output"] == 5
    assert "prices.toml" in data["source"] and "genai-prices" in data["source"]
    done = runner.invoke(cli, ["prices", "acme-9000-x"], env=env)
    assert done.exit_code == 1 and "no price for model 'acme-9000-x'" in done.output
    done = runner.invoke(cli, ["prices", "--json"], env=env)
    assert json.loads(done.output)["override_models"] == ["claude-haiku-4-5"]
