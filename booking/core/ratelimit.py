"""Helpers around Flask-Limiter: what the 429 page tells a person, giving back an attempt
that should not count, the store's health, and the limits of the forms that make a record
(per client address, generous, and per email address, tight)."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from limits import parse as parse_limit
from limits.storage import MemoryStorage, RedisStorage, Storage

from booking.core.i18n import format_time
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
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return limiter.limiter.hit(parse_limit(limit), prefix, scope, keyed(address))


def keyed(value: str) -> str:
    """`value` (an email or client address) as the limiter stores it: a keyed hash, never the value."""
    return hmac.new(
        current_app.config["SECRET_KEY"].encode("utf-8"), value.encode("utf-8"), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class Refusal:
    """A limit refused the attempt; the next one gets through at `retry_at` (UTC)."""

    retry_at: datetime

    @property
    def minutes(self) -> int:
        return max(1, math.ceil((self.retry_at - datetime.now(UTC)).total_seconds() / 60))

    @property
    def message(self) -> str:
        return ngettext(
            "This form has been sent too many times for now. Please send it again in "
            "%(num)d minute (from %(time)s, Japan time). Everything you typed is kept below.",
            "This form has been sent too many times for now. Please send it again in "
            "%(num)d minutes (from %(time)s, Japan time). Everything you typed is kept below.",
            self.minutes,
            time=format_time(self.retry_at),
        )


def take_attempt(scope: str, key: str, limit: str) -> Refusal | None:
    """Count an attempt of `key` (already keyed) in `scope`; a Refusal once `limit` is used up.

    Refused attempts are not counted. When the store cannot be reached the attempt goes
    through: a form must keep working while Redis is down.
    """
    item = parse_limit(limit)
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    strategy = limiter.limiter
    try:
        if strategy.hit(item, prefix, scope, key):
            return None
        reset_at = strategy.get_window_stats(item, prefix, scope, key).reset_time
    except strategy.storage.base_exceptions:
        return None
    return Refusal(datetime.fromtimestamp(math.ceil(reset_at), UTC))


def give_back(scope: str, key: str, limit: str) -> None:
    """Take back one counted attempt of `key` in `scope` (a form sent again made nothing new)."""
    item = parse_limit(limit)
    storage = limiter.limiter.storage
    _remove_newest_entry(storage, item.key_for(current_app.config["RATELIMIT_KEY_PREFIX"], scope, key))


@dataclass(frozen=True)
class SubmissionLimits:
    """The limits of a public form that makes a record (a lecture request, an application).

    Schools often share one internet address, so the limit per client address is generous
    (SUBMISSION_ADDRESS_LIMIT); the one per email address (SUBMISSION_EMAIL_LIMIT) is tight.
    """

    scope: str

    def address_attempt(self) -> Refusal | None:
        """Every POST counts against the client address's limit."""
        limit = current_app.config["SUBMISSION_ADDRESS_LIMIT"]
        return take_attempt(f"{self.scope}:address", keyed(get_remote_address() or ""), limit)

    def email_attempt(self, email: str) -> Refusal | None:
        """A submission counts against its email address's limit (normalised: trimmed, lower case)."""
        limit = current_app.config["SUBMISSION_EMAIL_LIMIT"]
        return take_attempt(f"{self.scope}:email", keyed(normalised_email(email)), limit)

    def give_back_email(self, email: str) -> None:
        limit = current_app.config["SUBMISSION_EMAIL_LIMIT"]
        give_back(f"{self.scope}:email", keyed(normalised_email(email)), limit)


def normalised_email(email: str) -> str:
    return (email or "").strip().lower()
