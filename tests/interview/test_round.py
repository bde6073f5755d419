"""The round's settings, the shortlist from the essay ranking, invitations, the result of those left out."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.errors import DomainError
from booking.extensions import db
from booking.interview import services
from booking.interview.models import InterviewRound, ShortlistEntry
from booking.selection import services as selection_services
from booking.youth.models import ApplicationStatus, ConsentStatus
from tests.factories.interview import add_slot, shortlist
from tests.helpers import outbox


def _settings(**changes) -> services.RoundSettings:
    values = {
        "enabled": True,
        "essay_weight": 60,
        "interview_weight": 40,
        "shortlist_size": 3,
        "interviewer_ids": frozenset(),
    } | changes
    return services.RoundSettings(**values)


def _shortlisted(cohort) -> list[int]:
    db.session.rollback()
    return sorted(
        db.session.scalars(
            sa.select(ShortlistEntry.application_id).where(ShortlistEntry.cohort_id == cohort.id)
        )
    )


def test_settings_are_saved_with_their_interviewers_and_audited(cohort, coordinator, interviewer):
    services.save_settings(cohort, _settings(interviewer_ids=frozenset({interviewer.id})), coordinator)
    found = services.round_for(cohort)
    assert (found.enabled, found.essay_weight, found.interview_weight, found.shortlist_size) == (
        True,
        60,
        40,
        3,
    )
    assert services.interviewer_ids(cohort) == {interviewer.id}
    assert db.session.scalar(
        sa.select(AuditEntry.action).where(AuditEntry.action == "interview.settings.update")
    )


def test_weights_that_do_not_add_up_to_100_are_refused_with_every_reason_at_once(cohort, coordinator):
    with pytest.raises(DomainError) as refused:
        services.save_settings(cohort, _settings(essay_weight=70, shortlist_size=0), coordinator)
    messages = [str(e) for e in refused.value.errors]
    assert any("合計を100" in m and "110" in m for m in messages)
    assert any("1〜500" in m for m in messages)
    assert services.round_for(cohort) is None


def test_the_database_refuses_weights_that_do_not_add_up(cohort):
    db.session.add(InterviewRound(cohort_id=cohort.id, enabled=True, essay_weight=70, interview_weight=40))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_only_reviewers_and_coordinators_can_interview(cohort, coordinator, lecturer):
    with pytest.raises(DomainError, match="面接官は一覧から"):
        services.save_settings(cohort, _settings(interviewer_ids=frozenset({lecturer.id})), coordinator)


def test_the_shortlist_is_the_top_of_the_essay_ranking(cohort, coordinator, interview_round, ranked):
    assert services.draw_shortlist(cohort, coordinator) == 3
    assert _shortlisted(cohort) == [a.id for a in ranked[:3]]


def test_the_shortlist_skips_applications_without_consent(cohort, coordinator, interview_round, ranked):
    ranked[1].consent_status = ConsentStatus.REFUSED
    db.session.commit()
    services.draw_shortlist(cohort, coordinator)
    assert _shortlisted(cohort) == [ranked[0].id, ranked[2].id, ranked[3].id]


def test_the_coordinator_adjusts_and_a_new_draw_keeps_the_hand_picked(
    cohort, coordinator, interview_round, ranked
):
    services.draw_shortlist(cohort, coordinator)
    services.remove_from_shortlist(cohort, ranked[2].id, coordinator)
    services.add_to_shortlist(cohort, ranked[5].id, coordinator)
    assert _shortlisted(cohort) == [ranked[0].id, ranked[1].id, ranked[5].id]
    services.draw_shortlist(cohort, coordinator)
    # Size 3: the one added by hand stays, then the top two of the ranking.
    assert _shortlisted(cohort) == [ranked[0].id, ranked[1].id, ranked[5].id]


def test_the_shortlist_waits_for_the_review_to_close(cohort, coordinator, interviewer, rubric, applications):
    from tests.factories.interview import add_round

    add_round(cohort, [interviewer])
    with pytest.raises(DomainError, match="先に審査を締め切って"):
        services.draw_shortlist(cohort, coordinator)


def test_an_application_of_another_cohort_cannot_be_shortlisted(
    cohort, coordinator, interview_round, ranked, schools
):
    from tests.factories.review import add_application
    from tests.factories.youth import make_cohort

    other = make_cohort(fiscal_year=2030)
    stranger = add_application(other, 1, schools["tobata"])
    with pytest.raises(DomainError, match="一覧から応募を"):
        services.add_to_shortlist(cohort, stranger.id, coordinator)


def test_invitations_go_to_student_and_guardian_once_and_the_guardian_gets_no_link(
    app, cohort, coordinator, interview_round, ranked, after_window
):
    services.draw_shortlist(cohort, coordinator)
    with pytest.raises(DomainError, match="面接の日時を登録"):
        services.send_invitations(cohort, coordinator)
    add_slot(cohort)
    assert services.send_invitations(cohort, coordinator) == 3
    student = outbox(app, to=ranked[0].applicant.email, template="interview/invitation_to_student")
    guardian = outbox(app, to=ranked[0].applicant.guardian_email, template="interview/invitation_to_guardian")
    assert len(student) == 1 and len(guardian) == 1
    assert "/youth/applications/" in student[0].body_text and "2027年1月9日" in student[0].body_text
    assert "/youth/applications/" not in guardian[0].body_text
    assert not outbox(app, to=ranked[4].applicant.email, template="interview/invitation_to_student")
    with pytest.raises(DomainError, match="全員に案内を送信済み"):
        services.send_invitations(cohort, coordinator)
    # Invited students stay on the shortlist, and the round stays on.
    with pytest.raises(DomainError, match="外せません"):
        services.remove_from_shortlist(cohort, ranked[0].id, coordinator)
    with pytest.raises(DomainError, match="なしにすることはできません"):
        services.save_settings(cohort, _settings(enabled=False), coordinator)


def test_an_english_speaking_student_is_invited_in_english(
    app, cohort, coordinator, interview_round, ranked, after_window
):
    ranked[0].applicant.language = "en"
    db.session.commit()
    services.draw_shortlist(cohort, coordinator)
    add_slot(cohort)
    services.send_invitations(cohort, coordinator)
    email = outbox(app, to=ranked[0].applicant.email, template="interview/invitation_to_student")[0]
    assert email.subject.startswith("Interview invitation") and "Sat 9 Jan 2027" in email.body_text


def test_the_not_selected_result_says_the_student_was_not_shortlisted(
    app, cohort, coordinator, interview_round, ranked, after_window
):
    shortlist(cohort, ranked[:3])
    selection_services.decide(cohort, ranked[0].id, ApplicationStatus.ACCEPTED, coordinator)
    for application in ranked[1:]:
        selection_services.decide(cohort, application.id, ApplicationStatus.NOT_SELECTED, coordinator)
    selection_services.publish_results(cohort, coordinator)
    left_out = outbox(app, to=ranked[4].applicant.email, template="selection/result_to_student")[0]
    interviewed = outbox(app, to=ranked[1].applicant.email, template="selection/result_to_student")[0]
    guardian = outbox(app, to=ranked[4].applicant.guardian_email, template="selection/result_to_guardian")[0]
    assert "二次選考(面接)の対象には選ばれませんでした" in left_out.body_text
    assert "二次選考(面接)の対象には選ばれませんでした" in guardian.body_text
    assert "二次選考" not in interviewed.body_text
