"""Settings: defaults, then `$STINT_HOME/config.toml`, then environment variables.

Everything stint keeps lives under one data directory, `STINT_HOME` (default: the
platform's user data dir). Tests point `STINT_HOME` at a temporary directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from stint.model.setting_defaults import ENV as _ENV
from stint.model.setting_defaults import ORG_ID, STORE_FILE, TIMEOUT_MINUTES

DEFAULT_WEIGHTS: dict[str, float] = {
    "tasks": 40.0,
    "decisions": 15.0,
    "context": 15.0,
    "lines": 20.0,
    "duration": 10.0,
}


# When `stint mcp` starts a connection's session.
MCP_START = ("connect", "first-call")


class ConfigError(ValueError):
    """The configuration file or an environment variable holds a bad value."""


def home_dir() -> Path:
    """The data directory: `$STINT_HOME`, else the platform's user data dir."""
    explicit = os.environ.get("STINT_HOME")
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_data_dir  # deferred: not needed when STINT_HOME is set (hooks)

    return Path(user_data_dir("stint", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str = ""
    timeout_minutes: float = TIMEOUT_MINUTES
    pulse_minutes: float = 15.0
    capture_policy: str = "metadata"
    score_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    org_id: str = ORG_ID
    # `stint serve`: when set, API requests need `Authorization: Bearer <token>`, and the
    # server may bind to a non-loopback address.
    api_token: str = ""
    # Code health at `stint end` (lizard over the changed files); `health = false` turns it
    # off. A function is "complex" above `health_threshold` (cyclomatic complexity).
    health: bool = True
    health_threshold: int = 15
    # `stint mcp`: "connect" starts the connection's session when the client connects (and
    # asks for the goal); "first-call" waits for the first recording tool call.
    mcp_start: str = "connect"

    @property
    def config_file(self) -> Path:
        return self.home / "config.toml"

    @property
    def log_file(self) -> Path:
        return self.home / "stint.log"

    @property
    def timeout_seconds(self) -> float:
        return self.timeout_minutes * 60

    @property
    def pulse_seconds(self) -> float:
        return self.pulse_minutes * 60


# Config tables other modules read themselves.
_TABLES = frozenset({"llm"})

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _coerce(name: str, value: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    kind = kinds.get(name)
    if kind is None:
        raise ConfigError(f"unknown setting {name!r}")
    try:
        if kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text not in _TRUE | _FALSE:
                raise ValueError
            return text in _TRUE
        if kind == "int":
            if isinstance(value, bool) or int(value) != float(value) or int(value) <= 0:
                raise ValueError
            return int(value)
        if kind == "float":
            number = float(value)
            if number <= 0:
                raise ValueError
            return number
        if kind == "dict[str, float]":
            weights = {str(k): float(v) for k, v in dict(value).items()}
            unknown = set(weights) - set(DEFAULT_WEIGHTS)
            if unknown:
                raise ConfigError(f"unknown score weight(s): {', '.join(sorted(unknown))}")
            return {**DEFAULT_WEIGHTS, **weights}
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"bad value for {name}: {value!r}") from exc
    if name == "capture_policy" and value not in ("metadata", "full"):
        raise ConfigError(f"capture_policy must be 'metadata' or 'full', not {value!r}")
    if name == "mcp_start" and value not in MCP_START:
        raise ConfigError(f"mcp_start must be 'connect' or 'first-call', not {value!r}")
    return str(value)


def load_settings(home: Path | None = None, **overrides: Any) -> Settings:
    """Read settings for `home` (default `home_dir()`); keyword overrides win over all."""
    base = home or home_dir()
    values: dict[str, Any] = {}
    config_file = base / "config.toml"
    if config_file.exists():
        import tomllib  # deferred: most homes have no config file to parse

        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: {exc}") from exc
        for key, value in data.items():
            if key in _TABLES and isinstance(value, dict):
                continue  # read by the module that owns the table (llm: stint.goals.llm_eval)
            values[key] = _coerce(key, value)
    for env_name, key in _ENV.items():
        if os.environ.get(env_name):
            values[key] = _coerce(key, os.environ[env_name])
    for key, value in overrides.items():
        if value is not None:
            values[key] = _coerce(key, value)
    settings = Settings(home=base, **values)
    if not settings.database_url:
        settings = replace(settings, database_url=f"sqlite:///{base / STORE_FILE}")
    return settings
