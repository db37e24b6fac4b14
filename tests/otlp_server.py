"""Helpers of the OTLP route tests: the real `stint serve` / `stint otlp` as a subprocess
on a free loopback port, and plain HTTP posts to it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from conftest import STINT, free_port


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes


@dataclass
class Server:
    url: str

    def post(
        self,
        path: str,
        body: bytes,
        content_type: str = "application/x-protobuf",
        token: str | None = None,
        encoding: str | None = None,
    ) -> Answer:
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if encoding:
            headers["Content-Encoding"] = encoding
        request = urllib.request.Request(self.url + path, body, headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return Answer(answer.status, answer.headers["Content-Type"], answer.read())
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.headers["Content-Type"], exc.read())


@contextmanager
def running(*args: str) -> Iterator[Server]:
    """`stint <args> --port <free>` until the block ends (SIGINT, then waited for)."""
    port = free_port()
    process = subprocess.Popen(
        [STINT, *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"stint {args[0]} exited: {process.stderr.read()}")  # type: ignore[union-attr]
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield Server(f"http://127.0.0.1:{port}")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
