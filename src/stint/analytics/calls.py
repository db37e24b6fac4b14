"""The analytics calls a reader makes (stats, grouping, heatmap, compare, cohorts,
export, accomplishments): the Tracker has them, and so has `AnalyticsReader`, the
analytics commands' reader when nothing is to drain or sweep first — the quick reader's
read-only sqlite3 store and the session reader, without SQLAlchemy or the Tracker's goal,
capture and team services to import."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from stint.model.filters import SessionFilter
from stint.sessions.quick import open_reader
from stint.sessions.reading import SessionReader


class AnalyticsCalls(SessionReader):
    """Thin calls into `stint.analytics`, on this reader's store and org."""

    # ---------------------------------------------------------------- analytics
    # (stats, grouping, compare, cohorts, export — thin calls into stint.analytics)

    def stats(
        self,
        period: str = "all",
        *,
        project: str | None = None,
        tag: str | None = None,
        kind: str | None = None,
        tz: str | None = None,
    ) -> dict[str, Any]:
        """The statistics panel for a period (see `stint.analytics.periods` for names)."""
        from stint.analytics import service as analytics  # deferred: loaded when asked

        return analytics.stats(self, period, project=project, tag=tag, kind=kind, tz=tz)

    def stats_by(
        self,
        by: str,
        period: str = "all",
        *,
        project: str | None = None,
        tag: str | None = None,
        kind: str | None = None,
        tz: str | None = None,
    ) -> list[dict[str, Any]]:
        """One dict of figures per group (day, week, weekday, hour, weekday-hour, tag, …)."""
        from stint.analytics import service as analytics  # deferred: loaded when asked

        return analytics.stats_by(self, by, period, project=project, tag=tag, kind=kind, tz=tz)

    def heatmap(
        self,
        period: str = "all",
        *,
        project: str | None = None,
        tag: str | None = None,
        tz: str | None = None,
    ) -> dict[str, Any]:
        """Weekday × hour cells and the plain-words pattern with its sample size."""
        from stint.analytics import service as analytics  # deferred: loaded when asked

        return analytics.heatmap(self, period, project=project, tag=tag, tz=tz)

    def compare(self, a_ref: str | int, b_ref: str | int) -> dict[str, Any]:
        """Two sessions side by side: each figure, B − A, which is better, what differed."""
        from stint.analytics import service as analytics  # deferred: loaded when asked

        return analytics.compare(self, a_ref, b_ref)

    def compare_cohorts(self, specs: list[str], period: str = "all") -> dict[str, Any]:
        """Distributions per cohort ("model=…", "tag=…") and Mann–Whitney tests."""
        from stint.analytics import service as analytics  # deferred: loaded when asked

        return analytics.compare_cohorts(self, specs, period)

    def export(
        self, table: str, fmt: Any, since: datetime | None = None, out: IO[str] | None = None
    ) -> int:
        """Stream a table ("all" for every one) as json, jsonl or csv, or through a plugin's
        exporter object (`register_exporters`); returns rows written."""
        from stint.analytics import service as analytics  # deferred: loaded when asked

        return analytics.export(self, table, fmt, since, out)

    def accomplishments(
        self, limit: int = 5, *, where: SessionFilter | None = None
    ) -> list[dict[str, Any]]:
        """What the last `limit` sessions achieved (goal, outcome, tasks done, files…)."""
        from stint.analytics import service as analytics  # deferred: loaded when asked

        return analytics.accomplishments(self, limit, where)


class AnalyticsReader(AnalyticsCalls):
    """The analytics calls over the quick reader's read-only sqlite3 connection
    (`stint.store.lite`): the statistics, groups, heatmap, compare and cohorts are SQL
    text that runs there as it does through SQLAlchemy (`stint.store.sqltext`)."""

    def export(
        self, table: str, fmt: Any, since: datetime | None = None, out: IO[str] | None = None
    ) -> int:
        # The export streams its tables through SQLAlchemy Core (stint.store.transfer).
        from stint.store import Store  # deferred: SQLAlchemy only for the export

        # Not Store.open: the schema and the org were checked on opening, nothing is written.
        reader = AnalyticsCalls(Store(self.settings.database_url), self.settings)
        try:
            return reader.export(table, fmt, since, out)
        finally:
            reader.store.dispose()

    def close(self) -> None:
        self.store.dispose()


def open_analytics(url: str | None, *, pending: Callable[[str], bool]) -> AnalyticsReader | None:
    """An analytics reader for `url` when the quick reader's checks pass (SQLite at the
    schema's revision, the org there, nothing to drain or sweep); else None, and the
    command opens the Tracker."""
    quick = open_reader(url, pending=pending)
    if quick is None:
        return None
    return AnalyticsReader(quick.store, quick.settings)
