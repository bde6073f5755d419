"""The audit log for administrators."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from booking.audit import bp, services
from booking.core.auth import Role, role_required
from booking.core.navigation import register_nav
from booking.core.numbers import page_number

register_nav("audit.log", _l("Audit log"), (Role.ADMIN,), order=950)


@bp.route("/")
@role_required(Role.ADMIN)
def log():
    action = request.args.get("action") or None
    page = request.args.get("page", 1, type=page_number)
    return render_template(
        "audit/log.html",
        entries=services.list_entries(action=action, page=page),
        action=action,
        actions=services.action_names(),
    )
