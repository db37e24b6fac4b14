"""`stint end`, `stint show` and `stint health` print the session's code health."""

from __future__ import annotations

import json
from pathlib import Path

import lizard

from conftest import git, run_stint

BRANCHY = (
    "def classify(x):\n"
    + "".join(f"    if x == {i}:\n        return {i}\n" for i in range(16))
    + "    return -1\n"
)


def test_end_show_and_health_report_the_change(repo: Path) -> None:
    (repo / "app.py").write_text("def f(x):\n    if x:\n        return 1\n    return 0\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "before")
    before = lizard.analyze_file(str(repo / "app.py"))
    assert run_stint("start", "--goal", "grow", cwd=repo).returncode == 0
    (repo / "app.py").write_text((repo / "app.py").read_text() + BRANCHY)
    after = lizard.analyze_file(str(repo / "app.py"))
    delta = sum(f.cyclomatic_complexity for f in after.function_list) - sum(
        f.cyclomatic_complexity for f in before.function_list
    )
    assert delta == 17

    ended = run_stint("end", cwd=repo, env={"COLUMNS": "200"})
    assert ended.returncode == 0, ended.stderr
    assert "Code health: complexity +17 over 1 file" in ended.stdout
    assert "1 new function over 15" in ended.stdout

    shown = run_stint("show", "--json", cwd=repo)
    assert json.loads(shown.stdout)["health"]["ccn_delta"] == 17

    text = run_stint("health", cwd=repo, env={"COLUMNS": "200"})
    assert text.returncode == 0, text.stderr
    assert "complexity +17 over 1 file" in text.stdout and "app.py" in text.stdout
    assert "classify( x )" in text.stdout

    data = json.loads(run_stint("health", "last", "--json", cwd=repo).stdout)
    assert data["stored"] is True and data["summary"]["complex_added"] == 1
    assert data["files"][0]["path"] == "app.py" and data["files"][0]["ccn_after"] == 19

    again = json.loads(run_stint("health", "--measure", "--json", cwd=repo).stdout)
    # An ended session measured again counts what it committed: nothing was.
    assert again["stored"] is False and again["summary"]["files_measured"] == 0


def test_health_of_an_open_session_is_measured_now(repo: Path) -> None:
    assert run_stint("start", cwd=repo).returncode == 0
    (repo / "new.py").write_text(BRANCHY)
    data = json.loads(run_stint("health", "current", "--json", cwd=repo).stdout)
    assert data["stored"] is False and data["summary"]["ccn_after"] == 17


def test_health_of_an_unknown_session_is_one_line(repo: Path) -> None:
    result = run_stint("health", "#999", cwd=repo)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_health_off_in_config_prints_nothing_at_end(repo: Path, stint_home: Path) -> None:
    stint_home.mkdir(parents=True, exist_ok=True)
    (stint_home / "config.toml").write_text("health = false\n")
    assert run_stint("start", cwd=repo).returncode == 0
    (repo / "new.py").write_text(BRANCHY)
    ended = run_stint("end", cwd=repo)
    assert ended.returncode == 0 and "Code health" not in ended.stdout


def test_stats_by_model_and_cohorts_print_the_complexity_delta(repo: Path) -> None:
    for model, text in (("model-a", BRANCHY), ("model-b", "def g(y):\n    return y\n")):
        assert run_stint("start", "--model", model, cwd=repo).returncode == 0
        (repo / f"{model}.py").write_text(text)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", model)
        assert run_stint("end", cwd=repo).returncode == 0
    wide = {"COLUMNS": "250"}
    stats = run_stint("stats", "--by", "model", cwd=repo, env=wide)
    assert stats.returncode == 0, stats.stderr
    assert "complexity Δ" in stats.stdout
    rows = {line.split()[1]: line for line in stats.stdout.splitlines() if "model-" in line}
    assert rows["model-a"].rstrip(" │").split()[-1] == "17.0"
    data = json.loads(run_stint("stats", "--by", "model", "--json", cwd=repo).stdout)
    assert {r["key"]: r["mean_ccn_delta"] for r in data} == {"model-a": 17.0, "model-b": 1.0}
    cohorts = run_stint(
        "compare", "--cohort", "model=model-a", "--cohort", "model=model-b", cwd=repo, env=wide
    )
    assert cohorts.returncode == 0, cohorts.stderr
    assert "complexity delta" in cohorts.stdout
