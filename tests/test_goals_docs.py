"""The Python examples in the README and docs/library.md run as written and print what
they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
DOCS = (README, ROOT / "docs" / "library.md")
BLOCKS = [
    (doc, code)
    for doc in DOCS
    for code in re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.DOTALL)
]


def _expected(code: str) -> list[str]:
    """The values the example's `print(...)  # value` comments promise."""
    return [m.strip() for m in re.findall(r"^\s*(?:print|stats\[).*#\s*(.+)$", code, re.M)]


@pytest.mark.parametrize(
    ("doc", "code"), BLOCKS, ids=[f"{doc.stem}-block{i}" for i, (doc, _) in enumerate(BLOCKS)]
)
def test_example_runs(doc: Path, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    from stint.goals import kinds

    kinds._REGISTRY.pop("tutoring", None)  # the example registers it afresh
    exec(compile(code, str(doc), "exec"), {"__name__": "example"})
    printed = capsys.readouterr().out
    for value in _expected(code):
        assert value in printed, f"{value!r} not in output:\n{printed}"


def test_every_seed_has_an_example_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    for seed in ("Seed 002", "Seed 003", "Seed 004"):
        assert f"### {seed}" in text
    assert len(BLOCKS) >= 6
