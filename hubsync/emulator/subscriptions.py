"""Communication preferences: subscription definitions and e-mail statuses, v4/date and v3.

Shapes as HubSpot's spec gives them (`Communication Preferences/Subscriptions/Rollouts/
176901/{2026-09,v4}/subscriptions.json`, v3 under `147906`): definitions list `id` as a
string; batch reads take `{"inputs": [email]}` and `?channel=EMAIL`; batch writes take
`PublicStatusRequest`s with an integer `subscriptionId`. An address without a status for a
subscription is NOT_SPECIFIED. Unsubscribe-all is kept per address (portal-wide).
The endpoints are in `preferences`.
"""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

from hubsync.emulator.validation import JSON

SUBSCRIBED, UNSUBSCRIBED, NOT_SPECIFIED = "SUBSCRIBED", "UNSUBSCRIBED", "NOT_SPECIFIED"
STATES = (SUBSCRIBED, UNSUBSCRIBED, NOT_SPECIFIED)
LEGAL_BASES = frozenset(
    {
        "CONSENT_WITH_NOTICE",
        "LEGITIMATE_INTEREST_CLIENT",
        "LEGITIMATE_INTEREST_OTHER",
        "LEGITIMATE_INTEREST_PQL",
        "NON_GDPR",
        "PERFORMANCE_OF_CONTRACT",
        "PROCESS_AND_STORE",
    }
)
READ = ("communication_preferences.read", "communication_preferences.read_write")
WRITE = ("communication_preferences.write", "communication_preferences.read_write")
BATCH_READ = ("communication_preferences.statuses.batch.read",)
BATCH_WRITE = ("communication_preferences.statuses.batch.write",)
SCOPES = frozenset((*READ, *WRITE, *BATCH_READ, *BATCH_WRITE))
NEWSLETTER_ID = "92817364"  # HubSpot's ids are numbers, listed as strings


class Subscriptions:
    """The portal's subscription types, statuses by (email, id), and opt-outs of all."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.definitions: list[JSON] = [
            _definition(NEWSLETTER_ID, "Newsletter", "Neuigkeiten und Angebote", default=True),
            _definition("92817365", "Kundenservice", "Hinweise zu Buchungen"),
        ]
        self.statuses: dict[tuple[str, str], JSON] = {}
        self.opted_out: dict[str, str] = {}  # email → when it opted out of all
        # Records are in GDPR mode: a status change without a legal basis is refused.
        self.gdpr = True
        self._last = datetime(2000, 1, 1, tzinfo=UTC)
        self._ids = itertools.count(92817366)

    def add(self, name: str) -> str:
        """A further subscription type named `name`; returns its id."""
        with self.lock:
            sid = str(next(self._ids))
            self.definitions.append(_definition(sid, name, ""))
            return sid

    def stamp(self) -> str:
        """Now, strictly after every earlier stamp (a changed status has a new timestamp)."""
        with self.lock:
            now = max(datetime.now(UTC), self._last + timedelta(milliseconds=1))
            self._last = now
            return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def status(self, email: str, sid: str) -> str:
        found = self.statuses.get((email.strip().lower(), sid))
        return str(found["status"]) if found else NOT_SPECIFIED

    def set(self, email: str, sid: str, status: str, legal: str = "", why: str = "") -> JSON:
        """Set a status as a person or a form would (tests); returns the stored record."""
        with self.lock:
            key = (email.strip().lower(), sid)
            record: JSON = {
                "status": status,
                "timestamp": self.stamp(),
                "legalBasis": legal,
                "legalBasisExplanation": why,
                "source": "Public API",
            }
            self.statuses[key] = record
            return record

    def unsubscribe_all(self, email: str) -> None:
        with self.lock:
            self.opted_out[email.strip().lower()] = self.stamp()

    def known(self, sid: str) -> JSON | None:
        return next((d for d in self.definitions if d["id"] == sid), None)

    def snapshot(self) -> dict[str, dict[str, str]]:
        """email → {subscription name (or "*" for all e-mail): status}, NOT_SPECIFIED left out."""
        names = {str(d["id"]): str(d["name"]) for d in self.definitions}
        view: dict[str, dict[str, str]] = {}
        for (email, sid), record in sorted(self.statuses.items()):
            if record["status"] != NOT_SPECIFIED:
                view.setdefault(email, {})[names.get(sid, sid)] = str(record["status"])
        for email in sorted(self.opted_out):
            view.setdefault(email, {})["*"] = UNSUBSCRIBED
        return view


def _definition(sid: str, name: str, description: str, *, default: bool = False) -> JSON:
    return {
        "id": sid,
        "name": name,
        "description": description,
        "purpose": "Marketing",
        "communicationMethod": "Email",
        "isActive": True,
        "isDefault": default,
        "isInternal": False,
        "businessUnitId": 0,
        "createdAt": "2024-01-15T09:00:00.000Z",
        "updatedAt": "2024-01-15T09:00:00.000Z",
    }
