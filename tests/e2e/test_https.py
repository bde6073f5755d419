"""The site served over HTTPS behind a reverse proxy, as in production (`PROXY_COUNT=1`).

The journeys through the lecture and youth forms over HTTPS are beside their plain-HTTP
twins in test_lectures.py and test_youth.py; here are staff sign-in and what the browser
is told to keep safe: cookies, HSTS and the Referer of private links.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from booking.core.auth import Role
from booking.extensions import db
from booking.lectures.services import add_link
from tests.e2e.conftest import sign_in
from tests.factories import make_user
from tests.factories.lectures import make_program, make_request


def test_staff_sign_in_over_https(https_page: Page, https_server, ctx):
    make_user(Role.COORDINATOR, email="coord@example.jp")
    sign_in(https_page, "coord@example.jp")
    expect(https_page.get_by_role("heading", level=1)).to_have_text("ダッシュボード")
    assert https_page.url == f"{https_server}/staff/"
    cookies = {cookie["name"]: cookie for cookie in https_page.context.cookies()}
    session = cookies["booking_session"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"


def test_https_pages_ask_for_https_and_keep_private_links_to_this_site(https_page: Page, https_server, ctx):
    lecture = make_request(make_program())
    token = add_link(lecture)
    db.session.commit()
    response = https_page.goto(f"/lectures/manage/{token}")
    assert response.status == 200
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    assert response.headers["referrer-policy"] == "same-origin"

    # A link to another site from the private page: that site learns nothing of the page.
    sent: list[dict[str, str]] = []

    def elsewhere(route):
        sent.append(route.request.headers)
        route.fulfill(status=200, content_type="text/html", body="<title>elsewhere</title>")

    https_page.route("https://elsewhere.example/**", elsewhere)
    https_page.evaluate(
        """() => { const a = document.createElement('a');
                   a.href = 'https://elsewhere.example/page'; a.textContent = 'elsewhere';
                   document.body.append(a); a.click(); }"""
    )
    expect(https_page).to_have_title("elsewhere")
    assert len(sent) == 1
    assert "referer" not in sent[0]
