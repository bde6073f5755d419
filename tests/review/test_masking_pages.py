"""Masked essays in the app: the reviewer's page, the coordinators' mask pages, audit, retention."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.review import services
from booking.review.models import EssayMask, Review
from tests.factories import make_user
from tests.factories.review import add_application
from tests.helpers import count_queries

ESSAY = (
    "私が水道に関心を持ったのは、祖父の住む町で断水を経験したときです。\n"
    "その夏、兄の一郎と一緒に給水所へ通い、カンボジアから来た技術者の話を聞きました。\n"
    "私の学校では、友人の佐々木さんと水道について調べる班を作りました。\n"
)


@pytest.fixture
def essay_app(cohort, schools, applications):
    """A seventh application whose essay names a brother and a friend (not in the form)."""
    return add_application(cohort, 7, schools["tobata"], essay=ESSAY)


def _url(cohort, application, suffix=""):
    return f"/staff/review/cohorts/{cohort.id}/masks/{application.id}{suffix}"


def _masks() -> list[EssayMask]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(EssayMask).order_by(EssayMask.id)))


def _entries(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize(
    ("role", "expected"),
    [(None, 302), (Role.REVIEWER, 403), (Role.LECTURER, 403), (Role.ADMIN, 403), (Role.COORDINATOR, 200)],
)
def test_only_coordinators_open_and_change_the_masks(app, login, cohort, essay_app, role, expected):
    client = app.test_client()
    if role is not None:
        person = make_user(role, email=f"{role.value}-masks@example.jp")
        login(client, person.email)
    assert client.get(f"/staff/review/cohorts/{cohort.id}/masks").status_code == expected
    assert client.get(_url(cohort, essay_app)).status_code == expected
    added = client.post(_url(cohort, essay_app), data={"phrase": "一郎"})
    assert added.status_code == (302 if role == Role.COORDINATOR else expected)
    masks = _masks()
    assert len(masks) == (1 if role == Role.COORDINATOR else 0)
    if role != Role.COORDINATOR:
        db.session.add(EssayMask(application_id=essay_app.id, phrase="一郎", phrase_key="一郎"))
        db.session.commit()
        mask_id = _masks()[0].id
        assert client.post(_url(cohort, essay_app, f"/{mask_id}/delete")).status_code == expected
        assert len(_masks()) == 1


def test_a_coordinator_masks_a_phrase_and_every_reviewer_reads_it_masked(
    after_window, app, login, coordinator_client, cohort, rubric, reviewers, coordinator, essay_app
):
    page = coordinator_client.get(_url(cohort, essay_app)).get_data(as_text=True)
    assert "一郎" in page  # the coordinator reads the essay as written
    response = coordinator_client.post(_url(cohort, essay_app), data={"phrase": "一郎"})
    assert response.status_code == 302
    coordinator_client.post(_url(cohort, essay_app), data={"phrase": "ｶﾝﾎﾞｼﾞｱ"})
    page = coordinator_client.get(_url(cohort, essay_app)).get_data(as_text=True)
    assert "兄の■■と一緒に給水所へ通い、■■から来た技術者" in page
    assert [m.phrase for m in _masks()] == ["一郎", "ｶﾝﾎﾞｼﾞｱ"]

    services.run_assignment(cohort, coordinator)
    on_it = db.session.scalars(sa.select(Review).where(Review.application_id == essay_app.id)).all()
    assert len(on_it) == 2
    for review in on_it:
        reader = app.test_client()
        login(reader, review.reviewer.email)
        html = reader.get(f"/staff/review/essays/{essay_app.id}").get_data(as_text=True)
        assert "兄の■■と一緒に給水所へ通い、■■から来た技術者" in html
        assert "一郎" not in html and "カンボジア" not in html


def test_adding_and_removing_a_mask_is_audited_without_the_words(
    coordinator_client, coordinator, cohort, essay_app
):
    coordinator_client.post(_url(cohort, essay_app), data={"phrase": "佐々木さん"})
    [mask] = _masks()
    mask_id = mask.id
    [added] = _entries("review.mask.add")
    assert added.actor_id == coordinator.id
    assert (added.subject_type, added.subject_id) == ("youth_application", str(essay_app.id))
    assert added.details == {"code": "Y-2026-007", "mask_id": mask_id, "characters": 5}
    assert coordinator_client.post(_url(cohort, essay_app, f"/{mask_id}/delete")).status_code == 302
    assert _masks() == []
    [removed] = _entries("review.mask.remove")
    assert removed.details == {"code": "Y-2026-007", "mask_id": mask_id, "characters": 5}
    # Opening the page shows the applicant's essay as written: recorded too.
    coordinator_client.get(_url(cohort, essay_app))
    assert [e.details for e in _entries("review.masks.view")] == [{"code": "Y-2026-007"}]


def test_masks_cannot_change_once_the_first_reviewer_is_assigned(
    after_window, coordinator_client, cohort, rubric, reviewers, coordinator, essay_app
):
    coordinator_client.post(_url(cohort, essay_app), data={"phrase": "一郎"})
    [mask] = _masks()
    services.run_assignment(cohort, coordinator)
    refused = coordinator_client.post(_url(cohort, essay_app), data={"phrase": "佐々木"})
    assert refused.status_code == 422
    assert "審査が始まっている" in refused.get_data(as_text=True)
    removed = coordinator_client.post(_url(cohort, essay_app, f"/{mask.id}/delete"), follow_redirects=True)
    assert "審査が始まっている" in removed.get_data(as_text=True)
    assert [m.phrase for m in _masks()] == ["一郎"]
    page = coordinator_client.get(_url(cohort, essay_app)).get_data(as_text=True)
    assert 'name="phrase"' not in page and "/delete" not in page
    assert len(_entries("review.mask.add")) == 1 and _entries("review.mask.remove") == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "伏せる語句を"),
        ({"phrase": ""}, "伏せる語句を"),
        ({"phrase": "\u3000 \u3000"}, "伏せる語句を"),
        ({"phrase": "・・"}, "伏せる語句を"),
        ({"phrase": "x" * 10_000}, "100文字以内"),
        ({"phrase": "一郎\n佐々木"}, "1行で"),
        ({"phrase": "の"}, "2文字以上"),
        ({"phrase": "１"}, "2文字以上"),
        ({"phrase": "山田太郎"}, "作文の中に見つかりません"),
        ({"phrase": "９９９９"}, "作文の中に見つかりません"),
    ],
)
def test_hostile_input_on_the_mask_form_gets_a_message_and_saves_nothing(
    coordinator_client, cohort, essay_app, data, message
):
    response = coordinator_client.post(_url(cohort, essay_app), data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _masks() == []


@pytest.mark.parametrize("phrase", ["一郎\x00", "一郎\x07", "\ufffd一郎"])
def test_control_characters_are_refused_before_the_form(coordinator_client, cohort, essay_app, phrase):
    assert coordinator_client.post(_url(cohort, essay_app), data={"phrase": phrase}).status_code == 400
    assert _masks() == []


def test_the_same_words_are_never_masked_twice_however_typed(coordinator_client, cohort, essay_app):
    assert coordinator_client.post(_url(cohort, essay_app), data={"phrase": "カンボジア"}).status_code == 302
    again = coordinator_client.post(_url(cohort, essay_app), data={"phrase": "かんぼじあ"})
    assert again.status_code == 422 and "すでに伏せています" in again.get_data(as_text=True)
    # A duplicated field: the first value counts, once.
    twice = coordinator_client.post(_url(cohort, essay_app), data={"phrase": ["一郎", "一郎"]})
    assert twice.status_code == 302
    assert [m.phrase for m in _masks()] == ["カンボジア", "一郎"]


def test_a_mask_of_another_essay_or_an_unknown_one_is_not_found(
    coordinator_client, cohort, applications, essay_app
):
    coordinator_client.post(_url(cohort, essay_app), data={"phrase": "一郎"})
    [mask] = _masks()
    other = applications[1]
    response = coordinator_client.post(_url(cohort, other, f"/{mask.id}/delete"), follow_redirects=True)
    assert "この伏せ字はもうありません" in response.get_data(as_text=True)
    assert len(_masks()) == 1
    assert coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/masks/999999").status_code == 404
    assert (
        coordinator_client.post(
            f"/staff/review/cohorts/{cohort.id}/masks/999999", data={"phrase": "一郎"}
        ).status_code
        == 404
    )
    assert coordinator_client.get("/staff/review/cohorts/999999/masks").status_code == 404


def test_the_list_counts_each_essay_s_masks_by_code_only(coordinator_client, cohort, applications, essay_app):
    coordinator_client.post(_url(cohort, essay_app), data={"phrase": "一郎"})
    html = coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/masks").get_data(as_text=True)
    assert "Y-2026-001" in html and "Y-2026-007" in html
    assert "秘密川" not in html and "山田" not in html


def test_the_list_s_query_count_does_not_grow_with_its_rows(app, coordinator_client, cohort, schools):
    for n in range(1, 4):
        add_application(cohort, n, schools["tobata"])
    url = f"/staff/review/cohorts/{cohort.id}/masks"
    coordinator_client.get(url)
    with count_queries(app) as few:
        coordinator_client.get(url)
    db.session.rollback()
    for n in range(4, 20):
        add_application(cohort, n, schools["kokura"], essay="福岡県立秘密高等学校の山田です。" * 40)
    db.session.add(EssayMask(application_id=1, phrase="水道", phrase_key="水道"))
    db.session.commit()
    coordinator_client.get(url)
    with count_queries(app) as many:
        coordinator_client.get(url)
    assert many.count == few.count, (few.count, many.count)


def test_manual_masks_are_deleted_with_the_cohort_s_personal_data(app, coordinator_client, cohort, essay_app):
    coordinator_client.post(_url(cohort, essay_app), data={"phrase": "一郎"})
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "0 essay mask(s)" in result.output and len(_masks()) == 1
    cohort.personal_data_purged_at = datetime(2028, 4, 1, tzinfo=UTC)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "1 essay mask(s)" in result.output
    assert _masks() == []
