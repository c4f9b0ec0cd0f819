"""Heartbeat pings for a cron monitor (Healthchecks.io and its URL scheme): did the job run?

`GET <url>/start` once the run holds the lock; at the end `POST <url>` on exit 0,
`POST <url>/fail` on exit 1 or 2, and `POST <url>/log` on exit 75. The body is the
run's one-line summary (the mail's subject, the exit code and the reason a run stopped),
scrubbed of every secret and cut to 10 kB, the self-hosted Healthchecks default.

Exit 75 sends `/log` on purpose: a temporary failure (HubSpot unreachable, the daily limit,
the vendor's server down) leaves the files in the inbox for the next run, so paging someone
for each one would be noise. Healthchecks: "SITE_NAME will log the event and display it in
the check's "Events" section with the "Log" label. The check's status will remain the same."
(https://healthchecks.io/docs/http_api/, `templates/docs/http_api.md` of
github.com/healthchecks/healthchecks). The run's `/start` is still open, though: "If a job
sends a "start" signal but does not send a "success" signal within its configured grace
time, SITE_NAME will assume the job has failed" (docs/measuring_script_run_time). So give
the check a grace time longer than the longest gap between two runs (README "Heartbeat"):
then the next run's `/start` and success close it, and a failure that persists alerts
once period + grace pass without a success. A run that dies without a summary (a crash,
a kill) sends nothing after `/start` and is reported down after the grace time, as it
should be.

One attempt per ping with short timeouts (connect 3 s, read 5 s): a ping that fails is
logged as a warning and never changes the run's outcome or exit code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

import requests

from hubsync import __version__
from hubsync.report.mail import summary_subject
from hubsync.secrets import scrub
from hubsync.summary import ExitCode, RunSummary

log = logging.getLogger(__name__)

BODY_LIMIT = 10_000  # bytes: Healthchecks' self-hosted PING_BODY_LIMIT default (hosted: 100 kB)
TIMEOUT = (3.0, 5.0)  # connect, read: a slow monitor must not hold up the cron job


class Heartbeat(Protocol):
    """Tells a monitor that a run started and how it ended."""

    def start(self) -> None: ...

    def finish(self, summary: RunSummary) -> None: ...


class NoHeartbeat:
    """No HUBSYNC_PING_URL: nothing is sent."""

    def start(self) -> None:
        pass

    def finish(self, summary: RunSummary) -> None:
        pass


# Where the end of a run is reported, by exit code (see the module docstring for 75).
_ENDPOINTS = {
    ExitCode.OK: "",
    ExitCode.REJECTED: "/fail",
    ExitCode.CONFIG: "/fail",
    ExitCode.TEMPFAIL: "/log",
}


class Pinger:
    """Pings `url` over HTTP, one attempt each; `secrets` never leave in a body or a log."""

    def __init__(
        self,
        url: str,
        *,
        language: str,
        secrets: Iterable[str] = (),
        timeout: tuple[float, float] = TIMEOUT,
    ) -> None:
        self.url = url.rstrip("/")
        self.language = language
        self.secrets = (url, *secrets)
        self.timeout = timeout

    def start(self) -> None:
        self._ping("GET", "/start")

    def finish(self, summary: RunSummary) -> None:
        self._ping("POST", _ENDPOINTS[summary.exit_code], self.body(summary))

    def body(self, summary: RunSummary) -> bytes:
        """The run's one line in its language, without secrets, at most BODY_LIMIT bytes."""
        subject = summary_subject(summary, language=self.language)
        line = f"{subject} (exit {int(summary.exit_code)})"
        if summary.fatal:
            line += f" – {summary.fatal}"
        line = scrub(" ".join(line.split()), self.secrets)
        return line.encode()[:BODY_LIMIT].decode(errors="ignore").encode()

    def _ping(self, method: str, suffix: str, body: bytes | None = None) -> None:
        headers = {"User-Agent": f"hubsync/{__version__}"}
        if body is not None:
            headers["Content-Type"] = "text/plain; charset=utf-8"
        try:
            answer = requests.request(
                method, self.url + suffix, data=body, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            # The exception's text names the URL's path, which holds the check's key.
            log.warning(
                "heartbeat ping %s not sent (%s): check HUBSYNC_PING_URL",
                suffix or "/",
                type(exc).__name__,
            )
            return
        if answer.status_code >= 400:
            log.warning(
                "heartbeat ping %s answered %s: check HUBSYNC_PING_URL",
                suffix or "/",
                answer.status_code,
            )
