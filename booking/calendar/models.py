"""A person's private calendar feed: the secret link's salt and hash, never the link itself."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.core.time import utcnow
from booking.extensions import db
from booking.staff.models import User


class CalendarFeed(db.Model):
    """The one live feed link of a person; a new link replaces the row's salt and hash.

    The token is derived from the app's secret and the salt (see calendar.services), so its
    owner's page can show the link again, while the database alone reveals nothing: it
    keeps only the salt and the token's SHA-256. Voiding the link deletes the row.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    salt: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CalendarFeed user={self.user_id}>"
