"""What the OTLP mappers produce: one `AgentSession` per agent session seen in a request,
with its identity (user, organization, app version), EventIn events carrying idempotency
keys, and metric data points that `MetricTotals` sums into per-session totals.

Keys follow `stint.capture.keys` exactly (the same text for the same thing, so telemetry,
hooks and transcript import of one session merge by key); they are spelled out here
because this package depends only on `stint.model.types` — a test checks both stay equal.

Metric temporality: a delta point is an increment over [start, time]; it is identified by
its series and that interval, so a re-exported batch adds nothing twice. A cumulative point
is the running total of its stream (series + start time); the latest point of each stream
counts, and a restarted exporter (new start time) is a new stream added to the old one's
last value. Gauges count as their latest value.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.metrics.v1.metrics_pb2 import AggregationTemporality, Metric

from stint.capture.otlp.decode import attributes
from stint.model.types import EventIn

SOURCE = "otlp"  # EventIn.source of everything that arrives through the receiver
MAX_KEY = 300  # the activities.idem_key column (stint.capture.tools.MAX_KEY)


# ------------------------------------------------------------------ keys


def digest(text: str, size: int = 20) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:size]


def fit_key(key: str) -> str:
    """A key longer than the column keeps its start and a digest of the whole."""
    if len(key) <= MAX_KEY:
        return key
    return key[:250] + ":" + digest(key, 16)


def tool_key(agent: str, session: str, tool_use_id: str, what: str = "tool") -> str:
    return fit_key(f"{agent}:{session}:{what}:{tool_use_id}")


def prompt_key(agent: str, session: str, prompt: str) -> str:
    return fit_key(f"{agent}:{session}:prompt:{digest(prompt)}")


def event_key(agent: str, session: str, event: str, discriminator: str) -> str:
    return fit_key(f"{agent}:{session}:{event}:{discriminator}")


def stable_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)


# ------------------------------------------------------------------ time


def from_nanos(nanos: int) -> datetime | None:
    if nanos <= 0:
        return None
    try:
        return datetime.fromtimestamp(nanos / 1e9, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def parse_iso(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


# ------------------------------------------------------------------ metrics


@dataclass(frozen=True)
class MetricPoint:
    """One data point of one metric, as far as stint needs it. `total` names the
    per-session total it adds to (e.g. `input_tokens`, `cost_usd`); `stream` identifies
    its time series; `key` the point itself (stable across re-exports)."""

    metric: str
    total: str
    value: float
    cumulative: bool
    stream: str
    start_ns: int
    time_ns: int
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)
    count: int | None = None  # histograms: how many measurements `value` sums

    @property
    def key(self) -> str:
        if self.cumulative:
            return f"{self.stream}:{self.time_ns}"
        return f"{self.stream}:{self.start_ns}-{self.time_ns}"

    @property
    def at(self) -> datetime | None:
        return from_nanos(self.time_ns)


@dataclass(frozen=True)
class RawPoint:
    """A data point before mapping: merged attributes (resource, then point), figures and
    temporality."""

    metric: str
    unit: str
    attributes: dict[str, Any]
    series: str
    value: float
    count: int | None
    start_ns: int
    time_ns: int
    cumulative: bool


def raw_points(metric: Metric, resource: dict[str, Any], scope: str) -> Iterator[RawPoint]:
    """Every number, sum and histogram point of a metric (exponential histograms and
    summaries carry nothing stint totals)."""
    kind = metric.WhichOneof("data")
    if kind == "sum":
        cumulative = (
            metric.sum.aggregation_temporality
            == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
        )
        points: Iterable[Any] = metric.sum.data_points
    elif kind == "gauge":
        cumulative, points = True, metric.gauge.data_points
    elif kind == "histogram":
        cumulative = (
            metric.histogram.aggregation_temporality
            == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
        )
        points = metric.histogram.data_points
    else:
        return
    for point in points:
        own = attributes(point.attributes)
        merged = {**resource, **own}
        series_of = stable_json([metric.name, scope, sorted(resource.items()), sorted(own.items())])
        if kind == "histogram":
            value, count = float(point.sum), int(point.count)
        else:
            number = point.WhichOneof("value")
            value = float(point.as_int) if number == "as_int" else float(point.as_double)
            count = None
        start = int(point.start_time_unix_nano)
        yield RawPoint(
            metric.name,
            metric.unit,
            merged,
            digest(series_of + (f":{start}" if cumulative else ""), 24),
            value,
            count,
            start,
            int(point.time_unix_nano),
            cumulative,
        )


class MetricTotals:
    """Per-total sums over any number of requests' points, correct for delta and
    cumulative temporality and unchanged by a point seen twice."""

    def __init__(self, points: Iterable[MetricPoint] = ()) -> None:
        self._deltas: dict[str, MetricPoint] = {}
        self._latest: dict[str, MetricPoint] = {}
        self.add(points)

    def add(self, points: Iterable[MetricPoint]) -> None:
        for point in points:
            if not point.cumulative:
                self._deltas[point.key] = point
                continue
            known = self._latest.get(point.stream)
            if known is None or point.time_ns >= known.time_ns:
                self._latest[point.stream] = point

    def totals(self) -> dict[str, float]:
        found: dict[str, float] = {}
        for point in [*self._deltas.values(), *self._latest.values()]:
            found[point.total] = found.get(point.total, 0.0) + point.value
        return found

    def by(self, attribute: str) -> dict[tuple[str, str], float]:
        """(total, attribute value) → sum, e.g. `by("model")` for tokens per model."""
        found: dict[tuple[str, str], float] = {}
        for point in [*self._deltas.values(), *self._latest.values()]:
            name = (point.total, str(point.attributes.get(attribute, "")))
            found[name] = found.get(name, 0.0) + point.value
        return found


# ------------------------------------------------------------------ sessions


@dataclass
class AgentSession:
    """Everything one request said about one agent session."""

    agent: str
    agent_session_id: str
    first_at: datetime | None = None
    last_at: datetime | None = None
    user_email: str | None = None
    user_account_uuid: str | None = None
    user_account_id: str | None = None
    user_id: str | None = None
    organization_id: str | None = None
    app_version: str | None = None
    entrypoint: str | None = None
    terminal_type: str | None = None
    service_name: str | None = None
    model: str | None = None
    provider: str | None = None
    events: list[EventIn] = field(default_factory=list)
    metrics: list[MetricPoint] = field(default_factory=list)

    @property
    def user(self) -> str | None:
        """Who: the e-mail when known, else the account uuid, else the install id."""
        return self.user_email or self.user_account_uuid or self.user_account_id or self.user_id

    def saw(self, at: datetime | None) -> None:
        if at is None:
            return
        self.first_at = at if self.first_at is None else min(self.first_at, at)
        self.last_at = at if self.last_at is None else max(self.last_at, at)

    def totals(self) -> dict[str, float]:
        return MetricTotals(self.metrics).totals()


@dataclass
class Mapped:
    """The sessions of one request, and what could not be attributed to one (the route can
    answer it as OTLP's partial success)."""

    sessions: list[AgentSession] = field(default_factory=list)
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)
    ignored: int = 0  # records of no interest to stint (other events, other metrics)
    unattributed: list[MetricPoint] = field(default_factory=list)  # points of no session
    conversations: dict[str, str] = field(default_factory=dict)  # trace id hex → GenAI session
    pending: ExportTraceServiceRequest | None = None  # spans whose trace's session is unknown

    def session(self, agent_session_id: str) -> AgentSession | None:
        for found in self.sessions:
            if found.agent_session_id == agent_session_id:
                return found
        return None

    def reject(self, reason: str) -> None:
        self.rejected += 1
        if reason not in self.reasons:
            self.reasons.append(reason)

    @property
    def error_message(self) -> str:
        return "; ".join(self.reasons)


class Sessions:
    """Builds a `Mapped` result, one AgentSession per (agent, id)."""

    def __init__(self) -> None:
        self.result = Mapped()
        self._by_id: dict[tuple[str, str], AgentSession] = {}

    def get(self, agent: str, agent_session_id: str) -> AgentSession:
        found = self._by_id.get((agent, agent_session_id))
        if found is None:
            found = self._by_id[(agent, agent_session_id)] = AgentSession(agent, agent_session_id)
            self.result.sessions.append(found)
        return found


def text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def number(value: Any) -> float | None:
    """A figure that may arrive as int, double or a numeric string."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def count(value: Any) -> int:
    found = number(value)
    return max(0, int(found)) if found is not None else 0


def flag(value: Any) -> bool | None:
    """Claude Code writes booleans as the strings "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def merge(*parts: Mapped) -> Mapped:
    """One result from several mappings of one request (e.g. Claude Code's and GenAI's
    metrics); sessions of the same agent and id are combined."""
    result = Mapped()
    by_id: dict[tuple[str, str], AgentSession] = {}
    for part in parts:
        for session in part.sessions:
            known = by_id.get((session.agent, session.agent_session_id))
            if known is None:
                by_id[(session.agent, session.agent_session_id)] = session
                result.sessions.append(session)
                continue
            for name, value in vars(session).items():
                if name in ("events", "metrics", "first_at", "last_at"):
                    continue
                if value is not None:
                    setattr(known, name, value)
            known.saw(session.first_at)
            known.saw(session.last_at)
            known.events.extend(session.events)
            known.metrics.extend(session.metrics)
        result.rejected += part.rejected
        result.ignored += part.ignored
        result.unattributed.extend(part.unattributed)
        result.conversations.update(part.conversations)
        if part.pending is not None:
            if result.pending is None:
                result.pending = ExportTraceServiceRequest()
            result.pending.MergeFrom(part.pending)
        for reason in part.reasons:
            if reason not in result.reasons:
                result.reasons.append(reason)
    return result
