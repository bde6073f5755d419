"""Every email about staff accounts: invitations and set-password links."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import ColumnElement

from booking.core.urls import absolute_url
from booking.notifications.services import queue_email, queue_email_where
from booking.staff.models import TokenPurpose, User


def _context(user: User, token: str, inviter: User | None) -> dict:
    return {
        "user": user,
        "link": absolute_url("staff.set_password", token=token),
        "valid_hours": current_app.config["INVITE_VALID_HOURS"],
        "inviter": inviter.name if inviter else None,
    }


def password_link(user: User, purpose: TokenPurpose, token: str, inviter: User | None) -> None:
    """The invitation, or a link to set a new password, to `user` (caller commits)."""
    template = "staff/invite_to_user" if purpose == TokenPurpose.INVITE else "staff/password_reset_to_user"
    queue_email(
        user.email, template, user.language, _context(user, token, inviter), related=("user", user.id)
    )


def reset_link_where(
    qualifies: ColumnElement[bool], recipient: User, user_id: int | None, token: str
) -> None:
    """A reset link to `recipient`, written only if `qualifies` finds an account.

    The same statements run for any address, so the answer's timing reveals nothing.
    """
    queue_email_where(
        qualifies,
        recipient.email,
        "staff/password_reset_to_user",
        recipient.language,
        _context(recipient, token, None),
        related=("user", user_id or 0),
    )
