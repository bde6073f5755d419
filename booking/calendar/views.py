"""The public feed: a person's calendar as .ics, opened by its secret link (no sign-in)."""

from __future__ import annotations

from flask import Response, abort, current_app

from booking.calendar import bp, services
from booking.extensions import limiter

# Calendar programs fetch a feed every few minutes to hours; this leaves room for several
# people behind one address while stopping anyone trying links in bulk.
DEFAULT_FEED_LIMIT = "120 per hour"


@bp.route("/feeds/<token>.ics")
@limiter.limit(lambda: current_app.config.get("FEED_LIMIT", DEFAULT_FEED_LIMIT))
def feed(token: str):
    owner = services.feed_owner(token)
    if owner is None:
        abort(404)
    response = Response(services.feed_file(owner), mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    return response
