"""The application form shares the lecture request form's limits: generous per internet
address (a school's students share one), tight per student email, the form kept when refused."""

from __future__ import annotations

import sqlalchemy as sa

from booking.extensions import db
from booking.youth.models import Application
from tests.factories.youth import form_data

SCHOOL_NETWORK = {"REMOTE_ADDR": "203.0.113.60"}


def post(client, data):
    return client.post(
        "/youth/apply", data=data, headers={"Accept-Language": "en"}, environ_base=SCHOOL_NETWORK
    )


def applications() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(Application.id)))


def test_thirty_students_behind_one_address_all_get_through(client, cohort, schools, frozen):
    codes = [
        post(client, form_data(schools["high"], email=f"student{n}@example.jp", key=f"k{n}")).status_code
        for n in range(30)
    ]
    assert codes == [302] * 30
    assert applications() == 30


def test_the_sixth_attempt_from_one_email_in_an_hour_comes_back_with_everything_kept(
    client, cohort, schools, frozen
):
    codes = [post(client, form_data(schools["high"], key=f"k{n}")).status_code for n in range(5)]
    assert codes == [302, 422, 422, 422, 422]  # one application; then "already applied"
    refused = post(client, form_data(schools["high"], key="k6", given_name="六子"))
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "error-summary" in html
    assert "Please send it again in 60 minutes (from 13:00, Japan time)" in html
    assert 'value="六子"' in html and 'value="hanako@example.jp"' in html
    assert applications() == 1


def test_a_form_sent_twice_counts_once(client, cohort, schools, frozen):
    same = form_data(schools["high"], key="same")
    assert post(client, same).status_code == 302
    assert post(client, same).status_code == 302  # sent again: nothing new, not counted
    for n in range(4):
        post(client, form_data(schools["high"], key=f"k{n}"))
    assert post(client, form_data(schools["high"], key="k9")).status_code == 429
