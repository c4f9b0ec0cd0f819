"""One HubSpot HTTP call with rate limiting, retries and error mapping.

Retries are written by hand rather than with urllib3's `Retry`: only the body tells a DAILY
429 (stop for today) from a TEN_SECONDLY one (wait and repeat), and POSTs that are not safe
to repeat (`batch/create`, property create) must never be sent twice.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, NoReturn

import requests

from hubsync.errors import AuthError, DailyLimitError, HubSpotError, TransientError
from hubsync.hubspot.limiter import RateLimiter
from hubsync.hubspot.models import CallStats, ClientOptions

log = logging.getLogger(__name__)

# 423 Locked wants ≥ 2 s; 477 is "migration in progress"; 524 is Cloudflare's origin timeout.
RETRY_STATUSES = frozenset({423, 429, 477, 500, 502, 503, 504, 524})
_MIN_WAIT = {423: 2.0}
_NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


@dataclass(frozen=True)
class Reply:
    """A parsed HubSpot answer: HTTP status and JSON body (None when there was none)."""

    status: int
    body: Any

    def errors(self) -> list[dict[str, Any]]:
        """The `errors[]` entries of the body (empty when there are none)."""
        found = self.body.get("errors") if isinstance(self.body, dict) else None
        return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []

    def field(self, name: str) -> str:
        """A top-level string field of the body, or ""."""
        value = self.body.get(name) if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else ""

    def results(self) -> list[dict[str, Any]]:
        """The `results[]` entries of the body (empty when there are none)."""
        found = self.body.get("results") if isinstance(self.body, dict) else None
        return [r for r in found if isinstance(r, dict)] if isinstance(found, list) else []

    def total(self) -> int:
        """The body's `total` (a search's count of matching records), or 0."""
        value = self.body.get("total") if isinstance(self.body, dict) else None
        return value if isinstance(value, int) else 0


@dataclass(frozen=True)
class _Retry:
    """A failed attempt worth repeating: what went wrong and how long to wait."""

    problem: str
    delay: float


def _missing_scopes(reply: Reply) -> tuple[str, ...]:
    scopes: list[str] = []
    for error in reply.errors():
        context = error.get("context")
        if isinstance(context, dict):
            for scope in context.get("requiredGranularScopes") or ():
                if isinstance(scope, str) and scope not in scopes:
                    scopes.append(scope)
    return tuple(scopes)


def _retry_after(response: requests.Response) -> float | None:
    # HubSpot sends seconds when it sends anything; an HTTP date is ignored (own backoff).
    try:
        value = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


class Transport:
    """Sends one request through the limiter, retrying what is safe to repeat.

    Returns a `Reply` for 2xx and for the statuses in `accept`; raises AuthError (401/403),
    DailyLimitError (429 DAILY), TransientError (retries exhausted or a failed call that is
    not safe to repeat) and HubSpotError for any other answer.
    """

    def __init__(
        self,
        session: requests.Session,
        options: ClientOptions,
        *,
        limiter: RateLimiter,
        stats: CallStats,
        sleep: Callable[[float], None],
        rng: random.Random | None = None,
    ) -> None:
        self._session = session
        self._options = options
        self._base = options.base_url.rstrip("/")
        self._limiter = limiter
        self._stats = stats
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._headers = {
            "Authorization": f"Bearer {options.token}",
            "Accept": "application/json",
        }

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        safe: bool,
        write: bool = False,
        accept: Collection[int] = (),
        limiter: RateLimiter | None = None,
    ) -> Reply:
        """Send `method path` with JSON `body`; `safe` = may be repeated after a failure.

        Every attempt takes a slot of the shared 10-second limiter and, when given, one of
        `limiter` too (search: HubSpot counts searches against both limits).
        """
        attempts = 1 + max(0, self._options.max_retries)
        what = f"{method} {path}"
        problem = what
        for attempt in range(1, attempts + 1):
            self._limiter.acquire()
            # The per-second limiter last: its grant is the one that must be fresh when
            # the request leaves; the 10 s window has headroom for the short wait here.
            if limiter is not None:
                limiter.acquire()
            self._stats.add(calls=1, **{"writes" if write else "reads": 1})
            outcome = self._attempt(method, path, body, safe=safe, attempt=attempt)
            if isinstance(outcome, Reply):
                return self._settle(outcome, what, accept)
            problem, delay = outcome.problem, outcome.delay
            if attempt == attempts:
                break
            self._stats.add(retries=1)
            log.warning("HubSpot %s; retry %d/%d in %.1fs", problem, attempt, attempts - 1, delay)
            self._sleep(delay)
        raise TransientError(f"HubSpot unreachable after {attempts} attempts: {problem}")

    def _attempt(
        self, method: str, path: str, body: Any, *, safe: bool, attempt: int
    ) -> Reply | _Retry:
        """One request: the reply when it is final, else the problem and the wait before
        the next attempt. Raises when it must not be repeated."""
        what = f"{method} {path}"
        started = time.monotonic()
        try:
            response = self._session.request(
                method,
                self._base + path,
                json=body,
                headers=self._headers,
                timeout=self._options.timeout,
            )
        except _NETWORK_ERRORS as exc:
            name = type(exc).__name__
            log.info("%s failed after %.2fs: %s", what, time.monotonic() - started, name)
            if not safe:
                raise TransientError(
                    f"HubSpot connection failed ({name} on {what}); the call is not safe to "
                    "repeat, so it was not retried. Run again later."
                ) from exc
            return _Retry(f"{name} on {what}", self._backoff(attempt, None))
        with response:
            reply = Reply(response.status_code, self._json(response))
            retry_after = _retry_after(response)
        log.debug("%s -> %d in %.2fs", what, reply.status, time.monotonic() - started)
        if reply.status not in RETRY_STATUSES:
            return reply
        return self._retry(reply, what, retry_after, safe=safe, attempt=attempt)

    def _retry(
        self, reply: Reply, what: str, retry_after: float | None, *, safe: bool, attempt: int
    ) -> _Retry:
        """The wait after a retryable `reply`; raises when waiting would not help."""
        problem = f"{reply.status} on {what}"
        if reply.status == 429:
            self._stats.add(rate_limited=1)
            if reply.field("policyName").upper() == "DAILY":
                raise DailyLimitError(
                    "HubSpot's daily API limit for this portal is used up (429 DAILY); "
                    "files stay in the inbox, run again tomorrow."
                )
        elif not safe:
            raise TransientError(
                f"HubSpot answered {problem} ({reply.field('message') or 'no message'}); "
                "the call is not safe to repeat, so it was not retried. Run again later."
            )
        if retry_after is None:
            return _Retry(problem, self._backoff(attempt, reply.status))
        if retry_after <= self._options.backoff_max:
            return _Retry(problem, max(retry_after, _MIN_WAIT.get(reply.status, 0.0)))
        # Waiting longer than backoff_max inside a cron run helps nobody: the files stay
        # in the inbox and the next run tries again.
        raise TransientError(
            f"HubSpot asked to wait {retry_after:.0f} s after {problem}, longer "
            f"than backoff_max ({self._options.backoff_max:.0f} s); run again later."
        )

    def _backoff(self, attempt: int, status: int | None) -> float:
        """Exponential backoff with upward jitter before attempt `attempt + 1`."""
        cap = self._options.backoff_max
        base = self._options.backoff_base * 2.0 ** (attempt - 1)
        # Jitter only upwards, so the first wait is never below backoff_base (1 s).
        delay = min(cap, base * (1 + 0.5 * self._rng.random()))
        return max(delay, _MIN_WAIT.get(status or 0, 0.0), min(self._options.backoff_base, cap))

    @staticmethod
    def _json(response: requests.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            # Proxies answer 502/504 with HTML; keep a short excerpt for the error message.
            return {"message": response.text[:200]}

    def _settle(self, reply: Reply, what: str, accept: Collection[int]) -> Reply:
        if 200 <= reply.status < 300 or reply.status in accept:
            return reply
        self.fail(reply, what)

    @staticmethod
    def fail(reply: Reply, what: str) -> NoReturn:
        """Raise the error for a non-2xx `reply` to `what` ("METHOD /path")."""
        message = reply.field("message") or "no message"
        category = reply.field("category") or None
        if reply.status == 401:
            raise AuthError(
                f"HubSpot rejected the access token (401: {message}); check "
                "HUBSPOT_ACCESS_TOKEN (a Service Key or private-app token, not an API key).",
                status=401,
                category=category,
                body=reply.body,
            )
        if reply.status == 403:
            scopes = _missing_scopes(reply)
            need = (
                f"grant the scope(s) {', '.join(scopes)} to the app behind HUBSPOT_ACCESS_TOKEN"
                if scopes
                else "check the scopes of the app behind HUBSPOT_ACCESS_TOKEN"
            )
            raise AuthError(
                f"HubSpot refused {what} (403: {message}); {need}.",
                status=403,
                category=category,
                body=reply.body,
                missing_scopes=scopes,
            )
        raise HubSpotError(
            f"HubSpot answered {reply.status} on {what}: {message}",
            status=reply.status,
            category=category,
            body=reply.body,
        )
