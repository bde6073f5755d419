"""Page links of long lists: the "Previous" and "Next" words are translated, not shadowed."""

from __future__ import annotations

from booking.core.auth import Role
from booking.extensions import db
from booking.notifications.services import queue_email
from tests.factories import make_user


def test_a_list_longer_than_a_page_links_to_the_next_and_previous_pages(client, login, ctx):
    admin = make_user(Role.ADMIN, email="pages@example.jp")
    for n in range(120):
        queue_email(
            f"someone{n}@example.jp",
            "staff/invite_to_user",
            "ja",
            {"user": admin, "link": "http://x/", "valid_hours": 72, "inviter": None},
        )
    db.session.commit()
    login(client, "pages@example.jp")
    first = client.get("/staff/outbox/")
    assert first.status_code == 200
    assert "次へ" in first.get_data(as_text=True)
    middle = client.get("/staff/outbox/?page=2")
    body = middle.get_data(as_text=True)
    assert middle.status_code == 200 and "前へ" in body and "次へ" in body
