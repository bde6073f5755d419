"""The public request form: every rule with its message next to its field, nothing lost."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
import sqlalchemy as sa

from booking.core.errors import DomainError
from booking.extensions import db
from booking.lectures import services
from booking.lectures.models import LectureEvent, LectureRequest, LectureStatus
from booking.schools.models import School, SchoolType
from booking.schools.services import SEARCH_RESULTS
from booking.settings.services import add_blackout_day
from tests.factories import make_user
from tests.factories.lectures import GOOD_DAY, form_data, make_program, request_data
from tests.factories.schools import make_school
from tests.helpers import outbox

MANAGE = re.compile(r"/lectures/manage/([A-Za-z0-9_-]+)$")


def count_requests() -> int:
    db.session.rollback()  # see what the requests wrote since this session last read
    return db.session.scalar(sa.select(sa.func.count(LectureRequest.id)))


def latest() -> LectureRequest:
    db.session.rollback()
    return db.session.scalar(sa.select(LectureRequest).order_by(LectureRequest.id.desc()))


def post(client, data, language="en"):
    return client.post("/lectures/request", data=data, headers={"Accept-Language": language})


def test_a_valid_request_is_saved_and_leads_to_the_private_page(app, client, frozen, program):
    from booking.core.auth import Role

    make_user(Role.COORDINATOR, email="coord@example.jp", language="en")
    response = post(client, form_data(program), language="ja")
    assert response.status_code == 302
    token = MANAGE.search(response.headers["Location"]).group(1)
    assert len(token) >= 22  # at least 128 random bits

    lecture = latest()
    assert lecture.reference == "L-2026-0001"
    assert lecture.status == LectureStatus.SUBMITTED
    assert lecture.language == "ja"
    assert lecture.school_name == "北九州市立どこか小学校"
    assert [s.rank for s in lecture.candidates] == [1, 2]
    assert lecture.candidates[0].starts_at.isoformat() == "2026-12-03T01:30:00+00:00"  # 10:30 in Japan
    assert lecture.venue == "" and lecture.online_platform.value == "zoom"
    assert [(e.from_status, e.to_status, e.by_school) for e in lecture.events] == [
        (None, LectureStatus.SUBMITTED, True)
    ]

    page = client.get(f"/lectures/manage/{token}")
    assert page.status_code == 200
    assert "L-2026-0001" in page.get_data(as_text=True)

    teacher = outbox(app, to="teacher@example.jp")
    assert [e.template for e in teacher] == ["lectures/submitted_to_teacher"]
    assert "L-2026-0001" in teacher[0].subject and "受け付けました" in teacher[0].subject
    assert "/lectures/manage/" in teacher[0].body_text
    coordinator = outbox(app, to="coord@example.jp")
    assert [e.template for e in coordinator] == ["lectures/submitted_to_coordinator"]
    assert coordinator[0].language == "en" and "New lecture request" in coordinator[0].subject


def test_a_school_from_the_directory_is_copied_onto_the_request(client, frozen, program):
    school = make_school("北九州市立思永中学校")
    response = post(client, form_data(program, school))
    assert response.status_code == 302
    lecture = latest()
    assert (lecture.school_id, lecture.school_name, lecture.school_type.value) == (
        school.id,
        "北九州市立思永中学校",
        "elementary",
    )


def blackout(ctx):
    admin = make_user(email="settings-admin@example.jp")
    add_blackout_day(date(2026, 12, 25), "year-end inspection", admin)


# (changes to the form, the field whose message it is, words of the message)
BAD = {
    "lead_time": ({"candidate_1_date": "2026-11-10"}, "candidate_1_date", "at least 14 days ahead"),
    "horizon": ({"candidate_1_date": "2027-06-01"}, "candidate_1_date", "up to 180 days ahead"),
    "past": ({"candidate_1_date": "2026-10-30"}, "candidate_1_date", "has already passed"),
    "saturday": ({"candidate_1_date": "2026-11-21"}, "candidate_1_date", "is a Saturday"),
    "sunday": ({"candidate_1_date": "2026-11-22"}, "candidate_1_date", "is a Sunday"),
    "holiday": ({"candidate_2_date": "2027-01-11"}, "candidate_2_date", "holiday (Coming of Age Day)"),
    "year_end": ({"candidate_1_date": "2026-12-29"}, "candidate_1_date", "year-end and New Year holidays"),
    "blackout": ({"candidate_1_date": "2026-12-25"}, "candidate_1_date", "(year-end inspection)"),
    "too_early": ({"candidate_1_time": "08:00"}, "candidate_1_time", "between 08:30 and 16:30"),
    "too_late": ({"candidate_1_time": "16:45"}, "candidate_1_time", "between 08:30 and 16:30"),
    "audience": ({"audience_size": "121"}, "audience_size", "up to 120 listeners"),
    "audience_zero": ({"audience_size": "0"}, "audience_size", "from 1 to 2000"),
    "audience_text": ({"audience_size": "many"}, "audience_size", "whole number"),
    "same_dates": (
        {"candidate_2_date": GOOD_DAY.isoformat(), "candidate_2_time": "10:30"},
        "candidate_2_date",
        "same as choice 1",
    ),
    "second_time_missing": ({"candidate_2_time": ""}, "candidate_2_time", "start time for this date"),
    "first_missing": ({"candidate_1_date": ""}, "candidate_1_date", "Choice 1: Enter the date."),
    "bad_date": ({"candidate_1_date": "3 Dec"}, "candidate_1_date", "like 2026-12-03"),
    "no_consent": ({"privacy_consent": None}, "privacy_consent", "agree to the handling"),
    "no_platform": ({"online_platform": None}, "online_platform", "video call service"),
    "no_link_host": ({"meeting_link_by": None}, "meeting_link_by", "who sends the meeting link"),
    "no_venue": ({"format": "in_person", "venue": ""}, "venue", "room where the lecture"),
    "no_format": ({"format": None}, "format", "how the lecture is given"),
    "other_school_name": ({"school_name": ""}, "school_name", "name of your school"),
    "other_school_type": ({"school_type": ""}, "school_type", "type of your school"),
    "no_school": ({"school_id": ""}, "school_id", "Choose your school"),
    "email": ({"contact_email": "teacher@example"}, "contact_email", "right format"),
    "phone": ({"contact_phone": "12345"}, "contact_phone", "phone number in Japan"),
    "no_name": ({"contact_name": "  "}, "contact_name", "Enter your name"),
    "no_program": ({"program_id": ""}, "program_id", "Choose a lecture"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_each_bad_value_gets_its_message_next_to_its_field_and_saves_nothing(
    ctx, client, frozen, program, case
):
    if case == "blackout":
        blackout(ctx)
    changes, field, words = BAD[case]
    response = post(client, form_data(program, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    match = re.search(rf'<p class="field__error" id="{field}-error">(.*?)</p>', html, re.S)
    assert match, f"no error next to {field}"
    assert words in " ".join(match.group(1).split())
    assert f'<a href="#{field}">' in html  # and in the summary at the top, linked to the field
    assert count_requests() == 0


def test_a_program_that_is_not_given_online_says_so(ctx, client, frozen):
    program = make_program(offers_online=False, title_en="At school only")
    response = post(client, form_data(program))
    assert response.status_code == 422
    assert "“At school only” is not given online" in response.get_data(as_text=True)
    assert count_requests() == 0


def test_an_inactive_program_cannot_be_requested(ctx, client, frozen):
    program = make_program(active=False)
    response = post(client, form_data(program))
    assert response.status_code == 422
    assert count_requests() == 0


def test_coming_of_age_day_2027_is_refused_in_japanese_too(client, frozen, program):
    response = post(client, form_data(program, candidate_1_date="2027-01-11"), language="ja")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2027年1月11日(月)は祝日（成人の日）です" in html


def test_the_service_refuses_a_holiday_without_the_form(ctx, frozen, program):
    data = request_data(program, candidates=(services.Candidate(1, date(2027, 1, 11), time(10, 30)),))
    with pytest.raises(DomainError) as refused:
        services.submit_request(data)
    assert [e.field for e in refused.value.errors] == ["candidate_1_date"]
    assert count_requests() == 0


def test_every_problem_is_reported_at_once(client, frozen, program):
    changes = {"candidate_1_date": "2026-11-21", "candidate_2_date": "2027-01-11", "audience_size": "500"}
    html = post(client, form_data(program, **changes)).get_data(as_text=True)
    for field in ("candidate_1_date", "candidate_2_date", "audience_size"):
        assert f'id="{field}-error"' in html


def test_a_failed_form_keeps_everything_typed(client, frozen, program):
    data = form_data(program, candidate_1_date="2026-11-21", notes="理科の学習で水を調べています。")
    html = post(client, data).get_data(as_text=True)
    for value in (
        "北九州市立どこか小学校",
        "北九州市門司区",
        "山田 花子",
        "teacher@example.jp",
        "093-582-0000",
        "5年生 2クラス",
        'value="60"',
        "2026-11-21",
        "2026-12-04",
        "13:30",
        "理科の学習で水を調べています。",
        data["submission_key"],
    ):
        assert value in html, value
    assert re.search(
        r'<input[^>]*checked[^>]*id="privacy_consent"|<input[^>]*id="privacy_consent"[^>]*checked', html
    )
    assert re.search(r'<input[^>]*checked[^>]*value="zoom"|<input[^>]*value="zoom"[^>]*checked', html)


def test_dates_times_and_numbers_typed_loosely_are_understood(client, frozen, program):
    data = form_data(
        program,
        candidate_1_date="２０２６/１２/３",
        candidate_1_time="10時30分",
        audience_size="６０人",
        candidate_2_date="2026年12月4日",
        candidate_2_time="1330",
    )
    assert post(client, data).status_code == 302
    lecture = latest()
    assert [s.starts_at.isoformat() for s in lecture.candidates] == [
        "2026-12-03T01:30:00+00:00",
        "2026-12-04T04:30:00+00:00",
    ]
    assert lecture.audience_size == 60


def test_an_in_person_request_keeps_the_venue_and_drops_online_details(client, frozen, program):
    data = form_data(program, format="in_person", venue="体育館", equipment="プロジェクター")
    assert post(client, data).status_code == 302
    lecture = latest()
    assert (lecture.venue, lecture.equipment) == ("体育館", "プロジェクター")
    assert (lecture.online_platform, lecture.meeting_link_by, lecture.connection_test) == (None, None, False)


def test_a_double_post_makes_one_request_and_both_lead_to_it(client, frozen, program):
    data = form_data(program)
    first = post(client, data)
    second = post(client, data)
    assert first.status_code == second.status_code == 302
    assert count_requests() == 1
    for response in (first, second):
        page = client.get(response.headers["Location"])
        assert "L-2026-0001" in page.get_data(as_text=True)
    assert len(outbox(app=client.application, to="teacher@example.jp")) == 1  # one confirmation


def test_without_javascript_every_field_is_shown_with_a_hint(client, frozen, program):
    html = client.get("/lectures/request", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for name in (
        "program_id",
        "format",
        "school_id",
        "school_name",
        "school_address",
        "school_type",
        "contact_name",
        "contact_email",
        "contact_phone",
        "grade",
        "audience_size",
        "candidate_1_date",
        "candidate_1_time",
        "candidate_2_date",
        "candidate_2_time",
        "candidate_3_date",
        "candidate_3_time",
        "online_platform",
        "venue",
        "notes",
        "privacy_consent",
        "submission_key",
        "meeting_link_by",
        "connection_test",
        "equipment",
    ):
        assert f'name="{name}"' in html, name
    assert "Fill in this part only if the lecture is online." in html
    assert "Fill in this part only if a lecturer comes to your school." in html
    assert "Only if your school is not in the list." in html
    assert " hidden" not in html.split('data-format-section="online"')[1][:5]
    assert "js/lectures.js" in html  # the script only hides what does not apply


def test_the_program_in_the_address_is_preselected(client, frozen, program):
    other = make_program(title_ja="水から考えるSDGs")
    html = client.get(f"/lectures/request?program={other.id}").get_data(as_text=True)
    assert re.search(rf'<option[^>]* selected[^>]*value="{other.id}"', html)
    assert not re.search(rf'<option[^>]* selected[^>]*value="{program.id}"', html)


def test_the_request_remembers_its_language_and_emails_use_it(app, client, frozen, program):
    client.get("/language/en?next=/lectures/request")
    assert post(client, form_data(program), language="ja").status_code == 302
    lecture = latest()
    assert lecture.language == "en"
    email = outbox(app, to="teacher@example.jp")[0]
    assert email.language == "en" and email.subject.startswith("[L-2026-0001] We have received")


def test_history_has_one_row_per_submission(client, frozen, program):
    post(client, form_data(program))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(LectureEvent.id))) == 1


def test_date_rules_show_with_the_forms_own_mistakes(client, frozen, program):
    html = post(
        client, form_data(program, candidate_1_date="2026-11-21", contact_email="", privacy_consent=None)
    ).get_data(as_text=True)
    for field in ("candidate_1_date", "contact_email", "privacy_consent"):
        assert f'id="{field}-error"' in html
    assert count_requests() == 0


# The school picker: small at any directory size, with and without JavaScript -----------

PAGE_BUDGET_BYTES = 40_000  # the form itself is about 20 KB


def add_directory(size: int) -> None:
    """`size` schools in one bulk insert, as a large city's directory (or a careless import)."""
    db.session.execute(
        sa.insert(School),
        [
            {
                "name": f"北九州市立第{n:06d}小学校",
                "name_kana": f"キタキュウシュウシリツダイ{n:06d}ショウガッコウ",
                "school_type": SchoolType.ELEMENTARY,
                "ward": "小倉北区",
            }
            for n in range(size)
        ],
    )
    db.session.commit()


def school_radios(html: str) -> list[str]:
    return re.findall(r'<input[^>]*name="school_id"[^>]*value="([^"]+)"', html)


def test_the_request_page_stays_small_with_100000_schools(client, frozen, program):
    add_directory(100_000)
    make_school("北九州市立思永中学校")

    page = client.get("/lectures/request")
    assert page.status_code == 200
    assert len(page.get_data()) < PAGE_BUDGET_BYTES
    assert school_radios(page.get_data(as_text=True)) == ["other"]

    # A search that matches every school still offers a page of them.
    found = post(
        client, {**form_data(program), "school_id": "", "school_query": "小学校", "find_school": "1"}
    )
    assert found.status_code == 200
    assert len(found.get_data()) < PAGE_BUDGET_BYTES
    assert len(school_radios(found.get_data(as_text=True))) == SEARCH_RESULTS + 1  # and "other"

    matches = client.get("/lectures/schools", query_string={"q": "小学校"}).get_json()["schools"]
    assert len(matches) == SEARCH_RESULTS


def test_find_school_shows_matches_keeps_what_was_typed_and_saves_nothing(app, client, frozen, program):
    school = make_school("北九州市立思永中学校", name_kana="キタキュウシュウシリツシエイチュウガッコウ")
    make_school("北九州市立霧丘中学校")
    data = {**form_data(program), "school_id": "", "school_query": "しえい", "find_school": "1"}

    response = post(client, data, language="ja")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert school_radios(html) == [str(school.id), "other"]
    assert "1校見つかりました" in html
    assert 'value="山田 花子"' in html and 'value="teacher@example.jp"' in html  # nothing typed is lost
    assert 'class="field__error"' not in html  # a search is not a submission
    assert count_requests() == 0
    assert outbox(app) == []

    # Choosing the school found and sending saves the request with it.
    del data["find_school"]
    sent = post(client, {**data, "school_id": str(school.id)})
    assert sent.status_code == 302
    assert latest().school_id == school.id


def test_a_chosen_school_stays_offered_when_the_form_comes_back(client, frozen, program):
    school = make_school("北九州市立思永中学校")
    response = post(client, form_data(program, school, contact_email="not-an-email"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert school_radios(html) == [str(school.id), "other"]
    assert re.search(rf'value="{school.id}"[^>]*checked|checked[^>]*value="{school.id}"', html)


def test_an_unknown_or_inactive_school_id_is_refused_next_to_the_field(client, frozen, program):
    closed = make_school("北九州市立閉校小学校", active=False)
    for value in (str(closed.id), "999999", "abc"):
        response = post(client, form_data(program, school_id=value))
        assert response.status_code == 422
        assert '<p class="field__error" id="school_id-error">' in response.get_data(as_text=True)
    assert count_requests() == 0


def test_school_search_answers_names_only_and_is_rate_limited(app, ctx, client):
    school = make_school("北九州市立思永中学校")
    make_school("北九州市立閉校中学校", active=False)
    app.config["SCHOOL_SEARCH_LIMIT"] = "3 per minute"

    answer = client.get("/lectures/schools", query_string={"q": "ＮＯＴ 思永"})
    assert answer.get_json() == {"schools": []}  # every word must match
    answer = client.get("/lectures/schools", query_string={"q": "中学校"})
    assert answer.status_code == 200
    assert answer.get_json() == {"schools": [{"id": school.id, "name": "北九州市立思永中学校"}]}
    assert client.get("/lectures/schools", query_string={"q": ""}).get_json() == {"schools": []}
    assert client.get("/lectures/schools", query_string={"q": "思永"}).status_code == 429
