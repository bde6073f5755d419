"""Demo data of selection: fiscal year 2019's decisions, offers, participants, attendance, report.

Runs after the review's seeder, which adds 2019's applications and reviews. The top six of
the ranking were selected, three put on the waiting list; one selected student declined and
the first on the waiting list took the place, so six took part, as the bureau recorded.
Safe to run again: a cohort that already has decisions is left as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from booking.core.time import jst_to_utc
from booking.extensions import db
from booking.review import services as review_services
from booking.selection.models import ActivityReport, Attendance, AttendanceStatus, Decision, offer_deadline
from booking.staff.models import User
from booking.youth.models import Application, ApplicationStatus, ChangedBy, Cohort

DECLINING_RANK = 4  # the selected student who could not go (a family matter)

REPORT = {
    "title_ja": "ハイフォン市で学んだ「水を届ける」仕事",
    "title_en": "What we learned in Hai Phong about bringing water to every home",
    "body_ja": (
        "2019年8月、市内の高校生6人がベトナム・ハイフォン市を訪れました。2年続けての訪問です。\n\n"
        "一行は、北九州市の技術で整備された浄水場を見学し、水道管の漏水を音で探す調査に同行しました。"
        "現地の職員の方から、漏水が減ったことで、より多くの家庭に一日中水を届けられるようになったと聞き、"
        "技術協力が人々の暮らしを変えていることを実感しました。\n\n"
        "現地の高校生との交流会では、それぞれの町の水環境について英語で発表し合いました。"
        "帰国後の成果報告会(10月)では、6人が学んだことを市民の皆さんに報告し、"
        "その後それぞれの学校でも発表を行いました。"
    ),
    "body_en": (
        "In August 2019 six high-school students of the city visited Hai Phong, Vietnam, for the second "
        "year running.\n\n"
        "They saw water works built with Kitakyushu's technology and joined a leak survey, listening for "
        "leaks in the pipes. Local staff told them that with fewer leaks, more homes now have water all "
        "day: cooperation changes daily life.\n\n"
        "At an exchange with local high-school students, each side presented the water environment of "
        "its city in English. Back home, the six reported what they learned at the results report in "
        "October, and then in their own schools."
    ),
}


def _at(application: Application, when: datetime) -> None:
    """Date the history row the last verb wrote (the demo tells a past story)."""
    application.history[-1].occurred_at = when


def _seed_2019(cohort: Cohort, coordinator: User | None) -> bool:
    if db.session.scalar(sa.select(Decision.id).where(Decision.cohort_id == cohort.id).limit(1)) is not None:
        return False
    rows = review_services.ranking(cohort).rows
    if not rows:
        return False
    decided_at = jst_to_utc(date(2019, 7, 4), time(16))
    published = cohort.results_published_at or jst_to_utc(date(2019, 7, 7), time(12))
    cohort.results_published_at = published
    deadline = offer_deadline(published, cohort.offer_days)
    decisions: dict[int, Decision] = {}
    for index, row in enumerate(rows):
        application = row.application
        decision = Decision(application=application, cohort_id=cohort.id, decided_at=decided_at)
        decision.decided_by_id = coordinator.id if coordinator else None
        if index < cohort.places:
            application.decide(ApplicationStatus.ACCEPTED, coordinator)
            decision.place_number = index + 1
            decision.offered_at, decision.offer_deadline_at = published, deadline
        elif index < cohort.places + 3:
            application.decide(ApplicationStatus.WAITLISTED, coordinator)
            decision.waitlist_position = index - cohort.places + 1
        else:
            application.decide(ApplicationStatus.NOT_SELECTED, coordinator)
        _at(application, decided_at)
        decisions[application.id] = decision
        db.session.add(decision)
    db.session.flush()

    selected = [r.application for r in rows[: cohort.places]]
    waiting = [r.application for r in rows[cohort.places : cohort.places + 3]]
    for number, application in enumerate(selected, start=1):
        decision = decisions[application.id]
        if number == DECLINING_RANK:
            when = jst_to_utc(date(2019, 7, 9), time(19, 30))
            application.decline_place()
            _at(application, when)
            decision.answered_at = when
            place = decision.free_place()
            db.session.flush()
            promoted, promoted_decision = waiting[0], decisions[waiting[0].id]
            promoted_decision.waitlist_position = None
            db.session.flush()
            promoted_decision.place_number = place
            promoted_decision.offered_at, promoted_decision.offer_deadline_at = when, offer_deadline(when, 7)
            promoted.offer_place(by=ChangedBy.SYSTEM, note="from the waiting list")
            _at(promoted, when)
            answered = jst_to_utc(date(2019, 7, 11), time(20))
            promoted.accept_place()
            _at(promoted, answered)
            promoted_decision.answered_at = answered
        else:
            when = published + timedelta(days=1, hours=number * 3)
            application.accept_place()
            _at(application, when)
            decision.answered_at = when

    participants = [a for a in selected if a.status == ApplicationStatus.CONFIRMED] + [waiting[0]]
    for event in cohort.events:
        for index, application in enumerate(participants):
            excused = event.title_ja == "国内研修" and index == 2
            db.session.add(
                Attendance(
                    event_id=event.id,
                    application_id=application.id,
                    status=AttendanceStatus.EXCUSED if excused else AttendanceStatus.PRESENT,
                    recorded_at=event.ends_at,
                    recorded_by_id=coordinator.id if coordinator else None,
                )
            )
    db.session.add(
        ActivityReport(
            cohort_id=cohort.id,
            published_at=jst_to_utc(date(2019, 11, 1), time(10)),
            updated_by_id=coordinator.id if coordinator else None,
            **REPORT,
        )
    )
    db.session.commit()
    return True


def seed() -> list[str]:
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == 2019))
    coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@example.jp"))
    if cohort is None:
        return []
    added = _seed_2019(cohort, coordinator)
    return [f"  FY2019 selection history {'added' if added else 'already there'}."]
