"""Pure pieces: time parsing, durations, scoring, quality indicators, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stint.model.config import ConfigError, load_settings
from stint.model.projection import active_seconds
from stint.model.scoring import quality_indicators, score_label, score_session
from stint.model.timeparse import TimeParseError, human_duration, parse_when

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-90m", NOW - timedelta(minutes=90)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2h ago", NOW - timedelta(hours=2)),
        ("1.5h", NOW - timedelta(minutes=90)),
        ("3 days ago", NOW - timedelta(days=3)),
        ("2026-11-22T10:00:00+00:00", datetime(2026, 11, 22, 10, tzinfo=UTC)),
        ("2026-11-22T10:00:00Z", datetime(2026, 11, 22, 10, tzinfo=UTC)),
        ("now", NOW),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, now=NOW) == expected


def test_clock_times_are_today_or_yesterday_in_local_time() -> None:
    local_now = NOW.astimezone()
    earlier = (local_now - timedelta(hours=1)).strftime("%H:%M")
    later = (local_now + timedelta(hours=1)).strftime("%H:%M")
    assert parse_when(earlier, now=NOW) == (local_now - timedelta(hours=1)).replace(
        second=0, microsecond=0
    )
    assert parse_when(later, now=NOW) < NOW


@pytest.mark.parametrize("text", ["", "soon", "25:00", "+5m", "yesterday-ish"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(TimeParseError):
        parse_when(text, now=NOW)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0m"),
        (30, "30s"),
        (90, "1m"),
        (3600, "1h"),
        (5400, "1h 30m"),
        (90000, "25h"),
        (None, "—"),
    ],
)
def test_human_duration(seconds: float | None, text: str) -> None:
    assert human_duration(seconds) == text


def test_score_guards_zero_cases() -> None:
    empty = score_session({})
    assert empty.value == 0 and set(empty.breakdown) == {
        "tasks",
        "decisions",
        "context",
        "lines",
        "duration",
    }
    assert score_label(None) == "not scored"


def test_score_formula_parts() -> None:
    full = score_session(
        {
            "tasks_created": 4,
            "tasks_completed": 4,
            "decisions_made": 5,
            "context_items_added": 8,
            "loc_added": 100,
            "duration_minutes": 120,
        }
    )
    assert full.value == 100
    assert score_session({"loc_added": 10, "loc_removed": 100}).breakdown["lines"] == 15
    assert score_session({"loc_added": 1200}).breakdown["lines"] == 5
    assert score_session({"duration_minutes": 300}).breakdown["duration"] == 5
    assert score_session({"tasks_created": 0, "tasks_completed": 3}).breakdown["tasks"] == 0


def test_weights_scale_each_part() -> None:
    weights = {"tasks": 80, "decisions": 5, "context": 5, "lines": 5, "duration": 5}
    assert score_session({"tasks_created": 2, "tasks_completed": 1}, weights).value == 40


def test_quality_indicators_are_defined_without_data() -> None:
    none = quality_indicators({})
    assert {k: v["status"] for k, v in none.items()} == {
        "completion_rate": "n/a",
        "focus_score": "n/a",
        "code_churn": "n/a",
        "decision_velocity": "n/a",
    }
    busy = quality_indicators(
        {
            "tasks_created": 10,
            "tasks_completed": 8,
            "files_modified": 3,
            "file_edits": 9,
            "loc_added": 100,
            "loc_removed": 90,
            "decisions_made": 1,
            "duration_minutes": 120,
        }
    )
    assert busy["completion_rate"]["value"] == 80 and busy["completion_rate"]["status"] == "good"
    assert busy["focus_score"]["value"] == 90
    assert busy["code_churn"]["status"] == "poor"
    assert busy["decision_velocity"]["value"] == 0.5


def test_active_time_merges_events_within_the_pulse() -> None:
    t = NOW
    events = [
        (t, "session_started"),
        (t + timedelta(minutes=10), "message"),
        (t + timedelta(minutes=60), "message"),
        (t + timedelta(minutes=61), "session_paused"),
        (t + timedelta(minutes=70), "session_resumed"),
    ]
    assert active_seconds(events, 15 * 60, until=t + timedelta(minutes=75)) == (10 + 1 + 5) * 60


def test_settings_from_file_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.toml").write_text(
        "timeout_minutes = 30\n[score_weights]\ntasks = 50\n", encoding="utf-8"
    )
    monkeypatch.setenv("STINT_PULSE_MINUTES", "5")
    settings = load_settings(tmp_path)
    assert settings.timeout_seconds == 1800 and settings.pulse_seconds == 300
    assert settings.score_weights["tasks"] == 50 and settings.score_weights["lines"] == 20
    assert settings.database_url == f"sqlite:///{tmp_path / 'stint.db'}"


@pytest.mark.parametrize(
    "content",
    [
        "timeout_minutes = -1",
        "nonsense = 1",
        "x = [",
        'capture_policy = "everything"',
        "[score_weights]\nfoo = 1",
    ],
)
def test_bad_settings_are_reported(tmp_path: Path, content: str) -> None:
    (tmp_path / "config.toml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(tmp_path)
