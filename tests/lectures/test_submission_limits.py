"""Shared school networks: many teachers send requests from one internet address, so that
limit is generous; one email address is limited tightly, and a refused form comes back with
everything typed and when to try again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from booking.core.time import today_jst, utcnow
from booking.extensions import db, limiter
from booking.lectures.models import LectureRequest
from booking.lectures.rules import slot_problems
from booking.settings.services import current_settings
from tests.factories.lectures import form_data, make_program
from tests.staff.test_rate_limit_shared import ROOT, WORKER_APP, redis_available

SCHOOL_NETWORK = {"REMOTE_ADDR": "203.0.113.50"}


def post(client, data, language="en", address=SCHOOL_NETWORK):
    return client.post(
        "/lectures/request", data=data, headers={"Accept-Language": language}, environ_base=address
    )


def requests_made() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(LectureRequest.id)))


def test_thirty_teachers_behind_one_address_all_get_through(client, frozen, program):
    codes = [
        post(client, form_data(program, contact_email=f"teacher{n}@example.jp")).status_code
        for n in range(30)
    ]
    assert codes == [302] * 30
    assert requests_made() == 30


def test_the_sixth_request_from_one_email_in_an_hour_comes_back_with_everything_kept(client, frozen, program):
    for _ in range(5):
        assert post(client, form_data(program)).status_code == 302
    refused = post(client, form_data(program, notes="六回目の申込みです。", contact_name="山田 花子"))
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "error-summary" in html  # at the top of the form
    assert "Please send it again in 60 minutes (from 10:00, Japan time)" in html
    for kept in (
        "六回目の申込みです。",
        'value="山田 花子"',
        'value="teacher@example.jp"',
        'value="2026-12-03"',
    ):
        assert kept in html, kept
    assert requests_made() == 5
    # Another teacher on the same network is not held up.
    assert post(client, form_data(program, contact_email="colleague@example.jp")).status_code == 302


def test_the_email_limit_ignores_case_and_spaces(client, frozen, program):
    for n in range(5):
        assert (
            post(
                client,
                form_data(program, contact_email="Teacher@Example.jp" if n % 2 else "teacher@example.jp"),
            ).status_code
            == 302
        )
    assert post(client, form_data(program, contact_email=" TEACHER@example.jp ")).status_code == 429


def test_the_message_is_in_japanese_too(client, frozen, program):
    for _ in range(5):
        post(client, form_data(program))
    html = post(client, form_data(program), language="ja").get_data(as_text=True)
    assert "60分後" in html and "10:00" in html


def test_an_hour_later_the_same_email_can_send_again(client, frozen, program):
    for _ in range(5):
        post(client, form_data(program))
    assert post(client, form_data(program)).status_code == 429
    frozen.shift(timedelta(minutes=61))
    assert post(client, form_data(program)).status_code == 302


def test_a_form_sent_twice_counts_once(client, frozen, program):
    same = form_data(program)
    assert post(client, same).status_code == 302
    assert post(client, same).status_code == 302  # the same request again: nothing new made
    for _ in range(4):
        assert post(client, form_data(program)).status_code == 302
    assert post(client, form_data(program)).status_code == 429
    assert requests_made() == 5


def test_one_address_is_still_limited(app, client, frozen, program):
    app.config["SUBMISSION_ADDRESS_LIMIT"] = "3 per hour"
    for n in range(3):
        assert post(client, form_data(program, contact_email=f"t{n}@example.jp")).status_code == 302
    refused = post(client, form_data(program, contact_email="t9@example.jp", notes="残しておいてください"))
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "残しておいてください" in html and "Please send it again in" in html
    assert requests_made() == 3
    # Another address is counted on its own.
    other = post(
        client, form_data(program, contact_email="t8@example.jp"), address={"REMOTE_ADDR": "198.51.100.9"}
    )
    assert other.status_code == 302


def test_the_limiter_never_holds_an_email_address_as_a_key(client, frozen, program):
    post(client, form_data(program, contact_email="private.teacher@example.jp"))
    keys = " ".join(limiter.storage.events) + " ".join(limiter.storage.storage)
    assert "private.teacher" not in keys and "203.0.113.50" not in keys


# Across workers, with Redis as in production ----------------------------------------------

WORKER = (
    WORKER_APP
    + """
plan = json.loads(sys.argv[4])
client = app.test_client()
codes = []
for email in plan["emails"]:
    data = dict(plan["form"], contact_email=email, submission_key=email.replace("@", "-") + "-" + "k" * 32)
    codes.append(client.post("/lectures/request", data=data,
                             environ_base={"REMOTE_ADDR": "203.0.113.77"}).status_code)
print(json.dumps(codes))
"""
)


def _good_day() -> date:
    """A school day the rules take, a month from the real today (the workers' clock runs)."""
    settings, now = current_settings(), utcnow()
    day = today_jst() + timedelta(days=30)
    while slot_problems(day, time(10, 30), settings, now):
        day += timedelta(days=1)
    return day


def _run(database_url: str, prefix: str, plan: dict) -> list[int]:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, "redis://127.0.0.1:6379/15", prefix, json.dumps(plan)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_redis_one_address_sends_thirty_and_one_email_is_refused_the_sixth_time(ctx, database_url):
    if not redis_available():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    program = make_program()
    form = form_data(
        program, candidate_1_date=_good_day().isoformat(), candidate_2_date="", candidate_2_time=""
    )
    form.pop("submission_key")
    db.session.remove()
    prefix = f"test-{uuid.uuid4().hex}"
    many = _run(database_url, prefix, {"form": form, "emails": [f"t{n}@example.jp" for n in range(30)]})
    assert many == [302] * 30
    # Two workers, one email: the sixth attempt overall is refused, wherever it lands.
    first = _run(database_url, prefix, {"form": form, "emails": ["same@example.jp"] * 3})
    second = _run(database_url, prefix, {"form": form, "emails": ["same@example.jp"] * 3})
    assert first == [302, 302, 302] and second == [302, 302, 429]
