"""The private link is never minted from a form key, told apart by timing, or sent with typed text."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
import time_machine

from booking.core.tokens import hash_token
from booking.extensions import db
from booking.youth.models import AccessLink, Application
from tests.factories.youth import DURING, form_data
from tests.helpers import count_queries, outbox


def _links() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(AccessLink))


# Form keys ---------------------------------------------------------------------------------


def test_the_form_key_is_stored_only_as_its_hash_and_the_hash_opens_nothing(client, cohort, schools):
    with time_machine.travel(DURING, tick=False):
        client.post("/youth/apply", data=form_data(schools["high"], key="only-mine"))
        stored = db.session.scalar(sa.select(Application.submission_key_hash))
        assert stored == hash_token("key-only-mine")
        links = _links()
        # Whoever reads the stored value and posts it as a form's key gets no link.
        response = client.post("/youth/apply", data=form_data(schools["high"], submission_key=stored))
    assert "/youth/applications/" not in response.headers.get("Location", "")
    assert _links() == links


def test_a_form_sent_again_makes_no_new_private_link(client, cohort, schools):
    data = form_data(schools["high"])
    with time_machine.travel(DURING, tick=False):
        first = client.post("/youth/apply", data=data)
        links = _links()
        for _ in range(3):
            again = client.post("/youth/apply", data=data)
            assert again.status_code == 302 and again.headers["Location"] == "/youth/"
        assert _links() == links
        page = client.get("/youth/").get_data(as_text=True)
    assert "/youth/applications/" in first.headers["Location"]
    assert "すでに送信済み" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 1


def test_a_form_key_expires_after_a_day(client, cohort, schools):
    data = form_data(schools["high"])
    with time_machine.travel(DURING, tick=False) as traveller:
        client.post("/youth/apply", data=data)
        links = _links()
        traveller.shift(timedelta(hours=25))
        late = client.post("/youth/apply", data=data, headers={"Accept-Language": "en"})
    assert late.status_code == 422
    assert "This form was already sent" in late.get_data(as_text=True)
    assert _links() == links


def test_an_overlong_form_key_gets_a_message_and_a_new_key_not_a_500(client, cohort, schools):
    with time_machine.travel(DURING, tick=False):
        response = client.post(
            "/youth/apply",
            data=form_data(schools["high"], submission_key="k" * 5000),
            headers={"Accept-Language": "en"},
        )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This form is out of date" in body
    key = re.search(r'name="submission_key" type="hidden" value="([^"]*)"', body) or re.search(
        r'name="submission_key" value="([^"]*)"', body
    )
    assert key is not None and 0 < len(key.group(1)) <= 64
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0


# Send my link again ------------------------------------------------------------------------


def _resend(client, email: str) -> tuple[int, bytes]:
    response = client.post(
        "/youth/apply", data={"email": email, "action": "resend_link", "submission_key": "k"}
    )
    return response.status_code, response.get_data().replace(email.encode(), b"EMAIL")


def test_send_my_link_again_does_the_same_work_for_known_and_unknown_addresses(app, client, cohort, schools):
    with time_machine.travel(DURING, tick=False):
        client.post("/youth/apply", data=form_data(schools["high"]))
        before = len(outbox(app))
        _resend(client, "warm-up@example.jp")  # first-use costs (templates, caches) out of the way
        with count_queries(app) as known_queries:
            known = _resend(client, "hanako@example.jp")
        with count_queries(app) as unknown_queries:
            unknown = _resend(client, "nobody@example.jp")
    assert known == unknown and known[0] == 200
    assert known_queries.count == unknown_queries.count
    shapes = [re.sub(r"\s+", " ", s.split(" WHERE")[0])[:60] for s in known_queries.statements]
    assert shapes == [re.sub(r"\s+", " ", s.split(" WHERE")[0])[:60] for s in unknown_queries.statements]
    # Only the address on file gets mail, with a link that opens the application.
    sent = outbox(app)[before:]
    assert [(e.template, e.recipient) for e in sent] == [("youth/link_to_student", "hanako@example.jp")]
    link = re.search(r"http://booking.test(/youth/applications/\S+)", sent[0].body_text).group(1)
    assert "Y-2026-001" in client.get(link).get_data(as_text=True)


def test_send_my_link_again_sends_one_email_per_address_in_a_quarter_hour(app, client, cohort, schools):
    with time_machine.travel(DURING, tick=False) as traveller:
        client.post("/youth/apply", data=form_data(schools["high"]))
        before = len(outbox(app, to="hanako@example.jp"))
        client.get("/youth/")  # shows the submission's message, so the answers below compare alike
        answers = {_resend(client, "hanako@example.jp") for _ in range(5)}
        assert len(answers) == 1  # every request gets the same page
        assert len(outbox(app, to="hanako@example.jp")) == before + 1
        traveller.shift(timedelta(minutes=16))
        _resend(client, "hanako@example.jp")
        assert len(outbox(app, to="hanako@example.jp")) == before + 2


# Draft email -------------------------------------------------------------------------------


def test_the_draft_email_echoes_nothing_typed_to_the_unconfirmed_address(app, client, cohort, schools):
    typed = form_data(
        schools["high"],
        action="draft",
        family_name="今すぐ",
        given_name="http://evil.example/クリック",
        essay="宣伝文句",
        email="victim@example.jp",
    )
    with time_machine.travel(DURING, tick=False):
        assert client.post("/youth/apply", data=typed).status_code == 302
        (email,) = outbox(app, to="victim@example.jp")
        client.post("/youth/apply", data={"email": "victim@example.jp", "action": "resend_link"})
    resent = outbox(app, to="victim@example.jp")[-1]
    for message in (email, resent):
        for text in (message.subject, message.body_text, message.body_html):
            assert "今すぐ" not in text and "evil.example" not in text and "宣伝文句" not in text
        assert "応募者 様" in message.body_text
        assert "/youth/applications/" in message.body_text
