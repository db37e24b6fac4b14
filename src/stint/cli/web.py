"""serve: the HTTP API and the web dashboard."""

from __future__ import annotations

import ipaddress
import os
from typing import Any

import click


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--database", "database", metavar="URL", help="Database URL (default: stint's).")
@click.option(
    "--sweep-seconds",
    type=click.FloatRange(min=1),
    default=60.0,
    show_default=True,
    help="How often to drain the spool and end idle sessions.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Server processes (uvicorn workers) sharing the port and the database.",
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    help="Proxies trusted for X-Forwarded-* headers (comma-separated; uvicorn's default: "
    "127.0.0.1).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    database: str | None,
    sweep_seconds: float,
    workers: int,
    forwarded_allow_ips: str | None,
) -> None:
    """Serve the JSON API (/api/v1) and the dashboard, from one process or --workers N."""
    import uvicorn  # deferred: uvicorn, FastAPI and the Tracker only for `stint serve`

    from stint.web import create_app

    tracker = _open_guarded(ctx, host, database)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"stint serving on http://{shown}:{port}/ (API: /api/v1, docs: /api/v1/docs)")
    click.echo(f"database: {tracker.store.engine.url.render_as_string(hide_password=True)}")
    if workers > 1:
        # Each worker builds its own app from the environment (uvicorn imports it by name).
        url = tracker.store.url
        tracker.close()
        from stint.web.app import HOUSEKEEPING_ENV

        os.environ["STINT_DATABASE_URL"] = url
        os.environ[HOUSEKEEPING_ENV] = str(sweep_seconds)
        click.echo(f"workers: {workers}")
        uvicorn.run(
            "stint.web.app:app_from_environment",
            factory=True,
            workers=workers,
            host=host,
            port=port,
            log_level="warning",
            forwarded_allow_ips=forwarded_allow_ips,
        )
        return
    app = create_app(tracker, housekeeping_seconds=sweep_seconds)
    try:
        uvicorn.run(
            app, host=host, port=port, log_level="warning", forwarded_allow_ips=forwarded_allow_ips
        )
    finally:
        tracker.close()


def _open_guarded(ctx: click.Context, host: str, database: str | None) -> Any:
    """The Tracker to serve, unless the host is public and nothing authenticates."""
    from stint.tracker import Tracker

    url = database or ctx.find_root().params.get("database")
    tracker = Tracker.open(url)
    # Auth is configured by a shared token or by team keys (`stint admin init`).
    if not is_loopback(host) and not tracker.settings.api_token and not tracker.team.has_keys():
        tracker.close()
        raise click.ClickException(
            f"refusing to listen on {host}, which is not a loopback address, without an API "
            "token: set api_token in config.toml or STINT_API_TOKEN, or make team keys "
            "with `stint admin init`"
        )
    return tracker


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=4318, show_default=True)
@click.option("--database", "database", metavar="URL", help="Database URL (default: stint's).")
@click.option(
    "--max-bytes",
    type=click.IntRange(min=1024),
    default=8 * 1024 * 1024,
    show_default=True,
    help="Largest request body accepted (compressed, and again once inflated).",
)
@click.pass_context
def otlp(ctx: click.Context, host: str, port: int, database: str | None, max_bytes: int) -> None:
    """Receive OpenTelemetry (OTLP/HTTP: /v1/logs, /v1/metrics, /v1/traces) into the store:
    Claude Code's telemetry, GenAI spans. Point OTEL_EXPORTER_OTLP_ENDPOINT here."""
    import uvicorn  # deferred, as for `stint serve`

    from stint.web import create_app

    tracker = _open_guarded(ctx, host, database)
    app = create_app(tracker, housekeeping_seconds=None, otlp_only=True, otlp_max_bytes=max_bytes)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"stint receiving OTLP on http://{shown}:{port} (/v1/logs, /v1/metrics, /v1/traces)")
    click.echo(f"database: {tracker.store.engine.url.render_as_string(hide_password=True)}")
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        tracker.close()


COMMANDS = [serve, otlp]
