"""Demo data of the review: reviewers (one an outside judge, one with a declared conflict),
the rubric, a cohort ready to be reviewed, and the review of fiscal year 2019.

- This year's cohort (open for applications) gets its rubric; nothing is assigned while its
  window is open.
- A spring programme of next fiscal year, whose window has just closed, has twelve
  applications with consent and reviewers assigned, nothing scored yet: the journey a
  newcomer can try (review, decide, publish, answer the offer).
  Its rubric has level descriptors, and its calibration set (two essays of fiscal year 2019 and
  a sample essay, with reference scores) is already scored by the outside judge.
- Fiscal year 2019 gets a complete history: applications, every review submitted and the
  review closed (selection's seeder adds the decisions, participants and report).

Safe to run again: what exists is left as it is.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from booking.core.auth import Role
from booking.core.time import fiscal_year, jst_to_utc, today_jst, utcnow
from booking.extensions import db
from booking.review import services
from booking.review.assignment import Problem, assign
from booking.review.models import Criterion, DeclaredConflict, Review, ReviewRound, ReviewStatus, Score
from booking.schools.models import School
from booking.staff.demo import DemoUser, ensure_user
from booking.staff.models import User
from booking.youth.demo import PROMPT_EN, PROMPT_JA
from booking.youth.demo_essays import essay
from booking.youth.models import (
    Applicant,
    Application,
    ApplicationStatus,
    Cohort,
    CohortEvent,
    ConsentStatus,
    EventKind,
)

REVIEWERS = [
    DemoUser("reviewer@example.jp", "審査 由美", frozenset({Role.REVIEWER})),
    # An outside judge: an account with the reviewer role only.
    DemoUser("judge@example.jp", "森本 恵", frozenset({Role.REVIEWER})),
    # Bureau staff who also lecture; their child attends a high school they declared.
    DemoUser("reviewer2@example.jp", "石田 誠", frozenset({Role.REVIEWER, Role.LECTURER})),
]
CONFLICTED_REVIEWER = "reviewer2@example.jp"
CONFLICT_SCHOOL = "福岡県立小倉高等学校"

# (name ja, name en, description ja, description en, maximum, weight)
RUBRIC = [
    (
        "志望動機と意欲",
        "Motivation",
        "研修で何を学び、帰国後にどう生かしたいかが、自分の言葉で具体的に書かれているか。",
        "Says in the student's own words what they want to learn and how they will use it afterwards.",
        10,
        Decimal("2"),
    ),
    (
        "水と国際協力への理解",
        "Understanding of water and cooperation",
        "水道や国際協力について調べ、正しく理解したうえで自分の考えを述べているか。",
        "Has looked into water services and international cooperation, and builds on what they found.",
        10,
        Decimal("1.5"),
    ),
    (
        "経験と考えの深さ",
        "Experience and reflection",
        "自分の経験から出発し、それをどう受け止め、考えを深めたかが伝わるか。",
        "Starts from the student's own experience and shows how their thinking grew from it.",
        10,
        Decimal("1.5"),
    ),
    (
        "表現力",
        "Clarity",
        "筋道が通り、読み手に伝わる文章になっているか(誤字脱字は大きく減点しない)。",
        "Well organised and easy to follow (small slips are not marked down much).",
        5,
        Decimal("1"),
    ),
]


# Level descriptors of each criterion above, in the same order: (lowest, middle, highest), each (ja, en).
LEVELS = [
    (
        (
            "参加したい理由が一般的で、自分の言葉になっていない。",
            "General reasons, not in the student's own words.",
        ),
        (
            "学びたいことは書かれているが、帰国後にどう生かすかがはっきりしない。",
            "Says what they want to learn, but not clearly how they will use it.",
        ),
        (
            "学びたいことと帰国後の行動が、具体的に自分の言葉で結びついている。",
            "Links what they will learn to what they will do afterwards, concretely and in their own words.",
        ),
    ),
    (
        (
            "水道や国際協力について調べた跡がほとんどない。",
            "Little sign of having looked into water or cooperation.",
        ),
        (
            "調べた事実は書かれているが、自分の考えとのつながりが弱い。",
            "Facts they found are there, but loosely tied to their own view.",
        ),
        (
            "調べた事実を正しく理解し、それをもとに自分の考えを組み立てている。",
            "Understands what they found and builds their own view on it.",
        ),
    ),
    (
        (
            "経験が書かれていないか、出来事を並べただけになっている。",
            "No experience, or events listed without reflection.",
        ),
        (
            "経験から感じたことは書かれているが、考えの深まりまでは見えない。",
            "Says what the experience made them feel, without showing their thinking grow.",
        ),
        (
            "経験をきっかけに考えがどう変わり、深まったかがはっきり伝わる。",
            "Shows clearly how the experience changed and deepened their thinking.",
        ),
    ),
    (
        ("筋道が追いにくく、何を伝えたいかがつかめない。", "Hard to follow; the point is unclear."),
        ("おおむね筋道は通っているが、まとまりに欠ける部分がある。", "Mostly clear, with parts that wander."),
        ("初めから終わりまで筋道が通り、読み手にすっと伝わる。", "Clear from start to finish; easy to read."),
    ),
]


def ensure_rubric(cohort: Cohort) -> bool:
    if services.criteria_for(cohort):
        return False
    for position, (name_ja, name_en, desc_ja, desc_en, maximum, weight) in enumerate(RUBRIC, start=1):
        db.session.add(
            Criterion(
                cohort_id=cohort.id,
                position=position,
                name_ja=name_ja,
                name_en=name_en,
                description_ja=desc_ja,
                description_en=desc_en,
                max_score=maximum,
                weight=weight,
            )
        )
    db.session.commit()
    _ensure_levels(cohort)
    return True


def _ensure_levels(cohort: Cohort) -> None:
    """The demo rubric's level descriptors, on criteria that have none yet."""
    for criterion, levels in zip(services.criteria_for(cohort), LEVELS, strict=False):
        if criterion.level_low_ja or criterion.level_mid_ja or criterion.level_high_ja:
            continue
        for level, (text_ja, text_en) in zip(("low", "mid", "high"), levels, strict=True):
            setattr(criterion, f"level_{level}_ja", text_ja)
            setattr(criterion, f"level_{level}_en", text_en)
    db.session.commit()


# The spring cohort's calibration set: two essays of fiscal year 2019 and a sample essay, with
# their reference scores (per criterion, in the rubric's order), and one reviewer's scores of them.
CALIBRATION_REFERENCES = [(7, 6, 7, 4), (4, 5, 3, 3), (8, 7, 6, 4)]
# The outside judge has done it; reviewer@example.jp, the one the journey signs in as, has not.
CALIBRATED_REVIEWER = "judge@example.jp"
CALIBRATED_SCORES = [(8, 6, 6, 4), (6, 5, 4, 3), (9, 8, 7, 5)]
SAMPLE_ESSAY = (
    "わたしの町の水は、蛇口をひねれば当たり前のように出てきます。けれども夏休みに祖母の家の近くで断水があり、"
    "給水車に並んだとき、この当たり前が多くの人の仕事に支えられていることに初めて気づきました。\n"
    "調べてみると、北九州市は海外の都市と協力して、漏水を減らす技術や水道料金の仕組みづくりを伝えていることが"
    "分かりました。技術だけでなく、現地の職員が自分たちで続けられるように人を育てていることに心を動かされました。\n"
    "研修では、現地の浄水場で働く人がどんな工夫をしているのか、そして住民が水をどう使っているのかを自分の目で"
    "確かめたいと思います。言葉が通じなくても、同じ水の話題なら分かり合えるはずです。\n"
    "帰国後は、学校の文化祭で学んだことを発表し、身近な節水から国際協力までを同級生と一緒に考える場を"
    "つくりたいです。当たり前を支える人の一人になることが、わたしの目標です。"
)


def _seed_calibration(spring: Cohort, history: Cohort | None, people: list[User], coordinator: User) -> None:
    """Descriptors, a calibration set and one reviewer's calibration done, in the spring cohort."""
    _ensure_levels(spring)
    over = spring.results_published_at is not None or services.is_closed(spring)
    if over or services.calibration_set(spring):
        return
    criteria = services.criteria_for(spring)
    codes: list[str] = []
    if history is not None:
        codes = list(
            db.session.scalars(
                sa.select(Application.code)
                .where(Application.cohort_id == history.id, Application.essay != "")
                .order_by(Application.code)
                .limit(2)
            )
        )
    sources = [(code, "") for code in codes] + [("", SAMPLE_ESSAY)]
    essays = []
    for (code, text), reference in zip(sources, CALIBRATION_REFERENCES, strict=False):
        values = {c.id: min(v, c.max_score) for c, v in zip(criteria, reference, strict=False)}
        essays.append(services.add_calibration_essay(spring, code, text, values, coordinator))
    reviewer = next(u for u in people if u.email == CALIBRATED_REVIEWER)
    for item, scores in zip(essays, CALIBRATED_SCORES, strict=False):
        if services.calibration_essay_for(reviewer, item.id) is not None:
            values = {c.id: min(v, c.max_score) for c, v in zip(criteria, scores, strict=False)}
            services.score_calibration(item, values, reviewer)


def _reviewers() -> list[User]:
    people = [ensure_user(demo) for demo in REVIEWERS]
    db.session.commit()
    conflicted = next(u for u in people if u.email == CONFLICTED_REVIEWER)
    school_id = db.session.scalar(sa.select(School.id).where(School.name == CONFLICT_SCHOOL))
    if school_id is not None and not services.declared_school_ids(conflicted):
        db.session.add(DeclaredConflict(reviewer_id=conflicted.id, school_id=school_id))
        db.session.commit()
    return people


@dataclass(frozen=True)
class Student:
    family: str
    given: str
    family_kana: str
    given_kana: str
    school: str
    grade: int
    guardian: str
    relationship: str
    language: str = "ja"


SPRING_STUDENTS = [
    Student("高橋", "陽翔", "タカハシ", "ハルト", "福岡県立小倉高等学校", 1, "直美", "母"),
    Student("佐々木", "莉子", "ササキ", "リコ", "福岡県立戸畑高等学校", 2, "浩", "父"),
    Student("吉川", "湊斗", "ヨシカワ", "ミナト", "北九州市立高等学校", 1, "聡子", "母"),
    Student("Nguyen", "Linh", "グエン", "リン", "福岡県立東筑高等学校", 2, "Thi Hoa", "母", "en"),
    Student("坂本", "美月", "サカモト", "ミツキ", "福岡県立小倉西高等学校", 1, "誠一", "父"),
    Student("大野", "快", "オオノ", "カイ", "北九州工業高等専門学校", 2, "裕美", "母"),
    Student("西村", "結菜", "ニシムラ", "ユイナ", "福岡県立八幡高等学校", 2, "学", "父"),
    Student("原田", "颯", "ハラダ", "ハヤテ", "福岡県立小倉高等学校", 2, "千尋", "母"),
    Student("松田", "心結", "マツダ", "ミユ", "福岡県立若松高等学校", 1, "健", "父"),
    Student("中島", "蒼", "ナカジマ", "アオイ", "福岡県立門司学園高等学校", 2, "由紀", "母"),
    Student("小川", "凪", "オガワ", "ナギ", "福岡県立北九州高等学校", 1, "和也", "父"),
    Student("岡本", "ひより", "オカモト", "ヒヨリ", "福岡県立八幡南高等学校", 2, "美香", "母"),
]

HISTORY_STUDENTS = [
    Student("青木", "大和", "アオキ", "ヤマト", "福岡県立小倉高等学校", 2, "順子", "母"),
    Student("藤井", "彩花", "フジイ", "アヤカ", "福岡県立戸畑高等学校", 1, "修一", "父"),
    Student("福田", "拓海", "フクダ", "タクミ", "北九州市立高等学校", 2, "陽子", "母"),
    Student("太田", "真央", "オオタ", "マオ", "福岡県立東筑高等学校", 2, "隆史", "父"),
    Student("三浦", "翼", "ミウラ", "ツバサ", "福岡県立小倉南高等学校", 1, "恵美子", "母"),
    Student("藤原", "愛", "フジワラ", "アイ", "北九州工業高等専門学校", 2, "正樹", "父"),
    Student("岩崎", "健太", "イワサキ", "ケンタ", "福岡県立八幡高等学校", 1, "幸恵", "母"),
    Student("上田", "七海", "ウエダ", "ナナミ", "福岡県立若松高等学校", 2, "博", "父"),
    Student("森田", "航平", "モリタ", "コウヘイ", "福岡県立門司学園高等学校", 2, "礼子", "母"),
    Student("杉山", "彩乃", "スギヤマ", "アヤノ", "福岡県立小倉西高等学校", 1, "雅人", "父"),
    Student("村田", "優斗", "ムラタ", "ユウト", "福岡県立北九州高等学校", 2, "典子", "母"),
    Student("今井", "花", "イマイ", "ハナ", "福岡県立八幡南高等学校", 1, "誠", "父"),
]


def _add_applications(
    cohort: Cohort, students: list[Student], first_essay: int, sent_from: datetime, prefix: str
) -> list[Application]:
    """Sent applications with the guardian's consent, written straight to the database."""
    schools = {name: school_id for name, school_id in db.session.execute(sa.select(School.name, School.id))}
    made = []
    for number, student in enumerate(students):
        text = essay(first_essay + number)
        sent = sent_from + timedelta(hours=9 + number * 37)
        application = Application(
            cohort=cohort,
            status=ApplicationStatus.DRAFT,
            consent_status=ConsentStatus.PENDING,
            created_at=sent - timedelta(days=2),
            applicant=Applicant(
                family_name=student.family,
                given_name=student.given,
                family_name_kana=student.family_kana,
                given_name_kana=student.given_kana,
                school_id=schools.get(student.school),
                school_name="" if student.school in schools else student.school,
                grade=student.grade,
                email=f"{prefix}{number + 1:02d}@example.jp",
                phone=f"090-{5100 + number:04d}-{3300 + number * 11:04d}",
                guardian_name=f"{student.family} {student.guardian}",
                guardian_relationship=student.relationship,
                guardian_email=f"{prefix}-guardian{number + 1:02d}@example.jp",
                guardian_phone=f"093-{600 + number:03d}-{4400 + number * 7:04d}",
                attest_eligibility=True,
                attest_schedule=True,
                privacy_consent=True,
                language=student.language,
                consent_signed_name=f"{student.family} {student.guardian}",
            ),
        )
        application.set_essay(text)
        application.submit(cohort.next_applicant_code(), secrets.token_hex(32), sent)
        application.record_consent(ConsentStatus.GIVEN, sent + timedelta(hours=20))
        for entry in application.history:
            entry.occurred_at = sent if entry.event == "status" else sent + timedelta(hours=20)
        db.session.add(application)
        made.append(application)
    db.session.commit()
    return made


def _saturday(day: date, weeks: int) -> date:
    ahead = day + timedelta(weeks=weeks)
    return ahead + timedelta(days=(5 - ahead.weekday()) % 7)


def _event(
    kind: EventKind,
    title: tuple[str, str],
    day: date,
    start: str,
    end_day: date,
    end: str,
    place: tuple[str, str],
):
    return CohortEvent(
        kind=kind,
        title_ja=title[0],
        title_en=title[1],
        starts_at=jst_to_utc(day, time.fromisoformat(start)),
        ends_at=jst_to_utc(end_day, time.fromisoformat(end)),
        place_ja=place[0],
        place_en=place[1],
    )


def spring_cohort(today: date) -> Cohort:
    """Next fiscal year's spring programme, selected early: its window closed three days ago."""
    year = fiscal_year(today) + 1
    closes = today - timedelta(days=3)
    cohort = Cohort(
        fiscal_year=year,
        title_ja=f"{year}年度 上下水道ユース研修 春季特別プログラム",
        title_en=f"Water and Sewer Youth Training {year}: Spring Programme",
        destination_ja="ベトナム社会主義共和国 ハイフォン市",
        destination_en="Hai Phong, Vietnam",
        description_ja=(
            "姉妹都市ハイフォン市の浄水場と配水の現場を、春休みを利用して訪れる特別プログラムです。"
            "現地の高校生と水環境について話し合い、帰国後は学校で報告します。"
        ),
        description_en=(
            "A special programme in the spring holidays: water works and distribution in the sister city "
            "of Hai Phong, talks with local high-school students, and a report at school afterwards."
        ),
        places=4,
        waitlist_length=3,
        opens_at=jst_to_utc(closes - timedelta(days=42), time(9)),
        closes_at=jst_to_utc(closes, time(17)),
        eligible_grades=[1, 2],
        essay_prompt_ja=PROMPT_JA,
        essay_prompt_en=PROMPT_EN,
        reviewers_per_application=2,
        offer_days=7,
    )
    briefing, training = _saturday(closes, 5), _saturday(closes, 10)
    dispatch, report = _saturday(closes, 21), _saturday(closes, 27)
    cohort.events.extend(
        [
            _event(
                EventKind.BRIEFING,
                ("参加者・保護者説明会", "Briefing for students and guardians"),
                briefing,
                "10:00",
                briefing,
                "11:30",
                ("上下水道局 本庁舎 会議室", "Water and Sewer Bureau"),
            ),
            _event(
                EventKind.DOMESTIC_TRAINING,
                ("国内研修 浄水場の見学と事前学習", "Domestic training: water works and preparation"),
                training,
                "09:30",
                training,
                "16:00",
                ("本城浄水場", "Honjo water works"),
            ),
            _event(
                EventKind.OVERSEAS_DISPATCH,
                ("現地活動(ハイフォン市)", "Activity on site (Hai Phong)"),
                dispatch,
                "08:00",
                dispatch + timedelta(days=4),
                "20:00",
                ("ベトナム社会主義共和国 ハイフォン市", "Hai Phong, Vietnam"),
            ),
            _event(
                EventKind.RESULTS_REPORT,
                ("成果報告会", "Results report"),
                report,
                "13:30",
                report,
                "15:30",
                ("北九州市役所", "Kitakyushu City Hall"),
            ),
        ]
    )
    return cohort


def _seed_spring(today: date, coordinator: User) -> tuple[Cohort, bool]:
    year = fiscal_year(today) + 1
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == year))
    created = cohort is None
    if created:
        cohort = spring_cohort(today)
        db.session.add(cohort)
        db.session.commit()
        made = _add_applications(cohort, SPRING_STUDENTS, 40, cohort.opens_at, "spring")
        # The second essay names the student's school club: masked by hand before the review.
        services.add_mask(cohort, made[1].id, "科学部", coordinator)
    ensure_rubric(cohort)
    has_reviews = db.session.scalar(sa.select(Review.id).where(Review.cohort_id == cohort.id).limit(1))
    if has_reviews is None and cohort.results_published_at is None and cohort.closes_at <= utcnow():
        services.run_assignment(cohort, coordinator)
    return cohort, created


# Fiscal year 2019: every review submitted, the review closed ------------------------------------------


def _history_scores(applications: list[Application], people: list[User], criteria: list[Criterion]) -> None:
    rng = random.Random(2019)
    quality = {a.id: rng.uniform(0.35, 0.92) for a in applications}
    # The outside judge marks a little higher, the staff reviewer a little lower.
    bias = {people[0].id: -0.08, people[1].id: 0.1, people[2].id: 0.0}
    declared = {u.id: services.declared_school_ids(u) for u in people}
    pairs = assign(
        Problem(
            applications=[a.id for a in applications],
            reviewers=[u.id for u in people],
            per_application=2,
            excluded={
                a.id: frozenset(u.id for u in people if a.applicant.school_id in declared[u.id])
                for a in applications
            },
            seed=2019,
        )
    ).assignment
    first = datetime(2019, 6, 24, 6, 0, tzinfo=UTC)
    for index, application in enumerate(applications):
        for offset, reviewer_id in enumerate(sorted(pairs[application.id])):
            when = first + timedelta(hours=index * 5 + offset * 3)
            review = Review(
                cohort_id=application.cohort_id,
                application_id=application.id,
                reviewer_id=reviewer_id,
                status=ReviewStatus.SUBMITTED,
                queue_key=secrets.token_hex(8),
                assigned_at=datetime(2019, 6, 18, 1, 0, tzinfo=UTC),
                saved_at=when,
                submitted_at=when,
                comment="",
            )
            for criterion in criteria:
                noise = rng.uniform(-0.12, 0.12)
                level = min(1.0, max(0.0, quality[application.id] + bias[reviewer_id] + noise))
                review.scores.append(
                    Score(criterion_id=criterion.id, value=round(level * criterion.max_score))
                )
            db.session.add(review)


def _seed_history(people: list[User], coordinator: User) -> Cohort | None:
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == 2019))
    if cohort is None:
        return None
    if (
        db.session.scalar(sa.select(Application.id).where(Application.cohort_id == cohort.id).limit(1))
        is None
    ):
        applications = _add_applications(cohort, HISTORY_STUDENTS, 70, cohort.opens_at, "fy2019-student")
        ensure_rubric(cohort)
        _history_scores(applications, people, services.criteria_for(cohort))
        db.session.add(
            ReviewRound(
                cohort_id=cohort.id,
                last_assigned_at=jst_to_utc(date(2019, 6, 18), time(10)),
                closed_at=jst_to_utc(date(2019, 7, 1), time(17)),
                closed_by_id=coordinator.id,
            )
        )
        db.session.commit()
    return cohort


def seed() -> list[str]:
    people = _reviewers()
    coordinator = db.session.scalar(
        sa.select(User).where(User.email == "coordinator@example.jp")
    ) or ensure_user(DemoUser("coordinator@example.jp", "調整 一郎", frozenset({Role.COORDINATOR})))
    today = today_jst()
    current = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == fiscal_year(today)))
    if current is not None:
        ensure_rubric(current)
    spring, _created = _seed_spring(today, coordinator)
    history = _seed_history(people, coordinator)
    _seed_calibration(spring, history, people, coordinator)
    conflict_line = f"{CONFLICTED_REVIEWER} (declared a conflict with {CONFLICT_SCHOOL})"
    lines = [
        "Review and selection:",
        f"  Reviewers: reviewer@example.jp, judge@example.jp (an outside judge), {conflict_line}.",
        f"  {spring.title_ja}: window closed, {len(SPRING_STUDENTS)} applications with consent, "
        "reviewers assigned, nothing scored yet. Try it:",
        "  1. Sign in as reviewer@example.jp: score the calibration set on top of /staff/review/, "
        "then a few essays (judge@example.jp has done the calibration already).",
        f"  2. Sign in as coordinator@example.jp: ranking at /staff/review/cohorts/{spring.id}/ranking "
        "(close the review there),",
        f"     decide at /staff/selection/cohorts/{spring.id}/decisions, preview the emails and publish.",
        "  3. In the staff Outbox, open a selected student's result email and follow its private link "
        "to accept or decline.",
    ]
    if history is not None:
        lines.append(
            f"  FY2019 has a complete history: /staff/review/cohorts/{history.id}/ranking, "
            f"/staff/selection/cohorts/{history.id}/participants; its activity report is on /youth/."
        )
    return lines
