"""Applying through the public form: every rule, drafts, double submits, one per student."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
import time_machine

from booking.extensions import db
from booking.youth.models import AccessLink, Applicant, Application, ApplicationStatus
from tests.factories.youth import CLOSES_AT, ESSAY, OPENS_AT, after, form_data
from tests.helpers import outbox


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _token_from(location: str) -> str:
    return re.search(r"/youth/applications/([^/?#]+)", location).group(1)


def test_a_complete_application_is_received_with_a_code_and_two_emails(client, cohort, schools, frozen):
    response = client.post("/youth/apply", data=form_data(schools["high"]))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Y-2026-001" in body
    application = db.session.scalar(sa.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.applicant.family_name_kana == "ヤマダ"
    assert [e.template for e in outbox(client.application)] == [
        "youth/submitted_to_student",
        "youth/consent_request_to_guardian",
    ]
    student, guardian = outbox(client.application)
    assert student.recipient == "hanako@example.jp"
    assert "Y-2026-001" in student.subject
    assert guardian.recipient == "taro@example.jp"
    assert "/youth/consent/" in guardian.body_text


# Each rule refuses the form, says why next to its field, saves nothing and keeps every value.

ESSAY_599 = "あ" * 599
ESSAY_801 = "あ" * 801


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"family_name": ""}, "family_name", "Enter your family name."),
        ({"given_name": "　"}, "given_name", "Enter your given name."),
        ({"family_name_kana": "山田"}, "family_name_kana", "katakana or hiragana"),
        ({"given_name_kana": "hanako"}, "given_name_kana", "katakana or hiragana"),
        ({"grade": "3"}, "grade", "open to students in: Year 1, Year 2"),
        ({"grade": ""}, "grade", "Choose your year at school."),
        ({"email": "hanako@"}, "email", "right format"),
        ({"phone": "12345"}, "phone", "phone number in Japan"),
        ({"guardian_email": "HANAKO@example.jp"}, "guardian_email", "must differ from your email address"),
        ({"guardian_phone": ""}, "guardian_phone", "Enter your guardian's phone number."),
        ({"essay": ESSAY_599}, "essay", "now 599 characters / 600–800 characters"),
        ({"essay": ESSAY_801}, "essay", "now 801 characters / 600–800 characters"),
        ({"school_id": ""}, "school_id", "Choose your school"),
        ({"school_id": "other"}, "school_name", "Enter the name of your school."),
        ({"attest_eligibility": None}, "attest_eligibility", "Confirm that you can apply."),
        ({"attest_schedule": None}, "attest_schedule", "every date"),
        ({"privacy_consent": None}, "privacy_consent", "personal information"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isidentifier() else None,
)
def test_each_rule_refuses_with_its_message_and_keeps_what_was_typed(
    client, cohort, schools, frozen, overrides, field, message
):
    data = form_data(schools["high"], **overrides)
    response = client.post("/youth/apply", data=data, headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    # The message sits next to its field and in the summary at the top, linked to the field.
    assert f'id="{field}-error"' in body
    assert f'href="#{field}"' in body
    assert _count(Application) == 0
    assert outbox(client.application) == []
    for name in ("family_name", "given_name", "email", "guardian_name", "phone"):
        if data.get(name, "").strip():
            assert f'value="{data[name]}"' in body
    assert (data["essay"] if data["essay"].strip() else "") in body


def test_the_essay_count_is_shown_in_japanese_as_the_issue_asks(client, cohort, schools, frozen):
    response = client.post("/youth/apply", data=form_data(schools["high"], essay="あ" * 523))
    assert "現在 523字 / 600〜800字" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (after(OPENS_AT, minutes=-1), False),
        (OPENS_AT, True),
        (after(CLOSES_AT, minutes=-1), True),
        (CLOSES_AT, False),
        (after(CLOSES_AT, minutes=1), False),
    ],
    ids=["a minute before opening", "at opening", "a minute before closing", "at closing", "a minute after"],
)
def test_the_window_is_checked_to_the_minute_in_japan_time(client, cohort, schools, moment, accepted):
    with time_machine.travel(moment, tick=False):
        response = client.post("/youth/apply", data=form_data(schools["high"]))
    assert (response.status_code == 302) is accepted
    assert _count(Application) == (1 if accepted else 0)
    if not accepted:
        body = response.get_data(as_text=True)
        assert response.status_code == 422
        # Everything typed comes back, the essay included, with the reason at the top.
        assert ESSAY.splitlines()[0] in body
        assert 'value="山田"' in body
        assert "2026年12月15日(火) 17:00" in body or "2026年11月1日(日) 9:00" in body


def test_kana_in_hiragana_or_half_width_is_stored_as_full_width_katakana(client, cohort, schools, frozen):
    client.post(
        "/youth/apply", data=form_data(schools["high"], family_name_kana="やまだ", given_name_kana="ﾊﾅｺ")
    )
    applicant = db.session.scalar(sa.select(Applicant))
    assert (applicant.family_name_kana, applicant.given_name_kana) == ("ヤマダ", "ハナコ")


def test_a_technical_college_or_a_school_not_listed_can_apply(client, cohort, schools, frozen):
    assert client.post("/youth/apply", data=form_data(schools["kosen"])).status_code == 302
    other = form_data(
        schools["high"], school_id="other", school_name="私立どこかの高校", email="b@example.jp", key="2"
    )
    assert client.post("/youth/apply", data=other).status_code == 302
    names = set(db.session.scalars(sa.select(Applicant.school_name)))
    assert "私立どこかの高校" in names


def test_a_school_that_is_not_a_high_school_is_refused(client, cohort, schools, frozen):
    response = client.post("/youth/apply", data=form_data(schools["primary"]))
    assert response.status_code == 422
    assert _count(Application) == 0


def test_a_form_sent_twice_makes_one_application(client, cohort, schools, frozen):
    data = form_data(schools["high"])
    first = client.post("/youth/apply", data=data)
    second = client.post("/youth/apply", data=data)
    assert first.status_code == second.status_code == 302
    assert _count(Application) == 1
    # The resent form makes no new private link: the first one went by email.
    assert second.headers["Location"] == "/youth/"
    assert len(outbox(client.application, template="youth/submitted_to_student")) == 1


def test_one_application_per_student_and_the_second_gets_a_resend_button(client, cohort, schools, frozen):
    client.post("/youth/apply", data=form_data(schools["high"]))
    again = client.post(
        "/youth/apply",
        data=form_data(schools["high"], email="Hanako@Example.jp", key="two"),
        headers={"Accept-Language": "en"},
    )
    body = again.get_data(as_text=True)
    assert again.status_code == 422
    assert "already been sent" in body
    assert 'name="action" value="resend_link"' in body
    assert _count(Application) == 1


def _resend(client, email: str) -> str:
    response = client.post(
        "/youth/apply", data={"email": email, "action": "resend_link", "submission_key": "k"}
    )
    assert response.status_code == 200
    return response.get_data(as_text=True).replace(email, "EMAIL")


def test_the_resend_button_answers_the_same_for_known_and_unknown_addresses(client, cohort, schools, frozen):
    client.get(client.post("/youth/apply", data=form_data(schools["high"])).headers["Location"])
    before = len(outbox(client.application))
    known = _resend(client, "hanako@example.jp")
    unknown = _resend(client, "nobody@example.jp")
    assert known == unknown
    sent = outbox(client.application)[before:]
    # Only the address on file gets mail, and it carries a link that works.
    assert [(e.template, e.recipient) for e in sent] == [("youth/link_to_student", "hanako@example.jp")]
    link = re.search(r"http://booking.test(/youth/applications/\S+)", sent[0].body_text).group(1)
    assert "Y-2026-001" in client.get(link).get_data(as_text=True)


# Drafts -----------------------------------------------------------------------------------


def test_a_draft_keeps_what_is_typed_without_rules_and_emails_a_resume_link(client, cohort, schools, frozen):
    data = form_data(schools["high"], essay="まだ書きかけです。", grade="", phone="", action="draft")
    response = client.post("/youth/apply", data=data)
    assert response.status_code == 302
    application = db.session.scalar(sa.select(Application))
    assert application.status == ApplicationStatus.DRAFT
    assert application.code is None
    (email,) = outbox(client.application)
    assert email.template == "youth/draft_saved_to_student"
    link = re.search(r"http://booking.test(/youth/applications/\S+)", email.body_text).group(1)
    resumed = client.get(link).get_data(as_text=True)
    assert "まだ書きかけです。" in resumed
    assert 'value="山田"' in resumed

    # Finishing the draft sends it: now it is an application with a code.
    finished = client.post(link, data=form_data(schools["high"], key="other"))
    assert finished.status_code == 302
    db.session.rollback()
    application = db.session.scalar(sa.select(Application))
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.code == "Y-2026-001"
    assert _count(Application) == 1


def test_a_draft_needs_only_an_email_address(client, cohort, schools, frozen):
    response = client.post(
        "/youth/apply", data={"essay": "書きかけ", "action": "draft", "submission_key": "k"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "書きかけ" in body
    assert _count(Application) == 0


def test_drafts_are_not_counted_as_applications_for_the_one_per_student_rule(client, cohort, schools, frozen):
    client.post("/youth/apply", data=form_data(schools["high"], action="draft", key="d1"))
    assert client.post("/youth/apply", data=form_data(schools["high"], key="s1")).status_code == 302
    statuses = sorted(db.session.scalars(sa.select(Application.status)))
    assert statuses == [ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED]


# Editing ------------------------------------------------------------------------------------


def _submit(client, schools) -> str:
    response = client.post("/youth/apply", data=form_data(schools["high"]))
    return response.headers["Location"]


def test_an_application_can_be_edited_before_the_deadline(client, cohort, schools, frozen):
    page = _submit(client, schools)
    changed = ESSAY.replace("驚きました", "とても驚きました")
    response = client.post(page, data=form_data(schools["high"], essay=changed))
    assert response.status_code == 302
    db.session.rollback()
    assert "とても驚きました" in db.session.scalar(sa.select(Application.essay))
    assert db.session.scalar(sa.select(Application.code)) == "Y-2026-001"
    assert outbox(client.application)[-1].template == "youth/updated_to_student"


def test_edits_are_refused_after_the_deadline_and_the_text_comes_back(client, cohort, schools, frozen):
    page = _submit(client, schools)
    frozen.move_to(after(CLOSES_AT, minutes=1))
    changed = ESSAY.replace("驚きました", "とても驚きました")
    response = client.post(page, data=form_data(schools["high"], essay=changed))
    assert response.status_code == 422
    assert "とても驚きました" in response.get_data(as_text=True)
    db.session.rollback()
    assert "とても驚きました" not in db.session.scalar(sa.select(Application.essay))
    # The page still opens, read-only.
    assert client.get(page).status_code == 200


def test_an_edit_that_breaks_a_rule_is_refused_and_keeps_the_saved_version(client, cohort, schools, frozen):
    page = _submit(client, schools)
    response = client.post(page, data=form_data(schools["high"], essay="短すぎる作文"))
    assert response.status_code == 422
    assert "短すぎる作文" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(Application.essay)) == ESSAY


def test_changing_the_guardian_email_asks_the_new_guardian_and_stops_the_old_link(
    client, cohort, schools, frozen
):
    page = _submit(client, schools)
    old_link = re.search(r"(/youth/consent/\S+)", outbox(client.application)[1].body_text).group(1)
    client.post(page, data=form_data(schools["high"], guardian_email="mother@example.jp"))
    assert client.get(old_link).status_code == 404
    request = outbox(client.application, template="youth/consent_request_to_guardian")[-1]
    assert request.recipient == "mother@example.jp"
    assert _count(AccessLink) == 3  # the student's, the revoked one, the new guardian's


def test_unknown_links_are_the_same_404(client, cohort, schools, frozen):
    client.get(_submit(client, schools))
    a = client.get("/youth/applications/not-a-token")
    b = client.get("/youth/consent/not-a-token-either")
    assert a.status_code == b.status_code == 404
    page_a = a.get_data().replace(b"/youth/applications/not-a-token", b"PATH")
    assert page_a == b.get_data().replace(b"/youth/consent/not-a-token-either", b"PATH")


def test_a_sent_application_cannot_be_saved_as_a_draft_to_skip_the_rules(client, cohort, schools, frozen):
    page = _submit(client, schools)
    response = client.post(page, data=form_data(schools["high"], essay="短い", action="draft"))
    assert response.status_code == 422
    db.session.rollback()
    application = db.session.scalar(sa.select(Application))
    assert application.essay == ESSAY
    assert application.status == ApplicationStatus.SUBMITTED


def test_sending_the_same_edit_twice_announces_it_once(client, cohort, schools, frozen):
    page = _submit(client, schools)
    changed = form_data(schools["high"], essay=ESSAY.replace("驚きました", "とても驚きました"))
    client.post(page, data=changed)
    client.post(page, data=changed)
    assert len(outbox(client.application, template="youth/updated_to_student")) == 1
