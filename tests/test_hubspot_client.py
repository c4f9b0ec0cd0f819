"""HubSpotClient over real HTTP: a scripted local server for exact fault sequences."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from hubsync.errors import AuthError, ConfigError, DailyLimitError, HubSpotError, TransientError
from hubsync.hubspot import ApiPaths, ClientOptions, HubSpotClient, StatsSnapshot

TOKEN = "pat-eu1-secret-test-token"
READ = "/crm/objects/2026-09/contacts/batch/read"
UPSERT = "/crm/objects/2026-09/contacts/batch/upsert"

log = logging.getLogger(__name__)


# --- a scripted HubSpot ------------------------------------------------------------------


@dataclass
class Answer:
    """One canned response; `drop` closes the connection without answering."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    delay: float = 0.0
    raw: bytes | None = None  # sent as text/html instead of `body`


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


Responder = Callable[[Seen], Answer]


def ok_batch(seen: Seen) -> Answer:
    """Default answer: every input comes back as a result (a working batch endpoint)."""
    inputs = (seen.body or {}).get("inputs", []) if isinstance(seen.body, dict) else []
    results = []
    for n, item in enumerate(inputs):
        props = dict(item.get("properties", {}))
        if "idProperty" in item:
            props[item["idProperty"]] = item["id"]
        results.append({"id": str(item.get("id", n)), "properties": props, "new": True})
    return Answer(200, {"status": "COMPLETE", "results": results})


class ScriptedServer:
    """A real HTTP server on port 0 replaying a queue of answers, then `responder`."""

    def __init__(self) -> None:
        self.queue: list[Answer] = []
        self.responder: Responder = ok_batch
        self.seen: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                seen = Seen(
                    self.command, self.path, dict(self.headers), json.loads(raw) if raw else None
                )
                with outer.lock:
                    outer.seen.append(seen)
                    outer.in_flight += 1
                    outer.max_in_flight = max(outer.max_in_flight, outer.in_flight)
                    answer = outer.queue.pop(0) if outer.queue else None
                try:
                    answer = answer or outer.responder(seen)
                    time.sleep(answer.delay)
                finally:
                    # Counted as done before answering: the client may send its next
                    # request the moment the answer arrives.
                    with outer.lock:
                        outer.in_flight -= 1
                try:
                    if answer.drop:
                        self.close_connection = True
                        return
                    payload = b"" if answer.body is None else json.dumps(answer.body).encode()
                    self.send_response(answer.status)
                    if answer.raw is not None:
                        payload = answer.raw
                        self.send_header("Content-Type", "text/html")
                    else:
                        self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (read timeout): nothing to answer

            do_GET = do_POST = do_PATCH = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def push(self, *answers: Answer) -> None:
        self.queue.extend(answers)

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]


class Recorder:
    """Injected sleep + monotonic: records every wait, moves a fake clock instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.sleeps.append(seconds)
            self.now += seconds

    def monotonic(self) -> float:
        with self.lock:
            return self.now


class RecordingSession(requests.Session):
    """A real Session that also notes the timeout of every request."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[Any] = []

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        self.timeouts.append(kwargs.get("timeout"))
        return super().request(method, url, *args, **kwargs)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
    srv.thread.join()


@dataclass
class Harness:
    client: HubSpotClient
    clock: Recorder
    session: RecordingSession
    server: ScriptedServer


@pytest.fixture
def make(server: ScriptedServer) -> Iterator[Callable[..., Harness]]:
    sessions: list[requests.Session] = []

    def build(**options: Any) -> Harness:
        session = RecordingSession()
        sessions.append(session)
        clock = Recorder()
        opts = ClientOptions(base_url=server.url, token=TOKEN, **options)
        client = HubSpotClient(session, opts, sleep=clock.sleep, monotonic=clock.monotonic)
        return Harness(client, clock, session, server)

    yield build
    for session in sessions:
        session.close()


def error_body(category: str, message: str, **extra: Any) -> dict[str, Any]:
    body = {"status": "error", "message": message, "correlationId": "c0ffee", "category": category}
    return {**body, **extra}


RATE_429 = error_body(
    "RATE_LIMIT",
    "You have reached your ten_secondly_rolling limit.",
    errorType="RATE_LIMIT",
    policyName="TEN_SECONDLY_ROLLING",
)
DAILY_429 = error_body(
    "RATE_LIMIT",
    "You have reached your daily limit.",
    errorType="RATE_LIMIT",
    policyName="DAILY",
)


# --- paths ---------------------------------------------------------------------------------


def test_paths_date_based() -> None:
    p = ApiPaths("2026-09")
    assert p.objects("contacts", "batch/upsert") == "/crm/objects/2026-09/contacts/batch/upsert"
    assert p.objects("0-3", "search") == "/crm/objects/2026-09/0-3/search"
    assert (
        p.associations("deals", "contacts", "batch/associate/default")
        == "/crm/associations/2026-09/deals/contacts/batch/associate/default"
    )
    assert p.properties("contacts") == "/crm/properties/2026-09/contacts"
    assert p.properties("deals", "anlage") == "/crm/properties/2026-09/deals/anlage"
    assert p.property_groups("contacts") == "/crm/properties/2026-09/contacts/groups"
    assert p.pipelines() == "/crm/pipelines/2026-09/deals"


def test_paths_v3() -> None:
    p = ApiPaths("v3")
    assert p.objects("contacts", "batch/read") == "/crm/v3/objects/contacts/batch/read"
    assert p.objects("deals", "search") == "/crm/v3/objects/deals/search"
    assert (
        p.associations("contacts", "deals", "batch/read")
        == "/crm/v4/associations/contacts/deals/batch/read"
    )
    assert p.properties("contacts", "kundennummer") == "/crm/v3/properties/contacts/kundennummer"
    assert p.property_groups("deals") == "/crm/v3/properties/deals/groups"
    assert p.pipelines("deals") == "/crm/v3/pipelines/deals"


@pytest.mark.parametrize("version", ["v4", "2026-13", "2026-9", "latest", ""])
def test_paths_reject_unknown_versions(version: str) -> None:
    with pytest.raises(ConfigError, match="HUBSPOT_API_VERSION"):
        ApiPaths(version)


def test_v3_client_uses_v3_paths(make: Callable[..., Harness]) -> None:
    h = make(api_version="v3")
    h.client.read("contacts", ["1"], ["email"])
    h.client.associations("contacts", "deals", ["1"])
    assert h.server.paths() == [
        "/crm/v3/objects/contacts/batch/read",
        "/crm/v4/associations/contacts/deals/batch/read",
    ]


# --- headers, timeouts, logging ------------------------------------------------------------


def test_token_header_and_timeout_on_every_call(make: Callable[..., Harness]) -> None:
    h = make(timeout=(2.0, 9.0))
    h.server.push(Answer(503, error_body("ERROR", "try later")))
    h.client.read("contacts", ["a@b.de"], ["email"], id_property="email")
    h.client.properties("contacts")
    assert len(h.server.seen) == 3
    assert {s.headers["Authorization"] for s in h.server.seen} == {f"Bearer {TOKEN}"}
    assert h.session.timeouts == [(2.0, 9.0)] * 3
    assert "Authorization" not in h.session.headers  # the caller's session is left alone


def test_read_timeout_is_enforced(make: Callable[..., Harness]) -> None:
    h = make(timeout=(2.0, 0.2), max_retries=1)
    h.server.push(Answer(delay=0.5), Answer(delay=0.5))
    with pytest.raises(TransientError, match="after 2 attempts: ReadTimeout on POST"):
        h.client.read("contacts", ["1"], ["email"])


def test_token_never_logged(make: Callable[..., Harness], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    h = make()
    assert TOKEN not in repr(h.client.options)
    h.server.push(Answer(503), Answer(drop=True), Answer(401, error_body("X", "bad token")))
    with pytest.raises(AuthError) as raised:
        h.client.read("contacts", ["1"], ["email"])
    assert TOKEN not in caplog.text
    assert TOKEN not in str(raised.value)
    assert "POST" in caplog.text and READ in caplog.text  # method and path are logged


# --- batching ------------------------------------------------------------------------------


def echo_read(missing: frozenset[str] = frozenset()) -> Responder:
    """batch/read that knows every id except `missing` (207 with errors[] for those)."""

    def answer(seen: Seen) -> Answer:
        prop = seen.body.get("idProperty")
        ids = [i["id"] for i in seen.body["inputs"]]
        results = [
            {"id": f"9{n}" if prop else i, "properties": {prop or "hs_object_id": i}}
            for n, i in enumerate(ids)
            if i not in missing
        ]
        gone = [i for i in ids if i in missing]
        body: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if gone:
            body["errors"] = [
                {"status": "error", "category": "OBJECT_NOT_FOUND", "context": {"ids": gone}}
            ]
            body["numErrors"] = 1
        return Answer(207 if gone else 200, body)

    return answer


def test_read_chunks_of_100_deduplicated_by_lowercase_email(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.responder = echo_read(missing=frozenset({"x7@example.de"}))
    emails = [f"X{n}@Example.de" for n in range(250)] + [f"x{n}@example.de" for n in range(20)]
    found = h.client.read("contacts", emails, ["email", "firstname"], id_property="email")
    sizes = sorted(len(s.body["inputs"]) for s in h.server.seen)
    assert sizes == [50, 100, 100]
    sent = [i["id"] for s in h.server.seen for i in s.body["inputs"]]
    assert len(sent) == len(set(sent)) == 250
    assert all(s.body["idProperty"] == "email" for s in h.server.seen)
    assert all(s.body["properties"] == ["email", "firstname"] for s in h.server.seen)
    assert len(found) == 249 and "x7@example.de" not in found
    assert found["x8@example.de"].properties["email"] == "x8@example.de"
    assert h.client.stats.snapshot() == StatsSnapshot(calls=3, reads=3)


def test_read_by_record_id_without_id_property(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(Answer(200, {"results": [{"id": "7", "properties": {"email": None}}]}))
    found = h.client.read("deals", ["7", "8", "7"], ["email"])
    assert "idProperty" not in h.server.seen[0].body
    assert h.server.seen[0].body["inputs"] == [{"id": "7"}, {"id": "8"}]
    assert found["7"].properties == {"email": None}


def test_read_404_with_errors_means_none_found(make: Callable[..., Harness]) -> None:
    h = make()
    body = error_body("OBJECT_NOT_FOUND", "not found", errors=[{"context": {"ids": ["1"]}}])
    h.server.push(Answer(404, body), Answer(404, error_body("OBJECT_NOT_FOUND", "no such type")))
    assert h.client.read("contacts", ["1"], ["email"]) == {}
    with pytest.raises(HubSpotError, match="404 on POST"):
        h.client.read("contacts", ["1"], ["email"])


def test_upsert_chunks_and_merges_duplicate_keys(make: Callable[..., Harness]) -> None:
    h = make()
    items = {f"u{n}@example.de": {"firstname": f"U{n}"} for n in range(230)}
    items["U1@EXAMPLE.DE "] = {"lastname": "Eins"}
    result = h.client.upsert("contacts", "email", items)
    sizes = sorted(len(s.body["inputs"]) for s in h.server.seen)
    assert sizes == [30, 100, 100]
    assert {s.path for s in h.server.seen} == {UPSERT}
    sent = {i["id"]: i for s in h.server.seen for i in s.body["inputs"]}
    assert sent["u1@example.de"] == {
        "idProperty": "email",
        "id": "u1@example.de",
        # the key goes into `properties` too: results then list it without relying on an echo
        "properties": {"email": "u1@example.de", "firstname": "U1", "lastname": "Eins"},
    }
    assert len(result.objects) == 230 and result.failures == ()
    assert all(o.new for o in result.objects)
    assert h.client.stats.writes == 3


def test_update_by_record_id(make: Callable[..., Harness]) -> None:
    h = make()
    result = h.client.update("deals", {"11": {"amount": "10.50"}, "12": {"amount": "3"}})
    assert h.server.seen[0].path == "/crm/objects/2026-09/deals/batch/update"
    assert h.server.seen[0].body["inputs"][0] == {"id": "11", "properties": {"amount": "10.50"}}
    assert sorted(o.id for o in result.objects) == ["11", "12"]


def test_associate_chunks_of_2000_deduplicated(make: Callable[..., Harness]) -> None:
    h = make()

    def answer(seen: Seen) -> Answer:
        return Answer(200, {"status": "COMPLETE", "results": seen.body["inputs"]})

    h.server.responder = answer
    pairs = [(f"d{n}", f"c{n % 7}") for n in range(4100)] + [("d1", "c1"), ("d2", "c2")]
    failures = h.client.associate("deals", "contacts", pairs)
    assert failures == ()
    assert sorted(len(s.body["inputs"]) for s in h.server.seen) == [100, 2000, 2000]
    assert h.server.seen[0].path == (
        "/crm/associations/2026-09/deals/contacts/batch/associate/default"
    )
    assert h.server.seen[0].body["inputs"][0] in [
        {"from": {"id": "d0"}, "to": {"id": "c0"}},
        {"from": {"id": "d2000"}, "to": {"id": "c5"}},
        {"from": {"id": "d4000"}, "to": {"id": "c3"}},
    ]


def test_associate_reports_errors_of_a_2xx(make: Callable[..., Harness]) -> None:
    h = make()
    body = {
        "status": "COMPLETE",
        "results": [{"from": {"id": "1"}, "to": {"id": "2"}}],
        "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "no deal 3"}],
    }
    h.server.push(Answer(207, body))
    failures = h.client.associate("deals", "contacts", [("1", "2"), ("3", "4")])
    assert [(f.key, f.status, f.category) for f in failures] == [("3->4", 207, "OBJECT_NOT_FOUND")]


def test_associations_chunks_of_1000_and_follows_paging(make: Callable[..., Harness]) -> None:
    h = make()

    def answer(seen: Seen) -> Answer:
        results = []
        for item in seen.body["inputs"]:
            source = item["id"]
            if source == "c5" and "after" not in item:
                to = [{"toObjectId": 101, "associationTypes": []}]
                results.append(
                    {"from": {"id": source}, "to": to, "paging": {"next": {"after": "p2"}}}
                )
            elif source == "c5":
                assert item["after"] == "p2"
                results.append({"from": {"id": source}, "to": [{"toObjectId": 102}]})
            elif source in {"c1", "c2000"}:
                results.append({"from": {"id": source}, "to": [{"toObjectId": 7}]})
        return Answer(200, {"status": "COMPLETE", "results": results})

    h.server.responder = answer
    ids = [f"c{n}" for n in range(2500)] + ["c1"]
    found = h.client.associations("contacts", "deals", ids)
    assert found == {"c1": ("7",), "c5": ("101", "102"), "c2000": ("7",)}
    sizes = sorted(len(s.body["inputs"]) for s in h.server.seen)
    assert sizes == [1, 500, 1000, 1000]


# --- concurrency ---------------------------------------------------------------------------


def test_chunks_run_concurrently_through_one_limiter(make: Callable[..., Harness]) -> None:
    h = make(rate_limit=100, concurrency=4)
    fast = echo_read()

    def slow_enough_to_overlap(seen: Seen) -> Answer:
        answer = fast(seen)
        answer.delay = 0.005
        return answer

    h.server.responder = slow_enough_to_overlap
    found = h.client.read("contacts", [str(n) for n in range(25_000)], ["email"])
    assert len(found) == 25_000
    assert h.client.stats.calls == 250
    assert 2 <= h.server.max_in_flight <= 4
    # 250 calls within 95 (100 less headroom) per rolling 10 s need two full waits.
    assert h.clock.now >= 20.0
    assert h.client.limiter.limit == 95


# --- retries -------------------------------------------------------------------------------


def test_503_then_429_without_retry_after_then_200(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(Answer(503, error_body("ERROR", "unavailable")), Answer(429, RATE_429))
    found = h.client.read("contacts", ["1"], ["email"])
    assert list(found) == ["1"]
    assert len(h.server.seen) == 3
    first, second = h.clock.sleeps
    assert 1.0 <= first <= 1.5 and 2.0 <= second <= 3.0  # exponential with upward jitter
    assert h.client.stats.snapshot() == StatsSnapshot(calls=3, reads=3, retries=2, rate_limited=1)


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 524, 477, 423])
def test_transient_statuses_are_retried(make: Callable[..., Harness], status: int) -> None:
    h = make()
    body = RATE_429 if status == 429 else error_body("ERROR", f"status {status}")
    h.server.push(Answer(status, body))
    assert h.client.upsert("contacts", "email", {"a@b.de": {"firstname": "A"}}).failures == ()
    assert len(h.server.seen) == 2
    assert h.clock.sleeps[0] >= (2.0 if status == 423 else 1.0)


def test_retry_after_is_honoured(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(
        Answer(429, RATE_429, {"Retry-After": "7"}), Answer(477, None, {"Retry-After": "0"})
    )
    h.client.read("contacts", ["1"], ["email"])
    assert h.clock.sleeps == [7.0, 0.0]


def test_retry_after_longer_than_backoff_max_gives_up(make: Callable[..., Harness]) -> None:
    h = make(backoff_max=30.0)
    h.server.push(Answer(503, None, {"Retry-After": "600"}))
    with pytest.raises(TransientError, match="wait 600 s"):
        h.client.read("contacts", ["1"], ["email"])
    assert len(h.server.seen) == 1 and h.clock.sleeps == []


def test_retries_exhausted(make: Callable[..., Harness]) -> None:
    h = make(max_retries=6, backoff_max=10.0)
    h.server.responder = lambda seen: Answer(503, error_body("ERROR", "down"))
    with pytest.raises(TransientError) as raised:
        h.client.read("contacts", ["1"], ["email"])
    assert str(raised.value) == f"HubSpot unreachable after 7 attempts: 503 on POST {READ}"
    assert len(h.server.seen) == 7
    assert len(h.clock.sleeps) == 6
    assert max(h.clock.sleeps) == 10.0 and min(h.clock.sleeps) >= 1.0


def test_connection_dropped_on_a_safe_call_is_retried(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(Answer(drop=True))
    result = h.client.upsert("contacts", "email", {"a@b.de": {"firstname": "A"}})
    assert len(result.objects) == 1
    assert len(h.server.seen) == 2 and h.client.stats.retries == 1


def test_daily_limit_stops_at_once(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(Answer(429, DAILY_429))
    with pytest.raises(DailyLimitError, match="daily API limit"):
        h.client.read("contacts", [str(n) for n in range(10)], ["email"])
    assert len(h.server.seen) == 1 and h.clock.sleeps == []
    assert h.client.stats.rate_limited == 1


def test_other_4xx_is_not_retried(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(Answer(400, error_body("VALIDATION_ERROR", "bad filter")))
    with pytest.raises(HubSpotError, match="400 on POST .*search: bad filter") as raised:
        h.client.search("contacts", [], ["email"])
    assert raised.value.status == 400 and raised.value.category == "VALIDATION_ERROR"
    assert len(h.server.seen) == 1


# --- calls not safe to repeat --------------------------------------------------------------

PROPERTY = {"name": "kundennummer", "label": "Kundennummer", "type": "string"}


def test_create_property_connection_drop_is_not_retried(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(Answer(drop=True))
    with pytest.raises(TransientError, match="not safe to repeat"):
        h.client.create_property("contacts", PROPERTY)
    assert len(h.server.seen) == 1 and h.clock.sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504, 423])
def test_create_property_5xx_is_not_retried(make: Callable[..., Harness], status: int) -> None:
    h = make()
    h.server.push(Answer(status, error_body("ERROR", "oops")))
    with pytest.raises(TransientError, match=f"{status} on POST /crm/properties/2026-09/contacts"):
        h.client.create_property("contacts", PROPERTY)
    assert len(h.server.seen) == 1


def test_create_property_409_means_exists(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(
        Answer(409, error_body("OBJECT_ALREADY_EXISTS", "exists")), Answer(409), Answer(201, {})
    )
    h.client.create_property("contacts", PROPERTY)
    h.client.create_group("contacts", "hubsync", "hubsync")
    h.client.create_property("deals", PROPERTY)
    assert [s.body for s in h.server.seen[:2]] == [
        PROPERTY,
        {"name": "hubsync", "label": "hubsync", "displayOrder": -1},
    ]
    assert h.server.paths()[1] == "/crm/properties/2026-09/contacts/groups"


def test_create_property_429_is_retried(make: Callable[..., Harness]) -> None:
    # A 429 is refused before anything is done, so even a create may be sent again.
    h = make()
    h.server.push(Answer(429, RATE_429), Answer(201, {}))
    h.client.create_property("contacts", PROPERTY)
    assert len(h.server.seen) == 2


# --- authentication ------------------------------------------------------------------------


def test_401_names_the_token_setting(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(
        Answer(401, error_body("INVALID_AUTHENTICATION", "Authentication credentials not found."))
    )
    with pytest.raises(AuthError) as raised:
        h.client.read("contacts", ["1"], ["email"])
    message = str(raised.value)
    assert message.startswith("HubSpot rejected the access token (401")
    assert "check HUBSPOT_ACCESS_TOKEN" in message
    assert isinstance(raised.value, ConfigError) and raised.value.status == 401
    assert len(h.server.seen) == 1


def test_403_names_missing_scopes(make: Callable[..., Harness]) -> None:
    h = make()
    body = error_body(
        "MISSING_SCOPES",
        "This app hasn't been granted all required scopes to make this call.",
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": ["crm.objects.contacts.write"]},
            }
        ],
    )
    h.server.push(Answer(403, body))
    with pytest.raises(AuthError) as raised:
        h.client.upsert("contacts", "email", {"a@b.de": {}})
    assert raised.value.missing_scopes == ("crm.objects.contacts.write",)
    assert "crm.objects.contacts.write" in str(raised.value)
    assert f"POST {UPSERT}" in str(raised.value)
    assert raised.value.status == 403 and raised.value.category == "MISSING_SCOPES"


# --- partial failures and bisection --------------------------------------------------------


def items_for(count: int) -> dict[str, dict[str, str]]:
    return {f"k{n:03d}@example.de": {"firstname": f"K{n}"} for n in range(count)}


def rejecting(bad: set[str], *, status: int = 400, name_them: bool = False) -> Responder:
    """An upsert endpoint that rejects a whole batch holding any `bad` input, like HubSpot."""

    def answer(seen: Seen) -> Answer:
        ids = [i["id"] for i in seen.body["inputs"]]
        hit = [i for i in ids if i in bad]
        if not hit:
            return ok_batch(seen)
        errors = [
            {
                "message": f"Email address {i} is invalid",
                "code": "INVALID_EMAIL",
                "context": {"id": [i]} if name_them else {"propertyName": ["email"]},
            }
            for i in hit
        ]
        category = "CONFLICT" if status == 409 else "VALIDATION_ERROR"
        return Answer(status, error_body(category, "Property values were not valid", errors=errors))

    return answer


def bisect_calls(keys: list[str], bad: set[str]) -> int:
    """Reference: calls a bisecting client needs for `keys` (one call, then both halves)."""
    if not bad.intersection(keys) or len(keys) == 1:
        return 1
    middle = len(keys) // 2
    return 1 + bisect_calls(keys[:middle], bad) + bisect_calls(keys[middle:], bad)


@pytest.mark.parametrize(
    ("bad_positions", "status", "expected_calls"),
    [((37,), 400, 13), ((99,), 400, 15), ((3, 80), 400, 25), ((10, 11), 409, 15)],
)
def test_bisect_isolates_bad_records(
    make: Callable[..., Harness], bad_positions: tuple[int, ...], status: int, expected_calls: int
) -> None:
    h = make()
    items = items_for(100)
    keys = list(items)
    bad = {keys[p] for p in bad_positions}
    h.server.responder = rejecting(bad, status=status)
    result = h.client.upsert("contacts", "email", items)
    calls = len(h.server.seen)
    log.info("bisect: %d bad of 100 (%s) took %d calls", len(bad), bad_positions, calls)
    assert calls == expected_calls == bisect_calls(keys, bad)
    assert {f.key for f in result.failures} == bad
    failure = next(iter(result.failures))
    assert failure.status == status and failure.code == "INVALID_EMAIL"
    assert failure.message.startswith("Email address k")
    assert len(result.objects) == 100 - len(bad)
    written = {i["id"] for s in h.server.seen for i in s.body["inputs"]} - bad
    assert written == set(keys) - bad


def test_named_bad_inputs_are_split_out_without_bisecting(make: Callable[..., Harness]) -> None:
    h = make()
    items = items_for(100)
    bad = {"k005@example.de", "k077@example.de"}
    h.server.responder = rejecting(bad, name_them=True)
    result = h.client.upsert("contacts", "email", items)
    assert len(h.server.seen) == 2  # the rejected batch, then the 98 good ones again
    assert {f.key for f in result.failures} == bad
    assert len(result.objects) == 98


def test_errors_in_a_2xx_become_failures(make: Callable[..., Harness]) -> None:
    h = make()

    def answer(seen: Seen) -> Answer:
        good = [i for i in seen.body["inputs"] if i["id"] not in {"1", "2"}]
        body = ok_batch(Seen("POST", "", {}, {"inputs": good})).body
        body["errors"] = [
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "bad",
                "context": {"id": ["1"]},
            },
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "worse",
                "code": "INVALID_DATE",
            },
        ]
        return Answer(207, body)

    h.server.responder = answer
    result = h.client.update("contacts", {"1": {"a": "1"}, "2": {"a": "2"}, "3": {"a": "3"}})
    failures = sorted(result.failures, key=lambda f: f.key)
    assert [(f.key, f.message, f.code) for f in failures] == [
        ("1", "bad", ""),
        ("2", "worse", "INVALID_DATE"),
    ]
    assert [o.id for o in result.objects] == ["3"]


@pytest.mark.parametrize("code", ["PROPERTY_DOESNT_EXIST", "READ_ONLY_VALUE"])
def test_schema_problems_raise_config_error_without_bisecting(
    make: Callable[..., Harness], code: str
) -> None:
    h = make()
    errors = [{"message": "nope", "code": code, "context": {"propertyName": ["kundennummer"]}}]
    h.server.responder = lambda seen: Answer(
        400, error_body("VALIDATION_ERROR", "Property values were not valid", errors=errors)
    )
    with pytest.raises(ConfigError, match=f"kundennummer .*\\({code}\\)"):
        h.client.upsert("contacts", "email", items_for(100))
    assert len(h.server.seen) == 1


def test_schema_code_inside_the_message_text(make: Callable[..., Harness]) -> None:
    h = make()
    text = 'Property values were not valid: [{"error":"PROPERTY_DOESNT_EXIST","name":"foo"}]'
    h.server.push(Answer(400, error_body("VALIDATION_ERROR", text)))
    with pytest.raises(ConfigError, match="hubsync setup"):
        h.client.update("contacts", {"1": {"foo": "x"}})


# --- search and schema reads ---------------------------------------------------------------


def test_search_follows_paging_within_its_own_limit(make: Callable[..., Harness]) -> None:
    h = make()
    pages = 9

    def answer(seen: Seen) -> Answer:
        page = int(seen.body.get("after", "0"))
        body: dict[str, Any] = {"total": pages, "results": [{"id": str(page), "properties": {}}]}
        if page + 1 < pages:
            body["paging"] = {"next": {"after": str(page + 1)}}
        return Answer(200, body)

    h.server.responder = answer
    groups = [{"filters": [{"propertyName": "kundennummer", "operator": "EQ", "value": "4711"}]}]
    found = h.client.search("contacts", groups, ["email"])
    assert [o.id for o in found] == [str(n) for n in range(pages)]
    first = h.server.seen[0].body
    # The published spec marks sorts and after required: sent on the first page too.
    assert first == {
        "filterGroups": groups,
        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
        "properties": ["email"],
        "limit": 200,
        "after": "0",
    }
    assert [s.body.get("after") for s in h.server.seen] == ["0"] + [str(n) for n in range(1, 9)]
    assert h.clock.now >= 2.0  # 9 searches at ≤ 4 per second


def test_properties_groups_and_pipelines(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(
        Answer(
            200,
            {
                "results": [
                    {
                        "name": "kontaktkategorie",
                        "type": "enumeration",
                        "fieldType": "checkbox",
                        "groupName": "hubsync",
                        "options": [{"label": "McArena", "value": "McArena Schorndorf"}],
                    },
                    {
                        "name": "total_revenue",
                        "type": "number",
                        "fieldType": "number",
                        "groupName": "deal_activity",
                        "modificationMetadata": {"readOnlyValue": True},
                    },
                    {"name": "kundennummer", "type": "string", "hasUniqueValue": True},
                ]
            },
        ),
        Answer(200, {"results": [{"name": "contactinformation"}, {"name": "hubsync"}]}),
        Answer(
            200,
            {
                "results": [
                    {
                        "id": "default",
                        "label": "Sales",
                        "stages": [{"id": "closedwon", "label": "Won"}],
                    }
                ]
            },
        ),
    )
    props = h.client.properties("contacts")
    assert props["kontaktkategorie"].options == ("McArena Schorndorf",)
    assert props["kontaktkategorie"].field_type == "checkbox"
    assert props["total_revenue"].read_only and not props["kontaktkategorie"].read_only
    assert props["kundennummer"].unique
    assert h.client.groups("contacts") == {"contactinformation", "hubsync"}
    (pipeline,) = h.client.pipelines()
    assert (pipeline.id, pipeline.stages[0].id, pipeline.stages[0].label) == (
        "default",
        "closedwon",
        "Won",
    )
    assert h.server.paths() == [
        "/crm/properties/2026-09/contacts",
        "/crm/properties/2026-09/contacts/groups",
        "/crm/pipelines/2026-09/deals",
    ]
    assert [s.method for s in h.server.seen] == ["GET"] * 3


def test_update_property_patches_and_is_retried(make: Callable[..., Harness]) -> None:
    h = make()
    h.server.push(Answer(502), Answer(200, {"name": "kontaktkategorie"}))
    patch = {"options": [{"label": "A", "value": "A"}]}
    h.client.update_property("contacts", "kontaktkategorie", patch)
    assert [(s.method, s.path, s.body) for s in h.server.seen] == [
        ("PATCH", "/crm/properties/2026-09/contacts/kontaktkategorie", patch)
    ] * 2


def test_stats_snapshot_is_frozen(make: Callable[..., Harness]) -> None:
    h = make()
    snap = h.client.stats.snapshot()
    with pytest.raises(AttributeError):
        snap.calls = 3  # type: ignore[misc]


# --- end to end against the emulator -------------------------------------------------------


@pytest.fixture
def portal() -> Iterator[Any]:
    from hubsync.emulator import Emulator

    with Emulator(token=TOKEN, with_hubsync_schema=True) as emulator:
        yield emulator


@pytest.fixture
def connect() -> Iterator[Callable[..., tuple[HubSpotClient, Recorder]]]:
    sessions: list[requests.Session] = []

    def build(emulator: Any, **options: Any) -> tuple[HubSpotClient, Recorder]:
        session = requests.Session()
        sessions.append(session)
        clock = Recorder()
        opts = ClientOptions(base_url=emulator.url, token=emulator.token, **options)
        return HubSpotClient(session, opts, sleep=clock.sleep, monotonic=clock.monotonic), clock

    yield build
    for session in sessions:
        session.close()


def contacts_for(count: int) -> dict[str, dict[str, str]]:
    return {
        f"Kunde{n}@Example.DE": {"firstname": f"K{n}", "kundennummer": f"{10000 + n}"}
        for n in range(count)
    }


@pytest.mark.parametrize("api_version", ["2026-09", "v3"])
def test_emulator_round_trip(portal: Any, connect: Callable[..., Any], api_version: str) -> None:
    client, _ = connect(portal, api_version=api_version)
    items = contacts_for(250)
    items["kaputt@"] = {"firstname": "Kaputt"}
    result = client.upsert("contacts", "email", items)
    assert [(f.key, f.status, f.code) for f in result.failures] == [
        ("kaputt@", 400, "INVALID_EMAIL")
    ]
    assert len(result.objects) == 250 and all(o.new for o in result.objects)
    assert len(portal.store.contacts) == 250

    found = client.read("contacts", list(items), ["email", "kundennummer"], id_property="email")
    assert len(found) == 250 and found["kunde7@example.de"].properties["kundennummer"] == "10007"
    again = client.upsert("contacts", "email", {"kunde7@example.de": {"firstname": "Sieben"}})
    assert not again.objects[0].new

    deals = {
        f"R-{n}": {"dealname": f"Rechnung {n}", "pipeline": "default", "dealstage": "closedwon"}
        for n in range(3)
    }
    written = client.upsert("deals", "rechnungsnummer", deals)
    assert written.failures == ()
    deal_ids = [o.id for o in written.objects]
    contact_id = found["kunde7@example.de"].id
    pairs = [(d, contact_id) for d in deal_ids] + [(deal_ids[0], "999999")]
    failures = client.associate("deals", "contacts", pairs)
    assert [f.key for f in failures] == [f"{deal_ids[0]}->999999"]
    linked = client.associations("contacts", "deals", [contact_id])
    assert sorted(linked[contact_id]) == sorted(deal_ids)

    groups = [{"filters": [{"propertyName": "kundennummer", "operator": "EQ", "value": "10007"}]}]
    (hit,) = client.search("contacts", groups, ["email"])
    assert hit.id == contact_id

    props = client.properties("contacts")
    assert props["kundennummer"].unique and props["total_revenue"].read_only
    assert "hubsync" in client.groups("contacts")
    assert any(p.id == "default" for p in client.pipelines())
    client.create_property("contacts", {**PROPERTY, "groupName": "hubsync", "fieldType": "text"})


def test_emulator_schema_problem_is_config_error(portal: Any, connect: Callable[..., Any]) -> None:
    client, _ = connect(portal)
    with pytest.raises(ConfigError, match="gibtsnicht"):
        client.upsert("contacts", "email", {"a@example.de": {"gibtsnicht": "x"}})
    assert portal.calls() == 1


def test_emulator_faults_are_survived(portal: Any, connect: Callable[..., Any]) -> None:
    from hubsync.emulator import FaultPlan

    portal.faults = FaultPlan(
        error_rate=0.15, drop_rate=0.05, apply_then_drop_rate=0.1, burst_429_every=5, seed=3
    )
    client, clock = connect(portal, max_retries=20)
    items = contacts_for(600)
    result = client.upsert("contacts", "email", items)
    assert result.failures == ()
    found = client.read("contacts", list(items), ["email"], id_property="email")
    assert len(found) == 600 and len(portal.store.contacts) == 600
    stats = client.stats.snapshot()
    log.info("faults survived: %s, slept %.1f s (fake)", stats, clock.now)
    assert stats.retries > 0 and stats.rate_limited > 0


def test_emulator_daily_limit(portal: Any, connect: Callable[..., Any]) -> None:
    from hubsync.emulator import FaultPlan

    portal.faults = FaultPlan(daily_limit=2)
    client, clock = connect(portal, concurrency=1)
    with pytest.raises(DailyLimitError):
        client.upsert("contacts", "email", contacts_for(300))
    assert portal.calls() == 3 and clock.sleeps == []


def test_emulator_auth_errors(connect: Callable[..., Any]) -> None:
    from hubsync.emulator import Emulator

    read_only = frozenset({"crm.objects.contacts.read"})
    with Emulator(token=TOKEN, scopes=read_only) as emulator:
        client, _ = connect(emulator)
        with pytest.raises(AuthError) as raised:
            client.upsert("contacts", "email", {"a@example.de": {"firstname": "A"}})
        assert "crm.objects.contacts.write" in raised.value.missing_scopes
        wrong = ClientOptions(base_url=emulator.url, token="wrong")
        with requests.Session() as session, pytest.raises(AuthError, match="401"):
            HubSpotClient(session, wrong).read("contacts", ["1"], ["email"])


# --- odds and ends -------------------------------------------------------------------------


def test_error_in_one_chunk_stops_the_others(make: Callable[..., Harness]) -> None:
    h = make(concurrency=3)

    def answer(seen: Seen) -> Answer:
        return Answer(401, error_body("INVALID_AUTHENTICATION", "expired"), delay=0.01)

    h.server.responder = answer
    with pytest.raises(AuthError):
        h.client.read("contacts", [str(n) for n in range(2000)], ["email"])
    assert len(h.server.seen) < 20  # chunks not yet started were cancelled


def test_unattributable_errors_are_kept(make: Callable[..., Harness]) -> None:
    h = make()
    body = ok_batch(Seen("POST", "", {}, {"inputs": [{"id": "1", "properties": {}}]})).body
    body["errors"] = [{"status": "error", "category": "VALIDATION_ERROR", "message": "rule X"}]
    h.server.push(Answer(207, body))
    result = h.client.update("contacts", {"1": {"a": "b"}})
    assert [(f.key, f.message) for f in result.failures] == [("", "rule X")]


def test_html_error_pages_are_reported(make: Callable[..., Harness]) -> None:
    h = make()
    page = b"<html><body>Bad Gateway</body></html>"
    h.server.push(Answer(502, raw=page), Answer(400, raw=page))
    with pytest.raises(HubSpotError, match="400 on POST .*: <html><body>Bad Gateway") as raised:
        h.client.read("contacts", ["1"], ["email"])
    assert raised.value.status == 400
    assert len(h.server.seen) == 2  # the 502 was retried
