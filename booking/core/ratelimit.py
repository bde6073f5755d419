"""Helpers around Flask-Limiter: what the 429 page tells a person, giving back an attempt
that should not count, the store's health."""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app
from limits import parse as parse_limit
from limits.storage import MemoryStorage, RedisStorage, Storage

from booking.extensions import limiter


def seconds_until_retry() -> int | None:
    """Seconds until the limit that was just breached lets the next attempt through."""
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, int(current.reset_at - time.time()))


def public_form_limit():
    """The limit for public form submissions (POST only), shared across workers."""
    return limiter.limit(lambda: current_app.config["PUBLIC_FORM_LIMIT"], methods=["POST"])


def give_back_attempt() -> None:
    """Take back the hit this request made on its limits: the attempt does not count.

    Flask-Limiter counts a limited request before the view runs, in one atomic step on the
    store, so concurrent attempts cannot all pass a check and be counted afterwards (with a
    check first and a count after the answer, a burst of sign-ins got every password
    checked). A view whose attempt should not count, a successful sign-in, calls this.
    """
    for current in limiter.current_limits:
        if not current.breached:
            _remove_newest_entry(current.limiter.storage, current.key)


def _remove_newest_entry(storage: Storage, key: str) -> None:
    """One entry fewer in a moving window (the app's strategy), each store in one step."""
    try:
        if isinstance(storage, RedisStorage):
            storage.get_connection().lpop(storage.prefixed_key(key))  # newest first
        elif isinstance(storage, MemoryStorage):
            with storage.locks[key]:
                if entries := storage.events.get(key):
                    entries.pop(0)  # newest first
    except storage.base_exceptions:
        pass  # the store is unreachable: the attempt stays counted, the request goes on


def storage_available() -> bool:
    """Whether the shared store of the limits answers (Redis in production).

    When it does not, Flask-Limiter counts in each worker's memory instead
    (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) and logs one warning when it switches.
    """
    return bool(limiter.storage.check())


def first_in_window(scope: str, address: str, limit: str) -> bool:
    """True for the first `limit` uses of `address` (e.g. "1 per 15 minutes") in `scope`.

    For emails the app sends to an address anyone can type (a reset link, a private link sent
    again): known and unknown addresses are counted alike, so the answer reveals nothing, and
    nobody can flood a person's inbox. The address is kept in the limiter's storage only as a
    keyed hash.
    """
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode("utf-8"), address.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return limiter.limiter.hit(parse_limit(limit), prefix, scope, key)
