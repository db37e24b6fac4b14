"""docs/architecture.md stays true: every package, module and name it mentions exists, and
the layers it draws are the import-linter contract's."""

from __future__ import annotations

import importlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_every_path_named_exists() -> None:
    paths = set(re.findall(r"`(stint/[\w/.]*)`", DOC))
    assert paths
    missing = [p for p in sorted(paths) if not (SRC / p).exists()]
    assert not missing


def test_every_module_listed_under_a_package_exists() -> None:
    bullets = re.findall(r"^\* `stint/(\w+)/`(.*?)(?=^\* |^#|\Z)", DOC, re.M | re.S)
    assert len(bullets) >= 6
    missing = []
    for package, text in bullets:
        for name in re.findall(r"`([\w]+(?:\.py|/))`", text):
            if not (SRC / "stint" / package / name).exists():
                missing.append(f"stint/{package}/{name}")
    assert not missing


def test_every_dotted_name_resolves() -> None:
    names = set(re.findall(r"`(stint(?:\.\w+)+)`", DOC))
    assert names
    for dotted in sorted(names):
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                found: object = importlib.import_module(".".join(parts[:cut]))
            except ModuleNotFoundError:
                continue
            for attribute in parts[cut:]:
                found = getattr(found, attribute)
            break
        else:
            pytest.fail(f"{dotted} does not resolve")


def test_the_layers_drawn_are_the_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    drawn = re.search(r"```\n(.*?)```", DOC, re.S)
    assert drawn is not None
    lines = [line.split("  ")[0].strip() for line in drawn[1].splitlines() if line.strip()]
    assert lines == layers
    for layer in layers:
        for name in layer.split("|"):
            module = name.strip()
            assert (SRC / "stint" / module).is_dir() or (SRC / "stint" / f"{module}.py").exists()


def test_import_contracts_hold() -> None:
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint_imports is None:
        pytest.skip("import-linter is not installed")
    result = subprocess.run(
        [lint_imports, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
