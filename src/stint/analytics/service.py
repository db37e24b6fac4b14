"""Analytics over the store: statistics, grouping, heatmap, compare, cohorts, export.

The `Tracker` methods in its analytics section are thin calls into the functions here;
these open one read transaction (on either read path: bare sqlite3 or SQLAlchemy), let
`stint.store.analytics` aggregate in SQL, and shape the results into JSON-ready dicts
(see `report`, `compare`, `export`, `periods`, `stats`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import IO, Any

from stint.analytics import health as ah
from stint.analytics import report
from stint.analytics.periods import PERIOD_HELP, Period, local_zone, parse_period
from stint.model.filters import SessionFilter
from stint.model.types import StintError
from stint.sessions.reading import SessionReader
from stint.store import analytics as sa

__all__ = [
    "PERIOD_HELP",
    "Period",
    "accomplishments",
    "compare",
    "compare_cohorts",
    "export",
    "heatmap",
    "import_data",
    "stats",
    "stats_by",
]


def _scope(period: Period, project: str | None, tag: str | None, kind: str | None) -> sa.Scope:
    return sa.Scope(start=period.start, end=period.end, project=project, tag=tag, kind=kind)


def stats(
    tracker: SessionReader,
    period: str = "all",
    *,
    project: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    tz: str | None = None,
) -> dict[str, Any]:
    zone = local_zone(tz)
    span = parse_period(period, zone)
    with tracker.store.read() as conn:
        return report.stats(
            conn,
            tracker.org,
            _scope(span, project, tag, kind),
            span,
            zone,
            {"project": project, "tag": tag, "kind": kind},
        )


def stats_by(
    tracker: SessionReader,
    by: str,
    period: str = "all",
    *,
    project: str | None = None,
    tag: str | None = None,
    kind: str | None = None,
    tz: str | None = None,
) -> list[dict[str, Any]]:
    if by not in sa.GROUPS:
        raise StintError(f"cannot group by {by!r}; choose one of {', '.join(sa.GROUPS)}")
    zone = local_zone(tz)
    span = parse_period(period, zone)
    scope = _scope(span, project, tag, kind)
    with tracker.store.read() as conn:
        rows = report.group_rows(conn, tracker.org, scope, by, zone)
        ah.add_to_groups(conn, tracker.org, scope, by, rows)
    return rows


def heatmap(
    tracker: SessionReader,
    period: str = "all",
    *,
    project: str | None = None,
    tag: str | None = None,
    tz: str | None = None,
    min_sample: int = report.MIN_SAMPLE,
) -> dict[str, Any]:
    zone = local_zone(tz)
    span = parse_period(period, zone)
    with tracker.store.read() as conn:
        return report.heatmap(
            conn, tracker.org, _scope(span, project, tag, None), span, zone, min_sample
        )


def compare(tracker: SessionReader, a_ref: str | int, b_ref: str | int) -> dict[str, Any]:
    from stint.analytics.compare import compare_sessions  # deferred, as in compare_cohorts

    a, b = tracker.get(a_ref), tracker.get(b_ref)
    result = compare_sessions(a, b)
    found = tracker.health_summaries([a.id, b.id])
    ah.add_to_comparison(result, found.get(a.id), found.get(b.id))
    return result


def compare_cohorts(
    tracker: SessionReader, specs: Sequence[str], period: str = "all", *, tz: str | None = None
) -> dict[str, Any]:
    # Deferred: the statistics commands need neither the comparison nor its rank tests.
    # (By name from the submodules: the package's own `compare` is this module's.)
    from stint.analytics.compare import CohortSpec
    from stint.analytics.compare import compare_cohorts as tested
    from stint.store import cohorts as sc

    parsed = [CohortSpec.parse(spec) for spec in specs]
    if len(parsed) < 2:
        raise StintError("compare needs at least two cohorts (--cohort KEY=VALUE twice)")
    zone = local_zone(tz)
    span = parse_period(period, zone)
    keys = {spec.key for spec in parsed}
    values = [spec.value for spec in parsed]
    scope = sa.Scope(start=span.start, end=span.end)
    samples: list[Any]
    with tracker.store.read() as conn:
        key = next(iter(keys))
        if (
            len(keys) == 1
            and key in sa.COLUMN_GROUPS
            and all(values)
            and len(set(values)) == len(values)
        ):
            found = sc.cohort_values_by(conn, tracker.org, scope, key, values)
            samples = [found[value] for value in values]
        else:
            samples = [
                list(
                    sc.cohort_values(
                        conn,
                        tracker.org,
                        sa.Scope(start=span.start, end=span.end, equals={spec.key: spec.value}),
                    )
                )
                for spec in parsed
            ]
        health = ah.cohort_health(
            conn,
            tracker.org,
            [
                sa.Scope(start=span.start, end=span.end, equals={spec.key: spec.value})
                for spec in parsed
            ],
            [spec.label for spec in parsed],
        )
    result = tested(parsed, samples)
    result["period"] = span.to_dict()
    result["health"] = health
    return result


def export(
    tracker: SessionReader,
    table: str,
    fmt: Any,
    since: datetime | None = None,
    out: IO[str] | None = None,
) -> int:
    """Stream `table` (or "all") to `out` in `fmt`; returns the number of rows written."""
    # Deferred, by name (the package's own `export` is this module's): the stats need
    # neither, and transfer is SQLAlchemy Core.
    from stint.analytics.export import write
    from stint.store import transfer

    names = list(transfer.EXPORT_TABLES) if table == "all" else [table]
    for name in names:
        if name not in transfer.EXPORT_TABLES:
            raise StintError(
                f"unknown table {name!r}; choose all or one of {', '.join(transfer.EXPORT_TABLES)}"
            )
    if fmt == "csv" and len(names) != 1:
        raise StintError("csv holds one table: give --table (sessions, activities, …)")
    with tracker.store.read() as conn:

        def tables() -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
            for name in names:
                yield name, transfer.rows(conn, tracker.org, name, since, tracker.only_user)

        return write(out or sys.stdout, fmt, tables())


def import_data(tracker: SessionReader, stream: IO[str]) -> dict[str, Any]:
    """Load a json/jsonl export into this store under this org, ids preserved. Rows
    already present are skipped, so importing twice is harmless."""
    from stint.analytics.export import batches, read  # deferred, as in export
    from stint.store import transfer

    counts: dict[str, dict[str, int]] = {}
    with tracker.store.write() as conn:
        for name, rows in batches(read(stream)):
            if name not in transfer.EXPORT_TABLES:
                raise StintError(f"export holds an unknown table {name!r}")
            stamps = transfer.datetime_columns(name)
            for row in rows:
                row["org_id"] = tracker.org
                for column in stamps:
                    if isinstance(row.get(column), str):
                        row[column] = datetime.fromisoformat(row[column])
            inserted = transfer.insert_rows(conn, tracker.store, name, rows)
            tally = counts.setdefault(name, {"read": 0, "inserted": 0})
            tally["read"] += len(rows)
            tally["inserted"] += inserted
        transfer.reset_sequences(conn)
    return {
        "tables": counts,
        "read": sum(c["read"] for c in counts.values()),
        "inserted": sum(c["inserted"] for c in counts.values()),
    }


def accomplishments(
    tracker: SessionReader, limit: int = 5, where: SessionFilter | None = None
) -> list[dict[str, Any]]:
    """What the last `limit` sessions achieved: goal, outcome, tasks done, decisions,
    lines and top files, newest first."""
    result = []
    for session in tracker.sessions(where, limit=limit):
        done = [t.title for t in tracker.tasks(session.id) if t.status == "completed"]
        files = tracker.files(session.id, limit=3)
        result.append(
            {
                "id": session.id,
                "number": session.number,
                "ref": session.ref,
                "started_at": session.started_at.isoformat() if session.started_at else None,
                "status": session.status,
                "project": session.project,
                "goal": session.goal,
                "outcome": session.outcome,
                "score": session.score,
                "active_seconds": round(session.active_seconds, 1),
                "tasks_done": done,
                "tasks_created": session.tasks_created,
                "decisions": [d.text for d in tracker.decisions(session.id)],
                "loc_added": session.loc_added,
                "loc_removed": session.loc_removed,
                "loc_net": session.net_loc,
                "top_files": [f.path for f in files],
                "summary": session.summary,
            }
        )
    return result
