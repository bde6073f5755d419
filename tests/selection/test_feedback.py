"""Structured feedback: bands per criterion from normalised scores, the coordinator's note,
shown in the preview and sent with the result; reviewers' comments never sent."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.review.models import Review, ReviewStatus, Score
from booking.review.ranking import ScoredReview
from booking.selection import services
from booking.selection.feedback import STRONG_FROM, Band, band_for, bands, criterion_scores
from booking.selection.models import FeedbackNote
from booking.youth import services as youth_services
from booking.youth.models import ApplicationStatus, Cohort
from tests.factories.review import AFTER, add_application
from tests.factories.selection import decide_all
from tests.helpers import count_queries, outbox

A, W, N = ApplicationStatus.ACCEPTED, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_SELECTED
S, G, D = Band.STRONG, Band.GOOD, Band.TO_DEVELOP

COMMENT = "審査員だけが読むコメント：構成が弱い"

# Motivation (0-10) and clarity (0-5) for applications 1-6. The second reviewer is harsher
# by one point everywhere: the same order, so the same z-scores and the same bands.
FIRST = [(9, 5), (8, 4), (7, 3), (2, 3), (6, 4), (8, 2)]
SECOND = [(m - 1, c - 1) for m, c in FIRST]


def test_the_band_cut_offs_are_a_third_of_a_standard_deviation_either_side():
    assert band_for(STRONG_FROM) == S
    assert band_for(0.42) == G
    assert band_for(0.0) == G
    assert band_for(-0.42) == G
    assert band_for(-STRONG_FROM) == D
    assert band_for(-2.0) == D


def test_bands_of_the_worked_example_computed_by_hand():
    # Criterion 1: reviewer 1 gives 2, 4, 6 (mean 4, sd 1.633: z -1.225, 0, +1.225);
    # reviewer 2 gives 5 to all (z 0). Means: -0.612, 0, +0.612.
    # Criterion 2: reviewer 1 gives 3, 3, 4 (z -0.707, -0.707, +1.414); reviewer 2 gives
    # 1, 2, 3 (z -1.225, 0, +1.225). Means: -0.966, -0.354, +1.319.
    reviews = [
        ScoredReview(1, 10, {1: 2, 2: 3}),
        ScoredReview(2, 10, {1: 4, 2: 3}),
        ScoredReview(3, 10, {1: 6, 2: 4}),
        ScoredReview(1, 20, {1: 5, 2: 1}),
        ScoredReview(2, 20, {1: 5, 2: 2}),
        ScoredReview(3, 20, {1: 5, 2: 3}),
    ]
    scores = criterion_scores(reviews, [1, 2])
    assert scores[1][1] == pytest.approx(-0.6124, abs=1e-4)
    assert scores[3][2] == pytest.approx(1.3195, abs=1e-4)
    assert scores[2][2] == pytest.approx(-0.3536, abs=1e-4)
    assert bands(reviews, [1, 2]) == {1: {1: D, 2: D}, 2: {1: G, 2: G}, 3: {1: S, 2: S}}


def test_an_essay_without_a_submitted_review_has_no_bands():
    assert bands([ScoredReview(1, 10, {1: 3})], [1, 2]) == {1: {1: G}}
    assert bands([], [1]) == {}


@pytest.fixture
def reviewed(cohort, coordinator, applications, reviewers, rubric, closed_review, after_window):
    motivation, clarity = rubric
    for reviewer, table in zip(reviewers[:2], (FIRST, SECOND), strict=True):
        for application, (m, c) in zip(applications, table, strict=True):
            review = Review(
                cohort_id=cohort.id,
                application_id=application.id,
                reviewer_id=reviewer.id,
                status=ReviewStatus.SUBMITTED,
                queue_key=f"{reviewer.id}-{application.id}",
                submitted_at=AFTER,
                comment=COMMENT,
            )
            review.scores = [
                Score(criterion_id=motivation.id, value=m),
                Score(criterion_id=clarity.id, value=c),
            ]
            db.session.add(review)
    db.session.commit()
    decide_all(cohort, coordinator, dict(zip(applications, [A, A, W, N, N, N], strict=True)))
    return applications


def _bands(cohort: Cohort) -> dict[str, list[Band]]:
    return {
        row.application.code: [band for _c, band in row.feedback.bands]
        for row in services.feedback_rows(cohort)
    }


def test_each_student_not_selected_gets_a_band_per_criterion_from_normalised_scores(cohort, reviewed):
    # Motivation 9 8 7 2 6 8 (mean 6.667, sd 2.285): z of 2, 6, 8 = -2.04, -0.29, +0.58.
    # Clarity 5 4 3 3 4 2 (mean 3.5, sd 0.957): z of 3, 4, 2 = -0.52, +0.52, -1.57.
    assert _bands(cohort) == {"Y-2026-004": [D, D], "Y-2026-005": [G, S], "Y-2026-006": [S, D]}


def test_the_note_and_bands_go_with_the_result_and_no_reviewer_comment_is_ever_sent(
    app, cohort, coordinator, reviewed
):
    services.save_feedback_note(
        cohort, reviewed[4].id, "  具体例がとても良かったです。\n次回も期待しています。 ", coordinator
    )
    services.publish_results(cohort, coordinator)
    emails = outbox(app)
    assert emails
    for email in emails:
        assert COMMENT not in email.body_text and COMMENT not in email.body_html
        assert "構成が弱い" not in email.body_text + email.body_html + email.subject
    to_student = outbox(app, to="student5@example.jp")[0]
    assert "志望の動機：良好" in to_student.body_text
    assert "表現の明確さ：優れている" in to_student.body_text
    assert "具体例がとても良かったです。\n次回も期待しています。" in to_student.body_text
    assert "具体例がとても良かったです。" in to_student.body_html
    to_guardian = outbox(app, to="guardian5@example.jp")[0]
    assert "表現の明確さ" in to_guardian.body_text and "具体例がとても良かった" in to_guardian.body_text
    other = outbox(app, to="student4@example.jp")[0]
    assert "今後の伸びしろ" in other.body_text and "具体例" not in other.body_text
    for selected in ("student2@example.jp", "student3@example.jp"):  # selected, waiting list: no bands
        text = outbox(app, to=selected)[0].body_text
        assert "志望の動機" not in text and "伸びしろ" not in text


def test_feedback_reaches_an_english_student_in_english(app, cohort, coordinator, reviewed):
    reviewed[3].applicant.language = "en"
    db.session.commit()
    services.save_feedback_note(cohort, reviewed[3].id, "Your examples were vivid.", coordinator)
    services.publish_results(cohort, coordinator)
    text = outbox(app, to="student4@example.jp")[0].body_text
    assert "- Motivation: To develop" in text and "- Clarity: To develop" in text
    assert "Your examples were vivid." in text


def test_the_preview_shows_the_bands_the_note_and_how_bands_are_worked_out(
    client, login, cohort, coordinator, reviewed
):
    services.save_feedback_note(cohort, reviewed[5].id, "視点が独創的でした。", coordinator)
    items, _total = services.preview(cohort, coordinator)
    sample = next(i for i in items if i.status == N and i.audience == "student")
    assert sample.sample_code == "Y-2026-006"  # the one with a note is the sample
    assert "志望の動機：優れている" in sample.email.text and "視点が独創的でした。" in sample.email.text
    login(client, "coord@example.jp")
    page = client.get(f"/staff/selection/cohorts/{cohort.id}/preview").get_data(as_text=True)
    assert "0.43" in page and "視点が独創的でした。" in page
    assert COMMENT not in page


def test_the_feedback_page_lists_bands_by_code_and_never_a_name(client, login, cohort, coordinator, reviewed):
    login(client, "coord@example.jp")
    response = client.get(f"/staff/selection/cohorts/{cohort.id}/feedback")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Y-2026-004" in page and "Y-2026-001" not in page  # only those not selected
    assert "山田" not in page and "student4@example.jp" not in page and COMMENT not in page
    response = client.post(
        f"/staff/selection/cohorts/{cohort.id}/feedback",
        data={"application_id": str(reviewed[3].id), "note": "よく書けていました。"},
    )
    assert response.status_code == 302
    db.session.rollback()  # a fresh read, after what the request wrote
    assert db.session.scalar(sa.select(FeedbackNote.note)) == "よく書けていました。"
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "selection.feedback.note")
    ).one()
    assert entry.details == {"code": "Y-2026-004", "length": 10}  # never the text


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"note": "あ" * 10_000}, 422, "400文字"),
        ({"note": "ok", "application_id": "abc"}, 422, None),
        ({"note": "ok", "application_id": "99999999999999999999"}, 422, None),
        ({"note": "ok", "application_id": None}, 422, None),
        ({"note": "a\x00b"}, 400, None),
        ({"note": "a\x1bb"}, 400, None),
        ({"note": "ok", "application_id": "{accepted}"}, 422, "選考に漏れた"),
    ],
)
def test_hostile_note_input_is_refused_with_a_message_and_nothing_saved(
    client, login, cohort, reviewed, data, status, message
):
    login(client, "coord@example.jp")
    data = {"application_id": str(reviewed[3].id)} | data
    if data["application_id"] is None:
        del data["application_id"]
    elif data["application_id"] == "{accepted}":
        data["application_id"] = str(reviewed[0].id)
    response = client.post(f"/staff/selection/cohorts/{cohort.id}/feedback", data=data)
    assert response.status_code == status
    if message:
        assert message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(FeedbackNote.id))) == 0


def test_duplicated_fields_and_full_width_ids_are_read_as_one_value(client, login, cohort, reviewed):
    login(client, "coord@example.jp")
    full_width = str(reviewed[3].id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post(
        f"/staff/selection/cohorts/{cohort.id}/feedback",
        data=MultiDict([("application_id", full_width), ("note", "一つ目"), ("note", "二つ目")]),
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalars(sa.select(FeedbackNote.note)).all() == ["一つ目"]


def test_an_empty_note_removes_it_and_notes_are_closed_after_publication(cohort, coordinator, reviewed):
    services.save_feedback_note(cohort, reviewed[3].id, "一言", coordinator)
    services.save_feedback_note(cohort, reviewed[3].id, "   ", coordinator)
    assert db.session.scalar(sa.select(sa.func.count(FeedbackNote.id))) == 0
    services.save_feedback_note(cohort, reviewed[3].id, "一言", coordinator)
    services.publish_results(cohort, coordinator)
    with pytest.raises(DomainError, match="公開済み"):
        services.save_feedback_note(cohort, reviewed[3].id, "変更", coordinator)


def test_the_note_is_deleted_with_the_cohorts_personal_data(cohort, coordinator, reviewed, frozen):
    services.save_feedback_note(cohort, reviewed[3].id, "一言", coordinator)
    frozen.move_to(AFTER.replace(year=2028, month=4, day=2))
    youth_services.purge_personal_data()
    assert "1" in services.purge_feedback_notes()
    assert db.session.scalar(sa.select(sa.func.count(FeedbackNote.id))) == 0


def _not_selected_with_reviews(cohort, coordinator, reviewers, rubric, schools, numbers) -> None:
    db.session.rollback()  # after the client's requests, read afresh before writing
    for n in numbers:
        application = add_application(cohort, n, schools["tobata"])
        review = Review(
            cohort_id=cohort.id,
            application_id=application.id,
            reviewer_id=reviewers[0].id,
            status=ReviewStatus.SUBMITTED,
            queue_key=f"q{n}",
            submitted_at=AFTER,
            comment=COMMENT,
        )
        review.scores = [Score(criterion_id=c.id, value=n % 5) for c in rubric]
        db.session.add(review)
        db.session.commit()
        services.decide(cohort, application.id, N, coordinator)
        services.save_feedback_note(cohort, application.id, f"ひとこと{n}", coordinator)


@pytest.mark.parametrize("path", ["feedback", "preview"])
def test_the_feedback_pages_query_count_does_not_grow_with_its_rows(
    app, client, login, cohort, coordinator, reviewers, rubric, schools, closed_review, after_window, path
):
    _not_selected_with_reviews(cohort, coordinator, reviewers, rubric, schools, range(1, 4))
    login(client, "coord@example.jp")
    url = f"/staff/selection/cohorts/{cohort.id}/{path}"
    client.get(url)
    with count_queries(app) as few:
        assert client.get(url).status_code == 200
    _not_selected_with_reviews(cohort, coordinator, reviewers, rubric, schools, range(4, 16))
    client.get(url)
    with count_queries(app) as many:
        page = client.get(url).get_data(as_text=True)
    assert "Y-2026-015" in page or path == "preview"
    assert many.count == few.count, (few.count, many.count)
