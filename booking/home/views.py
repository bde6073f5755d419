"""Home page, language switch and health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, url_for

from booking.core.i18n import LANGUAGES
from booking.core.ratelimit import storage_available
from booking.core.security import safe_next_url
from booking.core.time import utcnow
from booking.extensions import db
from booking.home import bp
from booking.notifications.services import delivery_state

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
def index():
    return render_template("home/index.html")


@bp.route("/language/<code>")
def set_language(code: str):
    """Switch the language and go back to the page the visitor was on."""
    target = safe_next_url(request.args.get("next"), url_for("home.index"))
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(
            current_app.config["LANGUAGE_COOKIE"],
            code,
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


@bp.route("/healthz")
def healthz():
    """503 when the site cannot serve (no database); what is degraded while it still serves.

    `ratelimit` is "degraded" while Redis cannot be reached (each worker counts on its own);
    `outbox` is "delayed" while emails wait for a retry or for a sender that is not running,
    and "held" where no mail server is set (the local demo): nothing is lost meanwhile.
    """
    ratelimit = "ok" if storage_available() else "degraded"  # counted per worker meanwhile
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(
            status="error", database="unavailable", ratelimit=ratelimit, time=utcnow().isoformat()
        ), 503
    return jsonify(
        status="ok", database="ok", ratelimit=ratelimit, outbox=delivery_state(), time=utcnow().isoformat()
    )


@bp.route("/privacy")
def privacy():
    return render_template("home/privacy.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("home/accessibility.html")
