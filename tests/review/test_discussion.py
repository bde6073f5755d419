"""The discussion after the close: notes on an essay, scores amended with a reason, the history.

Who may do what: the essay's reviewers and the coordinators write notes while the discussion
is open (from the close until a coordinator ends it or the results are published); only the
reviewer of a submitted review changes its scores, with a reason; another reviewer gets 404,
a reviewer on a coordinator's page 403. Every change is a history row coordinators see.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.core.time import utcnow
from booking.extensions import db
from booking.review import services
from booking.review.models import DiscussionNote, Review, ReviewAction, ReviewHistory, ReviewStatus, Score
from tests.factories import make_user
from tests.factories.review import AFTER, SECRETS, add_application

NOTE = "構成は弱いが、動機の具体性は高く評価できると思います。"


@pytest.fixture
def essay(after_window, cohort, rubric, reviewers, coordinator, schools):
    """Essay 1 (with the secret data) read by reviewers 1 and 2, both submitted; reviewer 3 reads essay 2."""
    first = add_application(cohort, 1, schools["kokura"], **SECRETS)
    second = add_application(cohort, 2, schools["tobata"])
    for person, application, values in (
        (reviewers[0], first, (6, 3)),
        (reviewers[1], first, (9, 5)),
        (reviewers[2], second, (5, 2)),
    ):
        review = Review(
            cohort_id=cohort.id,
            application_id=application.id,
            reviewer_id=person.id,
            status=ReviewStatus.SUBMITTED,
            queue_key=f"k{person.id}",
            submitted_at=AFTER,
            comment="審査員のコメント",
        )
        review.scores = [Score(criterion_id=c.id, value=v) for c, v in zip(rubric, values, strict=True)]
        db.session.add(review)
    db.session.commit()
    return first


def _review(application_id: int, reviewer_id: int) -> Review:
    return db.session.scalar(
        sa.select(Review).where(Review.application_id == application_id, Review.reviewer_id == reviewer_id)
    )


def _scores(
    rubric, motivation="8", clarity="3", reason="他の審査員の指摘を受けて動機の段落を読み直しました。"
):
    return {f"score_{rubric[0].id}": motivation, f"score_{rubric[1].id}": clarity, "reason": reason}


def _client(app, login, user):
    client = app.test_client()
    login(client, user.email)
    db.session.rollback()
    return client


def test_notes_and_amendments_wait_for_the_close_and_stop_when_the_discussion_ends(
    cohort, rubric, reviewers, coordinator, essay
):
    review = _review(essay.id, reviewers[0].id)
    with pytest.raises(DomainError, match="締切後"):
        services.add_note(cohort, essay.id, NOTE, reviewers[0])
    with pytest.raises(DomainError):
        services.amend_scores(review, {rubric[0].id: 8, rubric[1].id: 3}, "理由", reviewers[0])
    services.close_review(cohort, coordinator)
    assert services.discussion_open(cohort)
    services.add_note(cohort, essay.id, NOTE, reviewers[0])
    services.add_note(cohort, essay.id, "同意します。", coordinator)
    services.amend_scores(review, {rubric[0].id: 8, rubric[1].id: 3}, "読み直しました", reviewers[0])
    services.end_discussion(cohort, coordinator)
    assert not services.discussion_open(cohort)
    with pytest.raises(DomainError):
        services.add_note(cohort, essay.id, "遅れて", reviewers[1])
    with pytest.raises(DomainError):
        services.amend_scores(review, {rubric[0].id: 10, rubric[1].id: 3}, "理由", reviewers[0])
    with pytest.raises(DomainError):
        services.end_discussion(cohort, coordinator)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionNote)) == 2
    assert _review(essay.id, reviewers[0].id).score_for(rubric[0].id) == 8


def test_publishing_the_results_ends_the_discussion_and_reopening_starts_a_new_one(
    cohort, rubric, reviewers, coordinator, essay
):
    services.close_review(cohort, coordinator)
    services.end_discussion(cohort, coordinator)
    services.reopen_review(cohort, coordinator)
    assert not services.discussion_open(cohort)  # open review: reviewers revise as before
    services.close_review(cohort, coordinator)
    assert services.discussion_open(cohort)
    cohort.results_published_at = utcnow()
    db.session.commit()
    assert not services.discussion_open(cohort)
    with pytest.raises(DomainError):
        services.add_note(cohort, essay.id, NOTE, coordinator)


def test_an_amendment_is_a_history_row_with_the_reason_and_moves_the_ranking(
    cohort, rubric, reviewers, coordinator, essay
):
    services.close_review(cohort, coordinator)
    before = services.ranking(cohort).rows[0].standing.weighted_mean
    review = _review(essay.id, reviewers[0].id)
    services.amend_scores(
        review, {rubric[0].id: 9, rubric[1].id: 3}, "  議論で評価を改めました  ", reviewers[0]
    )
    entry = db.session.scalar(sa.select(ReviewHistory).where(ReviewHistory.action == ReviewAction.AMEND))
    assert (entry.review_id, entry.actor_id, entry.note) == (
        review.id,
        reviewers[0].id,
        "議論で評価を改めました",
    )
    assert entry.changes == [[rubric[0].id, 6, 9]]
    assert (entry.from_status, entry.to_status) == (ReviewStatus.SUBMITTED, ReviewStatus.SUBMITTED)
    # Weighted: (2 x 6 + 3) / 25 = 60 and (2 x 9 + 5) / 25 = 92, mean 76;
    # after: (2 x 9 + 3) / 25 = 84, mean (84 + 92) / 2 = 88.
    assert before == pytest.approx(76.0)
    assert services.ranking(cohort).rows[0].standing.weighted_mean == pytest.approx(88.0)
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.amend"))
    assert "議論" not in str(audit.details)  # the reason stays in the history, not the audit log


def test_only_the_essay_s_own_reviewer_amends_and_only_a_submitted_review(
    cohort, rubric, reviewers, coordinator, essay
):
    services.close_review(cohort, coordinator)
    theirs = _review(essay.id, reviewers[1].id)
    with pytest.raises(DomainError):
        services.amend_scores(theirs, {rubric[0].id: 1, rubric[1].id: 1}, "理由", reviewers[0])
    with pytest.raises(DomainError):
        services.add_note(cohort, essay.id, NOTE, reviewers[2])  # not on this essay


def test_the_permission_matrix_of_the_discussion_routes(
    app, login, cohort, rubric, reviewers, coordinator, essay
):
    services.close_review(cohort, coordinator)
    note_url = f"/staff/review/essays/{essay.id}/notes"
    amend_url = f"/staff/review/essays/{essay.id}/amend"
    coordinator_note = f"/staff/review/cohorts/{cohort.id}/applications/{essay.id}/notes"
    end_url = f"/staff/review/cohorts/{cohort.id}/discussion/end"
    anonymous = app.test_client()
    for url in (note_url, amend_url, coordinator_note, end_url):
        assert anonymous.post(url, data={"body": NOTE}).status_code in (302, 401), url
    other = _client(app, login, reviewers[2])  # a reviewer, not on this essay
    assert other.post(note_url, data={"body": NOTE}).status_code == 404
    assert other.post(amend_url, data=_scores(rubric)).status_code == 404
    assert other.get(f"/staff/review/essays/{essay.id}").status_code == 404
    assert other.post(coordinator_note, data={"body": NOTE}).status_code == 403
    assert other.post(end_url).status_code == 403
    assert other.get(f"/staff/review/cohorts/{cohort.id}/applications/{essay.id}").status_code == 403
    coordinator_only = _client(app, login, coordinator)
    assert coordinator_only.post(note_url, data={"body": NOTE}).status_code == 403
    assert coordinator_only.post(amend_url, data=_scores(rubric)).status_code == 403
    assert (
        coordinator_only.post(
            f"/staff/review/cohorts/{cohort.id}/applications/999999/notes", data={"body": NOTE}
        ).status_code
        == 404
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionNote)) == 0
    assert _review(essay.id, reviewers[0].id).score_for(rubric[0].id) == 6


def test_a_reviewer_writes_a_note_and_amends_on_the_essay_page_and_the_coordinator_sees_both(
    app, login, cohort, rubric, reviewers, coordinator, essay
):
    services.close_review(cohort, coordinator)
    reviewer = _client(app, login, reviewers[0])
    page = reviewer.get(f"/staff/review/essays/{essay.id}").get_data(as_text=True)
    assert "議論" in page and "点数を変更する" in page
    response = reviewer.post(f"/staff/review/essays/{essay.id}/notes", data={"body": NOTE})
    assert response.status_code == 302 and response.headers["Location"].endswith("#discussion")
    response = reviewer.post(f"/staff/review/essays/{essay.id}/amend", data=_scores(rubric))
    assert response.status_code == 302
    coordinator_client = _client(app, login, coordinator)
    coordinator_client.post(
        f"/staff/review/cohorts/{cohort.id}/applications/{essay.id}/notes", data={"body": "了解しました。"}
    )
    html = coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/applications/{essay.id}").get_data(
        as_text=True
    )
    assert NOTE in html and "了解しました。" in html
    assert "審査員 1" in html  # coordinators see who wrote
    assert "他の審査員の指摘を受けて動機の段落を読み直しました。" in html
    assert "議論での点数変更" in html and "6 → 8" in html
    # The other reviewer sees the notes with letters, never a name.
    second = _client(app, login, reviewers[1])
    theirs = second.get(f"/staff/review/essays/{essay.id}").get_data(as_text=True)
    assert NOTE in theirs and "審査員 A" in theirs and "コーディネーター" in theirs
    assert "審査員 1" not in theirs and "調整 一郎" not in theirs
    for value in SECRETS.values():
        assert value not in theirs


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ({"body": ""}, "empty"),
        ({"body": "   \n  "}, "blank"),
        ({"body": "あ" * 10_000}, "too long"),
        ({}, "missing"),
    ],
)
def test_hostile_notes_get_a_message_and_save_nothing(
    app, login, cohort, reviewers, coordinator, essay, data, why
):
    services.close_review(cohort, coordinator)
    client = _client(app, login, reviewers[0])
    response = client.post(f"/staff/review/essays/{essay.id}/notes", data=data)
    assert response.status_code == 422, why
    assert "error-summary" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionNote)) == 0


def test_control_characters_in_a_note_are_refused(app, login, cohort, reviewers, coordinator, essay):
    services.close_review(cohort, coordinator)
    client = _client(app, login, reviewers[0])
    for body in ("悪意\x00ある", "ベル\x07", "\ufffd"):
        assert client.post(f"/staff/review/essays/{essay.id}/notes", data={"body": body}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionNote)) == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"reason": ""}, "理由"),
        ({"reason": "x" * 10_000}, "短く"),
        ({"score_MOT": "99"}, "0"),
        ({"score_MOT": ""}, "点数"),
        ({"score_MOT": "6"}, "変わっていません"),  # no change
        ({"score_MOT": "-1"}, "0"),
        ({"score_MOT": "abc"}, "0"),
    ],
)
def test_hostile_amendments_get_a_message_and_change_nothing(
    app, login, cohort, rubric, reviewers, coordinator, essay, change, expected
):
    services.close_review(cohort, coordinator)
    client = _client(app, login, reviewers[0])
    data = _scores(rubric, motivation="8", clarity="3")
    for key, value in change.items():
        data[key.replace("MOT", str(rubric[0].id))] = value
    if "score_MOT" in change and change["score_MOT"] == "6":
        data[f"score_{rubric[1].id}"] = "3"
    response = client.post(f"/staff/review/essays/{essay.id}/amend", data=data)
    assert response.status_code == 422, change
    assert expected in response.get_data(as_text=True)
    db.session.rollback()
    assert _review(essay.id, reviewers[0].id).score_for(rubric[0].id) == 6
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewHistory)) == 0


def test_full_width_digits_and_duplicated_fields_in_an_amendment(
    app, login, cohort, rubric, reviewers, coordinator, essay
):
    services.close_review(cohort, coordinator)
    client = _client(app, login, reviewers[0])
    data = _scores(rubric, motivation="８", clarity="３")
    response = client.post(f"/staff/review/essays/{essay.id}/amend", data=data)
    assert response.status_code in (302, 422)
    db.session.rollback()
    value = _review(essay.id, reviewers[0].id).score_for(rubric[0].id)
    assert value in (6, 8)  # either read as 8 or refused, never a 500
    duplicated = MultiDict(
        [
            (f"score_{rubric[0].id}", "7"),
            (f"score_{rubric[0].id}", "10"),
            (f"score_{rubric[1].id}", "3"),
            ("reason", "理由"),
            ("reason", ""),
        ]
    )
    response = client.post(f"/staff/review/essays/{essay.id}/amend", data=duplicated)
    assert response.status_code in (302, 422)


def test_an_amendment_after_the_discussion_ends_is_refused_on_the_page(
    app, login, cohort, rubric, reviewers, coordinator, essay
):
    services.close_review(cohort, coordinator)
    client = _client(app, login, reviewers[0])
    services.end_discussion(cohort, coordinator)
    page = client.get(f"/staff/review/essays/{essay.id}").get_data(as_text=True)
    assert "点数を変更する" not in page
    response = client.post(f"/staff/review/essays/{essay.id}/amend", data=_scores(rubric))
    assert response.status_code == 422 and "議論は終了" in response.get_data(as_text=True)
    db.session.rollback()
    assert _review(essay.id, reviewers[0].id).score_for(rubric[0].id) == 6


def test_the_coordinator_ends_the_discussion_from_the_ranking(app, login, cohort, rubric, coordinator, essay):
    services.close_review(cohort, coordinator)
    client = _client(app, login, coordinator)
    page = client.get(f"/staff/review/cohorts/{cohort.id}/ranking").get_data(as_text=True)
    assert "議論を終了する" in page
    assert client.post(f"/staff/review/cohorts/{cohort.id}/discussion/end").status_code == 302
    db.session.rollback()
    assert not services.discussion_open(cohort)
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "review.discussion.end"))


def test_notes_are_deleted_with_the_cohort_s_personal_data(app, cohort, reviewers, coordinator, essay):
    services.close_review(cohort, coordinator)
    services.add_note(cohort, essay.id, NOTE, reviewers[0])
    cohort.personal_data_purged_at = utcnow()
    db.session.commit()
    output = services.purge_comments()
    assert "1 discussion note(s)" in output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DiscussionNote)) == 0


def test_no_note_text_in_the_audit_log(cohort, reviewers, coordinator, essay):
    services.close_review(cohort, coordinator)
    services.add_note(cohort, essay.id, NOTE, reviewers[0])
    entries = db.session.scalars(sa.select(AuditEntry)).all()
    assert entries and all(NOTE not in str(e.details) for e in entries)
    assert make_user  # staff factory used by the fixtures


def test_the_reviewer_s_list_says_while_the_discussion_is_open(
    app, login, cohort, reviewers, coordinator, essay
):
    client = _client(app, login, reviewers[0])
    discussing, closed = "協議の期間中です", "審査は締め切られています"
    page = client.get("/staff/review/").get_data(as_text=True)
    assert discussing not in page and closed not in page
    services.close_review(cohort, coordinator)
    page = client.get("/staff/review/").get_data(as_text=True)
    assert discussing in page and closed not in page
    services.end_discussion(cohort, coordinator)
    page = client.get("/staff/review/").get_data(as_text=True)
    assert discussing not in page and closed in page
