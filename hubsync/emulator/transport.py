"""HTTP plumbing: a threaded server that tracks its keep-alive connections, and the handler."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from hubsync.emulator.validation import JSON


@dataclass(frozen=True)
class Reply:
    """What to send back: status, JSON body (None: empty), headers; `drop`: close instead."""

    status: int
    payload: JSON | None
    headers: dict[str, str]
    drop: bool = False


class Dispatcher(Protocol):
    """What the handler needs from the emulator."""

    latency: float
    hold: Callable[[], object] | None

    def dispatch(
        self, method: str, path: str, query: dict[str, list[str]], auth: str, raw: bytes
    ) -> Reply: ...


class Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that tracks open connections so stop() can close them."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], emulator: Dispatcher
    ) -> None:
        self.emulator = emulator
        self._active: dict[socket.socket, threading.Thread] = {}
        self._active_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self.process_request_thread, args=(request, client_address), daemon=True
        )
        with self._active_lock:
            self._active[request] = thread
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._active_lock:
            self._active.pop(request, None)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake handler threads idling on keep-alive connections and wait for them."""
        with self._active_lock:
            active = list(self._active.items())
        for sock, _ in active:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for _, thread in active:
            thread.join(timeout=5)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without NODELAY, Nagle holds the second
        # one until the client's delayed ACK (~40 ms per request)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        emulator = self.server.emulator
        if emulator.latency:
            time.sleep(emulator.latency)
        if emulator.hold is not None:
            emulator.hold()  # tests: wait here until enough requests are in flight at once
        url = urlsplit(self.path)
        reply = emulator.dispatch(
            method,
            url.path,
            parse_qs(url.query),
            self.headers.get("Authorization", ""),
            raw,
        )
        if reply.drop:
            # close without a word: the client sees a ConnectionError
            self.close_connection = True
            return
        data = json.dumps(reply.payload).encode() if reply.payload is not None else b""
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.payload is not None:
            self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
