"""The emulator: a threaded localhost server speaking HubSpot's CRM API.

Each request is authenticated, scope-checked, rate-limited, exposed to the fault plan,
then handled under the store's lock and logged.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from hubsync.emulator import subscriptions
from hubsync.emulator.defaults import new_store
from hubsync.emulator.faults import Fault, FaultPlan, FaultState
from hubsync.emulator.refusals import (
    SEARCH_LIMITED,
    fault_body,
    missing_scopes,
    rate_limited,
    unauthenticated,
)
from hubsync.emulator.routes import Route, resolve
from hubsync.emulator.transport import Handler, Reply, Server
from hubsync.emulator.validation import JSON, ApiError

log = logging.getLogger(__name__)

WINDOW_SECONDS = 10.0
NOMINAL_LIMIT = 100_000  # advertised in headers when no rate limit is configured
NOMINAL_DAILY = 250_000
ALL_SCOPES = (
    frozenset(
        f"crm.{area}.{object_type}.{access}"
        for area in ("objects", "schemas")
        for object_type in ("contacts", "deals", "companies")
        for access in ("read", "write")
    )
    | subscriptions.SCOPES
)


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator saw it; status 0 and `dropped` when nothing was answered."""

    method: str
    path: str
    status: int
    body: Any
    kind: str
    dropped: bool = False


class Emulator:
    """A HubSpot CRM emulator on localhost; use as a context manager or start()/stop()."""

    def __init__(
        self,
        *,
        token: str = "demo-token",
        scopes: frozenset[str] | None = None,
        rate_limit: int | None = None,
        faults: FaultPlan | None = None,
        latency: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
        with_hubsync_schema: bool = False,
        search_per_second: int | None = None,
    ) -> None:
        self.token = token
        self.scopes = ALL_SCOPES if scopes is None else scopes
        self.rate_limit = rate_limit
        # HubSpot's own search limit (5/s per account, "Search the CRM", Limitations); off
        # by default so tests that do not study it never wait on the real clock.
        self.search_per_second = search_per_second
        self.latency = latency
        # Called in each request's own thread before it is answered (tests hold requests
        # at a barrier to prove they are served concurrently, without timing them).
        self.hold: Callable[[], object] | None = None
        self.host = host
        self.port = port
        self.store = new_store(with_hubsync_schema=with_hubsync_schema)
        self.url = ""
        self.log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._window: deque[float] = deque()
        self._window_lock = threading.Lock()
        self._search_window: deque[float] = deque()
        self._daily_used = 0
        self._fault_state: FaultState | None = None
        self.faults = faults
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def faults(self) -> FaultPlan | None:
        """The active fault plan; assigning one restarts its counters and random sequence."""
        return self._fault_state.plan if self._fault_state else None

    @faults.setter
    def faults(self, plan: FaultPlan | None) -> None:
        self._fault_state = FaultState(plan) if plan is not None else None

    def start(self) -> Emulator:
        """Bind (port 0: any free port), serve in a daemon thread and set `url`."""
        self._server = Server((self.host, self.port), Handler, self)
        self.url = f"http://{self.host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open keep-alive connections and the listening socket."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- request log ---------------------------------------------------------------------
    def calls(self) -> int:
        """Number of requests logged."""
        with self._log_lock:
            return len(self.log)

    def write_calls(self) -> int:
        """Number of logged requests of kind "write"."""
        with self._log_lock:
            return sum(1 for r in self.log if r.kind == "write")

    def reset_log(self) -> None:
        """Forget the logged requests."""
        with self._log_lock:
            self.log.clear()

    def _record(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self.log.append(entry)

    # -- dispatch ------------------------------------------------------------------------
    def dispatch(
        self, method: str, path: str, query: dict[str, list[str]], auth: str, raw: bytes
    ) -> Reply:
        """The answer to one request; side effects on the store happen here."""
        route = resolve(method, path)
        kind = route.kind if route else "read"
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                bad_json = True
        reply = self._answer(route, body, bad_json, query, auth)
        status = 0 if reply.drop and reply.status == 0 else reply.status
        self._record(LoggedRequest(method, path, status, body, kind, reply.drop))
        return reply

    def _answer(
        self, route: Route | None, body: Any, bad_json: bool, query: dict[str, list[str]], auth: str
    ) -> Reply:
        if auth != f"Bearer {self.token}" or not self.token:
            return Reply(401, unauthenticated(), {})
        if route is None:
            return Reply(404, ApiError(404, "Not found", "OBJECT_NOT_FOUND").body(), {})
        missing = next((g for g in route.scopes if not self.scopes.intersection(g)), None)
        if missing is not None:
            return Reply(403, missing_scopes(missing), {})
        searching = route.kind == "search"
        if searching and not self._take_search_slot():
            return Reply(429, SEARCH_LIMITED, {})
        # Searches count against the 10-second limit too, but their answers carry no
        # X-HubSpot-RateLimit headers.
        headers = self._take_rate_slot()
        if headers is None:
            return Reply(429, rate_limited("TEN_SECONDLY_ROLLING"), self._headers(0))
        if searching:
            headers = {}
        fault, fault_status = (
            self._fault_state.decide(route.kind == "write")
            if self._fault_state
            else (Fault.NONE, 0)
        )
        if fault is Fault.DAILY:
            return Reply(429, rate_limited("DAILY"), headers)
        if fault is Fault.BURST_429:
            return Reply(429, rate_limited("TEN_SECONDLY_ROLLING"), headers)
        if fault is Fault.ERROR:
            return Reply(fault_status, fault_body(fault_status), headers)
        if fault is Fault.DROP:
            return Reply(0, None, {}, drop=True)
        if bad_json or (body is not None and not isinstance(body, dict)):
            return Reply(400, ApiError(400, "Invalid input JSON on line 1").body(), headers)
        status, payload = self._handle(route, body or {}, query)
        return Reply(status, payload, headers, drop=fault is Fault.APPLY_THEN_DROP)

    def _handle(self, route: Route, body: JSON, query: dict[str, list[str]]) -> tuple[int, JSON]:
        with self.store.lock:
            try:
                return route.handler(self.store, body, query)
            except ApiError as error:
                return error.status, error.body()
            except Exception:  # an emulator bug must show as 500, not as a dropped connection
                log.exception("emulator handler failed")
                return 500, ApiError(500, "internal emulator error", "INTERNAL_ERROR").body()

    def _take_rate_slot(self) -> dict[str, str] | None:
        now = time.monotonic()
        with self._window_lock:
            window = self._window
            while window and window[0] <= now - WINDOW_SECONDS:
                window.popleft()
            if self.rate_limit is not None and len(window) >= self.rate_limit:
                return None
            window.append(now)
            self._daily_used += 1
            limit = self.rate_limit or NOMINAL_LIMIT
            return self._headers(limit - len(window))

    def _take_search_slot(self) -> bool:
        if self.search_per_second is None:
            return True
        now = time.monotonic()
        with self._window_lock:
            window = self._search_window
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= self.search_per_second:
                return False
            window.append(now)
            return True

    def _headers(self, remaining: int) -> dict[str, str]:
        plan = self.faults
        daily = plan.daily_limit if plan and plan.daily_limit is not None else NOMINAL_DAILY
        return {
            "X-HubSpot-RateLimit-Max": str(self.rate_limit or NOMINAL_LIMIT),
            "X-HubSpot-RateLimit-Remaining": str(max(remaining, 0)),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(WINDOW_SECONDS * 1000)),
            "X-HubSpot-RateLimit-Daily": str(daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(daily - self._daily_used, 0)),
        }
