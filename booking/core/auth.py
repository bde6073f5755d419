"""Staff roles and the guards that check them on the server."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from booking.core.enums import LabelledEnum

F = TypeVar("F", bound=Callable[..., Any])


class Role(LabelledEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    LECTURER = "lecturer"
    REVIEWER = "reviewer"
    GUIDE = "guide"


ROLE_LABELS = Role.set_labels(
    {
        Role.ADMIN: _l("Administrator"),
        Role.COORDINATOR: _l("Coordinator"),
        Role.LECTURER: _l("Lecturer"),
        Role.REVIEWER: _l("Reviewer"),
        Role.GUIDE: _l("Guide"),
    }
)


def role_required(*roles: Role) -> Callable[[F], F]:
    """Allow the view to signed-in staff holding any of `roles`; others get 403.

    Anonymous visitors are sent to the sign-in page (with `next`), as Flask-Login does.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator
