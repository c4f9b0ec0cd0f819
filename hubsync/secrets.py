"""Keeping secrets out of text: the one scrubber for logs, fetch messages and mail errors.

Imports nothing of hubsync, so every layer may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

MASK = "***"
# `scheme://user:password@`: everything up to the last "@" counts as the password, so a
# password holding an "@" is masked whole (over-masking beats a leak).
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://[^:@/]*):.*@", re.DOTALL)


def mask_url(url: str) -> str:
    """`url` with any password replaced by `***`; never raises, over-masks when in doubt."""
    return _USERINFO.sub(rf"\1:{MASK}@", url)


def url_password(url: str) -> str | None:
    """The password as written into `url` (`scheme://user:password@host`), None without one."""
    try:
        password = urlsplit(url.strip()).password
    except ValueError:
        return None
    return password or None


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every (non-empty) secret replaced by `***`, longest first so no part of a
    longer secret survives, and a password in a leading URL masked."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return mask_url(text)
