"""`stint serve`: the HTTP API (/api/v1) and the server-rendered dashboard, one process."""

from stint.web.app import create_app

__all__ = ["create_app"]
