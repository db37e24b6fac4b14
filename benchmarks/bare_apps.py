"""The bare peers of the server rows: a Starlette app under uvicorn that does the least
the same request needs, with no stint code at all.

* `ingest`: POST /api/v1/ingest takes stint's ingest payload ({"sessions": [{"agent",
  "agent_session_id", "events": [...]}]}) and inserts every event with one executemany
  in one transaction (PostgreSQL through psycopg, one connection per worker thread);
  answers {"stored": n}.
* `sync`: POST /api/v1/sync takes `stint sync`'s batch ({"machine", "sessions": [{"session",
  "activities": [...], ...}]}) and inserts every activity with one executemany (insert-or-
  ignore on its key) in one transaction; answers {"activities_stored": n}.
* `otlp`: POST /v1/logs takes an OTLP protobuf logs request, decodes it with the same
  `opentelemetry-proto` classes and inserts one row per log record (its session id,
  event name and attributes as JSON) with one executemany in one transaction; answers an
  empty ExportLogsServiceResponse.
* `overview`: GET / renders an HTML page of the 50 newest sessions (and their totals)
  from one query on the store's SQLite file.

    .venv/bin/python benchmarks/bare_apps.py ingest --port 9001 --dsn postgresql://…/db
    .venv/bin/python benchmarks/bare_apps.py sync --port 9003 --dsn postgresql://…/db
    .venv/bin/python benchmarks/bare_apps.py otlp --port 9004 --dsn postgresql://…/db
    .venv/bin/python benchmarks/bare_apps.py overview --port 9002 --sqlite /tmp/h/stint.db

Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import html
import json
import sqlite3
import threading
from typing import Any

TABLE = "bare_ingest_events"
OVERVIEW = """
SELECT number, goal, status, started_at, active_seconds, cost_usd
FROM sessions WHERE org_id = 'local'
ORDER BY started_at DESC LIMIT 50
"""


def ingest_app(dsn: str) -> Any:
    import psycopg
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, agent text, "
            "agent_session_id text, type text, key text UNIQUE, source text, payload jsonb, "
            "occurred_at timestamptz DEFAULT now())"
        )
    local = threading.local()

    def connection() -> Any:
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn)
        return local.conn

    def store(body: dict[str, Any]) -> int:
        rows = [
            (
                s["agent"],
                s["agent_session_id"],
                e["type"],
                e.get("key"),
                e.get("source"),
                json.dumps(e.get("payload", {})),
            )
            for s in body["sessions"]
            for e in s["events"]
        ]
        conn = connection()
        with conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (agent, agent_session_id, type, key, source, payload) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )
        return len(rows)

    async def ingest(request: Request) -> JSONResponse:
        from starlette.concurrency import run_in_threadpool

        body = await request.json()
        return JSONResponse({"stored": await run_in_threadpool(store, body)})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/api/v1/ingest", ingest, methods=["POST"]),
            Route("/api/v1/health", health),
        ]
    )


def sync_app(dsn: str) -> Any:
    import psycopg
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    table = "bare_sync_activities"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {table} (id bigserial PRIMARY KEY, session_uuid text, "
            "type text, idem_key text UNIQUE, source text, occurred_at timestamptz, payload jsonb)"
        )
    local = threading.local()

    def store(body: dict[str, Any]) -> int:
        rows = [
            (
                s["session"]["uuid"],
                a["type"],
                a["idem_key"],
                a.get("source"),
                a["occurred_at"],
                json.dumps(a.get("payload")),
            )
            for s in body["sessions"]
            for a in s["activities"]
        ]
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn)
        conn = local.conn
        with conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (session_uuid, type, idem_key, source, occurred_at, payload)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (idem_key) DO NOTHING",
                rows,
            )
        return len(rows)

    async def sync(request: Request) -> JSONResponse:
        body = await request.json()
        return JSONResponse({"activities_stored": await run_in_threadpool(store, body)})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[Route("/api/v1/sync", sync, methods=["POST"]), Route("/api/v1/health", health)]
    )


OTLP_TABLE = "bare_otlp_records"


def otlp_app(dsn: str) -> Any:
    import psycopg
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
        ExportLogsServiceRequest,
        ExportLogsServiceResponse,
    )
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {OTLP_TABLE} (id bigserial PRIMARY KEY, "
            "session_id text, name text, key text UNIQUE, attributes jsonb)"
        )
    local = threading.local()

    def plain(value: Any) -> Any:
        kind = value.WhichOneof("value")
        return (
            getattr(value, kind)
            if kind in ("string_value", "int_value", "double_value", "bool_value")
            else None
        )

    def store(body: bytes) -> int:
        request = ExportLogsServiceRequest.FromString(body)
        rows = []
        for resource in request.resource_logs:
            for scope in resource.scope_logs:
                for record in scope.log_records:
                    attrs = {kv.key: plain(kv.value) for kv in record.attributes}
                    sid, name = attrs.get("session.id"), attrs.get("event.name")
                    ident = (
                        attrs.get("request_id")
                        or attrs.get("tool_use_id")
                        or attrs.get("prompt.id")
                    )
                    key = f"{sid}:{name}:{ident}"
                    rows.append((sid, name, key, json.dumps(attrs)))
        if getattr(local, "conn", None) is None:
            local.conn = psycopg.connect(dsn)
        conn = local.conn
        with conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {OTLP_TABLE} (session_id, name, key, attributes) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (key) DO NOTHING",
                rows,
            )
        return len(rows)

    async def logs(request: Request) -> Response:
        await run_in_threadpool(store, await request.body())
        return Response(
            ExportLogsServiceResponse().SerializeToString(), media_type="application/x-protobuf"
        )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[Route("/v1/logs", logs, methods=["POST"]), Route("/api/v1/health", health)]
    )


def overview_app(path: str) -> Any:
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse
    from starlette.routing import Route

    local = threading.local()

    def page() -> str:
        if getattr(local, "conn", None) is None:
            local.conn = sqlite3.connect(path, check_same_thread=False)
        rows = local.conn.execute(OVERVIEW).fetchall()
        body = "".join(
            f"<tr><td>#{n}</td><td>{html.escape(goal or '')}</td><td>{status}</td>"
            f"<td>{started}</td><td>{(active or 0) / 60:.0f} min</td><td>${cost or 0:.2f}</td></tr>"
            for n, goal, status, started, active, cost in rows
        )
        hours = sum(row[4] or 0 for row in rows) / 3600
        cost = sum(row[5] or 0 for row in rows)
        return (
            "<!doctype html><html><head><title>overview</title></head><body>"
            f"<h1>Overview</h1><p>{len(rows)} newest sessions, {hours:,.1f} h, ${cost:,.2f}</p>"
            f"<table>{body}</table></body></html>"
        )

    async def overview(request: Request) -> HTMLResponse:
        return HTMLResponse(await run_in_threadpool(page))

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[Route("/", overview), Route("/api/v1/health", health)])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("app", choices=("ingest", "sync", "otlp", "overview"))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dsn", help="PostgreSQL connection string (ingest, sync, otlp)")
    parser.add_argument("--sqlite", help="the store's SQLite file (overview)")
    args = parser.parse_args()
    if args.app == "ingest":
        if not args.dsn:
            parser.error("ingest needs --dsn")
        app = ingest_app(args.dsn)
    elif args.app == "sync":
        if not args.dsn:
            parser.error("sync needs --dsn")
        app = sync_app(args.dsn)
    elif args.app == "otlp":
        if not args.dsn:
            parser.error("otlp needs --dsn")
        app = otlp_app(args.dsn)
    else:
        if not args.sqlite:
            parser.error("overview needs --sqlite")
        app = overview_app(args.sqlite)
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
