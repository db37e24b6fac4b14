"""The Python examples in docs/library.md run as written and print what they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parent.parent / "docs" / "library.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def _expected(code: str) -> list[str]:
    """The values the example's `print(...)  # value` comments promise."""
    return [m.strip() for m in re.findall(r"^\s*(?:print|stats\[).*#\s*(.+)$", code, re.M)]


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code: str, capsys: pytest.CaptureFixture[str]) -> None:
    from stint import kinds

    kinds._REGISTRY.pop("tutoring", None)  # the example registers it afresh
    exec(compile(code, str(DOC), "exec"), {"__name__": "example"})
    printed = capsys.readouterr().out
    for value in _expected(code):
        assert value in printed, f"{value!r} not in output:\n{printed}"


def test_every_seed_has_an_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    for seed in ("Seed 002", "Seed 003", "Seed 004"):
        assert f"## {seed}" in text
    assert len(BLOCKS) >= 5
