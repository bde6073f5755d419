"""The feed buttons' form: only the page to come back to (checked to stay on this site)."""

from __future__ import annotations

from wtforms import HiddenField

from booking.core.forms import BaseForm


class FeedActionForm(BaseForm):
    next = HiddenField()
