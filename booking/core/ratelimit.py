"""Helpers around Flask-Limiter: what the 429 page tells a person, the store's health."""

from __future__ import annotations

import time

from flask import current_app

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


def storage_available() -> bool:
    """Whether the shared store of the limits answers (Redis in production).

    When it does not, Flask-Limiter counts in each worker's memory instead
    (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) and logs one warning when it switches.
    """
    return bool(limiter.storage.check())
