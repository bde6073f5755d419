"""The outbox for staff: every email, its delivery state, and a way to send a failed one again.

Staff read the emails with every private link and password link masked: a link is the
key to another person's page or account. Whoever lost one gets it sent again to the
address on file (from the request's or application's page). Only the local demo
(SHOW_PRIVATE_LINKS_IN_OUTBOX) shows the links as sent.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from booking.audit.services import record
from booking.core.auth import Role, role_required
from booking.core.errors import DomainError
from booking.core.forms import ConfirmForm
from booking.core.navigation import register_nav, register_panel
from booking.core.numbers import page_number
from booking.core.redaction import mask_private_links
from booking.extensions import db
from booking.notifications import bp, sender, services
from booking.notifications.models import EmailStatus, OutboxEmail
from booking.notifications.sender import smtp_configured

OUTBOX_ROLES = (Role.ADMIN, Role.COORDINATOR)

register_nav("notifications.outbox", _l("Outbox"), OUTBOX_ROLES, order=800)


def _outbox_panel(user):
    if not user.has_any_role(*OUTBOX_ROLES):
        return None
    return {"counts": services.count_by_status(), "smtp": smtp_configured()}


register_panel("outbox", "notifications/_panel.html", _outbox_panel, order=800)


@bp.route("/")
@role_required(*OUTBOX_ROLES)
def outbox():
    status = request.args.get("status") or None
    page = request.args.get("page", 1, type=page_number)
    stuck = status == "stuck"
    # The list shows recipients' addresses: viewing it is recorded (the filter, not the rows).
    known = stuck or status in {s.value for s in EmailStatus}
    record(current_user, "email.list.view", page=page, **({"status": status} if known else {}))
    db.session.commit()
    return render_template(
        "notifications/outbox.html",
        emails=sender.list_stuck(page) if stuck else services.list_emails(status, page),
        counts=services.count_by_status(),
        stuck_count=sender.count_stuck(),
        stalled_minutes=int(services.STALLED_AFTER.total_seconds() // 60),
        status=status,
        statuses=list(EmailStatus),
        smtp=smtp_configured(),
    )


@bp.route("/recover-stuck", methods=["POST"])
@role_required(*OUTBOX_ROLES)
def recover_stuck():
    """Queue again the emails a stopped sender left "sending"."""
    if ConfirmForm().validate_on_submit():
        ids = sender.recover_stuck()
        record(current_user, "email.recover_stuck", "email", None, count=len(ids), ids=ids)
        db.session.commit()
        flash(_("%(n)d email(s) are queued again and go with the next send.", n=len(ids)), "success")
    return redirect(url_for("notifications.outbox"))


def _email_or_404(email_id: int) -> OutboxEmail:
    email = db.session.get(OutboxEmail, email_id)
    if email is None:
        abort(404)
    return email


def links_shown() -> bool:
    return bool(current_app.config["SHOW_PRIVATE_LINKS_IN_OUTBOX"])


def readable(text: str) -> str:
    """An email's text as staff may read it: private links masked (but in the local demo)."""
    if links_shown():
        return text
    marker = "[" + _("private link") + "]"
    base_path = urlsplit(current_app.config["BASE_URL"]).path
    return mask_private_links(text, current_app.url_map, marker, base_path)


@bp.route("/<int:email_id>")
@role_required(*OUTBOX_ROLES)
def show(email_id: int):
    email = _email_or_404(email_id)
    # An email's body holds personal data: reading it is recorded.
    record(current_user, "email.view", "email", email.id, template=email.template)
    db.session.commit()
    return render_template(
        "notifications/email.html",
        email=email,
        subject=readable(email.subject),
        body_text=readable(email.body_text),
        links_shown=links_shown(),
        form=ConfirmForm(),
        stalled=services.is_stalled(email),
    )


@bp.route("/<int:email_id>/html")
@role_required(*OUTBOX_ROLES)
def show_html(email_id: int):
    """The HTML version on its own, sandboxed: no scripts, no outside requests."""
    email = _email_or_404(email_id)
    record(current_user, "email.view", "email", email.id, template=email.template, part="html")
    db.session.commit()
    response = make_response(readable(email.body_html))
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    return response


@bp.route("/<int:email_id>/requeue", methods=["POST"])
@role_required(*OUTBOX_ROLES)
def requeue(email_id: int):
    email = _email_or_404(email_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.requeue(email)
        except DomainError as error:
            flash(str(error), "error")
        else:
            record(current_user, "email.requeue", "email", email.id)
            db.session.commit()
            flash(_("The email is queued again and goes with the next send."), "success")
    return redirect(url_for("notifications.show", email_id=email.id))
