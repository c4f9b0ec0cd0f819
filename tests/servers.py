"""Real local servers for the tests: an FTP server (pyftpdlib) and an SMTP controller
(aiosmtpd) that works with port 0. Shared by the fetch, mailer and job tests."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

with warnings.catch_warnings():
    # pyftpdlib still imports asynchat/asyncore on Python 3.11 (deprecated, gone in 3.12).
    warnings.filterwarnings("ignore", "The (asyncore|asynchat) module", DeprecationWarning)
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler
    from pyftpdlib.servers import FTPServer


class PortZeroController(Controller):
    """aiosmtpd 1.4 pokes `self.port` to warm up the server; with port 0 use the bound port."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


@contextlib.contextmanager
def ftp_server(
    root: Path,
    password: str,
    base: type[FTPHandler] = FTPHandler,
    perm: str = "elradfmw",
    **attrs: Any,
) -> Iterator[int]:
    """Serve `root` as user "vendor" in a thread; yields the port."""
    authorizer = DummyAuthorizer()
    authorizer.add_user("vendor", password, str(root), perm=perm)
    attrs = {"authorizer": authorizer, "auth_failed_timeout": 0.01, **attrs}
    server = FTPServer(("127.0.0.1", 0), type("Handler", (base,), attrs))
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            server.serve_forever(timeout=0.01, blocking=False, handle_exit=False)
        server.close_all()

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield server.address[1]
    finally:
        stop.set()
        thread.join(5)
