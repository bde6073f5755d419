"""Demo lectures: the catalog, a lecturer working from Phnom Penh, and requests in every status.

The programs follow what the bureau really talks about in schools: thirty years of
international cooperation, Phnom Penh's drinkable tap water, SDGs, careers, and online
lectures given live from Cambodia. Running the seeder again adds nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from booking.core.auth import Role
from booking.core.time import JST, fiscal_year, jst_to_utc, today_jst, utcnow
from booking.core.tokens import hash_token
from booking.extensions import db
from booking.lectures.models import (
    GradeBand,
    LectureFeedback,
    LectureFormat,
    LectureRequest,
    LectureSlot,
    LectureStatus,
    MeetingHost,
    OnlinePlatform,
    Program,
    SlotKind,
)
from booking.lectures.reminders import CONNECTION_TEST_DAYS
from booking.lectures.round_models import LectureRound, LectureRoundEntry
from booking.lectures.rules import is_day_off
from booking.lectures.services import add_link, next_reference_number
from booking.scheduling.models import Posting, TimeOff
from booking.schools.models import School, SchoolType
from booking.schools.periods import run_span, schedule_of
from booking.settings.services import current_settings
from booking.staff.demo import DemoUser, ensure_user

E_UP, JH, HS, ALL_AGES = GradeBand.ELEMENTARY_UPPER, GradeBand.JUNIOR_HIGH, GradeBand.HIGH, GradeBand.ADULTS

PROGRAMS = [
    {
        "title_ja": "世界に広がる北九州の水道 ―国際技術協力のしごと",
        "title_en": "Kitakyushu's water experts around the world: international cooperation",
        "summary_ja": (
            "上下水道局は1990年から30年以上、13か国に245名の専門家を派遣し、158の国と地域から"
            "6,846名の研修生を受け入れてきました。現地で何をしているのか、なぜ「人づくり」が大切なのかを、"
            "写真と実際の道具を使ってお話しします。"
        ),
        "summary_en": (
            "Since 1990 the bureau has sent 245 experts to 13 countries and trained 6,846 people from 158 "
            "countries and regions. With photos and real equipment, we show what the work abroad looks like "
            "and why it is above all about training people."
        ),
        "target_grades": [E_UP, JH, HS],
        "duration_minutes": 45,
        "offers_in_person": True,
        "offers_online": True,
        "max_audience": 160,
    },
    {
        "title_ja": "プノンペンの奇跡 ―飲める水道水ができるまで",
        "title_en": "The Phnom Penh miracle: how the tap water became safe to drink",
        "summary_ja": (
            "カンボジアの首都プノンペンでは、北九州市との協力で水道の品質が大きく向上し、"
            "東南アジアでは珍しい「飲める水道水」が実現しました。漏水を減らし、水を安全に届ける工夫を、"
            "クイズを交えて紹介します。"
        ),
        "summary_en": (
            "Working with Kitakyushu, Phnom Penh turned its tap water into water you can drink, rare in "
            "Southeast Asia. With a quiz, we explain how leaks were cut and safe water reached every home."
        ),
        "target_grades": [E_UP, JH, HS],
        "duration_minutes": 45,
        "offers_in_person": True,
        "offers_online": True,
        "max_audience": 160,
    },
    {
        "title_ja": "水から考えるSDGs",
        "title_en": "SDGs, starting from water",
        "summary_ja": (
            "蛇口をひねれば安全な水が出るのは、世界では当たり前ではありません。SDGsの目標6「安全な水とトイレを"
            "世界中に」を入り口に、私たちの暮らしと世界のつながりを一緒に考えます。"
        ),
        "summary_en": (
            "Safe water from the tap is not a given around the world. Starting from SDG 6, clean water and "
            "sanitation for all, we think together about how our daily life is linked to the world's."
        ),
        "target_grades": [GradeBand.ELEMENTARY_LOWER, E_UP, JH, HS, ALL_AGES],
        "duration_minutes": 50,
        "offers_in_person": True,
        "offers_online": True,
        "max_audience": 200,
    },
    {
        "title_ja": "水のしごとと国際キャリア",
        "title_en": "Careers in water, at home and abroad",
        "summary_ja": (
            "浄水場の技術者から海外の現場で働く職員まで、上下水道の仕事はさまざまです。"
            "職員自身の経験をもとに、仕事のやりがいや、世界で働くために中高生のうちにできることをお話しします。"
        ),
        "summary_en": (
            "From treatment-plant engineers to staff working abroad, water offers many careers. Our staff "
            "talk about their own paths and what students can do now to work around the world later."
        ),
        "target_grades": [JH, HS],
        "duration_minutes": 50,
        "offers_in_person": True,
        "offers_online": True,
        "max_audience": 120,
    },
    {
        "title_ja": "カンボジアから生中継! オンライン出前講座",
        "title_en": "Live from Cambodia: an online lecture",
        "summary_ja": (
            "2020年から続く、カンボジアに駐在する職員による生中継の講座です。現地の浄水場や街のようすを"
            "画面越しに案内し、子どもたちの質問にその場でお答えします。"
        ),
        "summary_en": (
            "Since 2020, staff stationed in Cambodia lecture live from there: they show a treatment plant "
            "and the city on screen and answer the class's questions on the spot."
        ),
        "target_grades": [E_UP, JH, HS],
        "duration_minutes": 45,
        "offers_in_person": False,
        "offers_online": True,
        "max_audience": 200,
    },
]

PHNOM_PENH_LECTURER = DemoUser(
    "lecturer.phnompenh@example.jp", "北野 真理子", frozenset({Role.LECTURER}), time_zone="Asia/Phnom_Penh"
)


def school_day(start: date, skip: int = 0) -> date:
    """The `skip`-th weekday on or after `start` that is not a holiday or the year-end closing."""
    day = start
    while True:
        if not is_day_off(day):
            if skip == 0:
                return day
            skip -= 1
        day += timedelta(days=1)


def _programs() -> list[Program]:
    known = {p.title_ja: p for p in db.session.scalars(sa.select(Program))}
    programs = []
    for position, values in enumerate(PROGRAMS, start=1):
        program = known.get(values["title_ja"])
        if program is None:
            program = Program(
                **{**values, "target_grades": [band.value for band in values["target_grades"]]},
                position=position,
            )
            db.session.add(program)
        programs.append(program)
    db.session.flush()
    return programs


def _school(name: str) -> School | None:
    return db.session.scalar(sa.select(School).where(School.name == name))


def seed() -> list[str]:
    programs = _programs()
    coordinator = ensure_user(DemoUser("coordinator@example.jp", "調整 一郎", frozenset({Role.COORDINATOR})))
    mizuno = ensure_user(DemoUser("lecturer@example.jp", "水野 健太", frozenset({Role.LECTURER})))
    kitano = ensure_user(PHNOM_PENH_LECTURER)
    db.session.flush()
    _posting_abroad(kitano, "プノンペン", date(fiscal_year(today_jst()), 4, 1))

    today = today_jst()
    ahead = [school_day(today + timedelta(days=21), n * 3) for n in range(8)]
    before = [school_day(today - timedelta(days=70), n * 9) for n in range(3)]
    made = 0
    links: dict[str, str] = {}

    def make(
        key: str,
        program: Program,
        school_name: str,
        fmt: LectureFormat,
        candidates: list[datetime],
        created_days_ago: int,
        contact: tuple[str, str],
        grade: str,
        audience: int,
    ) -> LectureRequest | None:
        nonlocal made
        digest = hash_token(f"demo-lecture-{key}")
        if db.session.scalar(
            sa.select(LectureRequest.id).where(LectureRequest.submission_key_hash == digest)
        ):
            return None
        school = _school(school_name)
        created = utcnow() - timedelta(days=created_days_ago)
        year = fiscal_year((created + timedelta(hours=9)).date())
        number = next_reference_number(year)
        lecture = LectureRequest(
            reference=f"L-{year}-{number:04d}",
            fiscal_year=year,
            number=number,
            submission_key_hash=digest,
            language="ja",
            status=LectureStatus.SUBMITTED,
            program=program,
            format=fmt,
            school_id=school.id if school else None,
            school_name=school.name if school else school_name,
            school_address=school.address if school else "北九州市",
            school_type=school.school_type if school else SchoolType.OTHER,
            contact_name=contact[0],
            contact_email=contact[1],
            contact_phone="093-582-0000",
            grade=grade,
            audience_size=audience,
            created_at=created,
        )
        if fmt == LectureFormat.ONLINE:
            lecture.online_platform = OnlinePlatform.ZOOM
            lecture.meeting_link_by = MeetingHost.BUREAU
            lecture.connection_test = True
        else:
            lecture.venue = "体育館"
            lecture.equipment = "プロジェクター、スクリーン、マイク"
        for rank, start in enumerate(candidates, start=1):
            lecture.slots.append(
                LectureSlot(
                    kind=SlotKind.REQUESTED, rank=rank, starts_at=start, ends_at=start + program.duration
                )
            )
        lecture.record_submission()
        db.session.add(lecture)
        made += 1
        return lecture

    def at(day: date, hour: int, minute: int = 0) -> datetime:
        return jst_to_utc(day, time(hour, minute))

    def backdate(lecture: LectureRequest, days_ago: list[int]) -> None:
        """Spread the history over the past, as it would have happened."""
        for event, days in zip(lecture.events, days_ago, strict=False):
            event.occurred_at = utcnow() - timedelta(days=days)

    teacher = ("山田 花子", "teacher@example.jp")
    online, in_person = LectureFormat.ONLINE, LectureFormat.IN_PERSON
    p_coop, p_miracle, p_sdgs, p_career, p_live = programs

    # Received, waiting for an answer; the first choice asked as 3・4校時 of the school's day.
    lecture = make(
        "01",
        p_sdgs,
        "北九州市立小倉中央小学校",
        in_person,
        [at(ahead[2], 10, 45), at(ahead[3], 13, 40)],
        2,
        teacher,
        "5年生 2クラス",
        62,
    )
    school = _school("北九州市立小倉中央小学校")
    if lecture is not None and school is not None:
        lecture.class_count = 2
        span = run_span(schedule_of(school), 3, 4)
        if span is not None:
            first = lecture.slots[0]
            first.starts_at, first.ends_at = (
                at(ahead[2], span[0].hour, span[0].minute),
                at(ahead[2], span[1].hour, span[1].minute),
            )
            first.period_from, first.period_to = 3, 4
    make(
        "02",
        p_career,
        "福岡県立小倉高等学校",
        in_person,
        [at(ahead[4], 14, 0)],
        1,
        ("佐藤 健", "sato@example.jp"),
        "2年生 総合的な探究の時間",
        120,
    )
    make(
        "03",
        p_live,
        "北九州市立二島中学校",  # a school no lecture has reached yet: the inbox marks it
        online,
        [at(ahead[1], 13, 30), at(ahead[5], 13, 30)],
        0,
        ("鈴木 一郎", "suzuki@example.jp"),
        "1年生",
        95,
    )

    # Dates proposed: the school picks one through its link.
    lecture = make(
        "04",
        p_miracle,
        "北九州市立守恒小学校",
        in_person,
        [at(ahead[0], 9, 0)],
        8,
        ("田中 美咲", "tanaka@example.jp"),
        "6年生",
        70,
    )
    if lecture is not None:
        lecture.propose(
            [(at(ahead[6], 10, 45), at(ahead[6], 11, 30)), (at(ahead[7], 13, 40), at(ahead[7], 14, 25))],
            [mizuno],
            "ご希望の日は講師の都合がつかず、申し訳ありません。次の日程はいかがでしょうか。",
            coordinator,
        )
        backdate(lecture, [8, 6])

    # Scheduled.
    lecture = make(
        "05",
        p_live,
        "北九州市立若松中学校",
        online,
        [at(ahead[2], 13, 30)],
        12,
        ("高橋 直子", "takahashi@example.jp"),
        "2年生 全クラス",
        150,
    )
    if lecture is not None:
        lecture.schedule(at(ahead[2], 13, 30), at(ahead[2], 14, 15), [kitano], 15, coordinator)
        # The bureau has sent its link, and the connection test is agreed two days before.
        test_at: datetime | None = at(school_day(ahead[2] - timedelta(days=3)), 15, 30)
        if test_at is not None and test_at >= at(ahead[2], 13, 30):
            test_at = None
        lecture.set_meeting(DEMO_MEETING_LINKS["05"], test_at, utcnow())
        backdate(lecture, [12, 10])
    lecture = make(
        "06",
        p_coop,
        "北九州市立八幡小学校",
        in_person,
        [at(ahead[3], 10, 45)],
        15,
        ("伊藤 誠", "ito@example.jp"),
        "4〜6年生",
        140,
    )
    if lecture is not None:
        lecture.schedule(
            at(ahead[3], 10, 45),
            at(ahead[3], 11, 30),
            [mizuno],
            60,
            coordinator,
            note="当日は10時15分ごろに到着します。",
        )
        backdate(lecture, [15, 13])
        # Time off entered since, over this booked lecture: waiting for a coordinator to
        # find another lecturer (the lecture's page and the inbox show it).
        day_off = datetime.combine(ahead[3], time(0, 0), tzinfo=JST)
        db.session.add(
            TimeOff(
                person_id=mizuno.id,
                starts_at=day_off,
                ends_at=day_off + timedelta(days=1),
                reason="休暇",
                whole_days=True,
                created_by_id=mizuno.id,
            )
        )
    lecture = make(
        "07",
        p_sdgs,
        "福岡県立戸畑高等学校",
        online,
        [at(ahead[5], 14, 0)],
        20,
        ("渡辺 聡", "watanabe@example.jp"),
        "1年生",
        200,
    )
    if lecture is not None:
        lecture.schedule(at(ahead[5], 14, 0), at(ahead[5], 14, 50), [mizuno, kitano], 15, coordinator)
        lecture.set_meeting(DEMO_MEETING_LINKS["07"], None, utcnow())
        backdate(lecture, [20, 18])

    # Held.
    lecture = make(
        "08",
        p_miracle,
        "北九州市立門司中央小学校",
        in_person,
        [at(before[0], 10, 45)],
        90,
        ("中村 陽子", "nakamura@example.jp"),
        "6年生",
        58,
    )
    if lecture is not None:
        lecture.schedule(at(before[0], 10, 45), at(before[0], 11, 30), [mizuno], 60, coordinator)
        lecture.complete(61, "質問がたくさん出た。浄水の実験が好評。", coordinator, utcnow())
        backdate(lecture, [90, 85, 68])
    lecture = make(
        "09",
        p_live,
        "北九州市立黒崎中学校",
        online,
        [at(before[1], 13, 30)],
        80,
        ("小林 大輔", "kobayashi@example.jp"),
        "3年生",
        130,
    )
    if lecture is not None:
        lecture.schedule(at(before[1], 13, 30), at(before[1], 14, 15), [kitano], 15, coordinator)
        lecture.set_meeting(DEMO_MEETING_LINKS["09"], at(before[1] - timedelta(days=2), 15, 30), utcnow())
        lecture.complete(128, "プノンペンの浄水場から中継。通信は安定していた。", coordinator, utcnow())
        backdate(lecture, [80, 75, 59])

    # Declined, and cancelled by the school.
    lecture = make(
        "10",
        p_career,
        "北九州市立戸畑中央小学校",
        in_person,
        [at(ahead[1], 9, 0)],
        6,
        ("加藤 恵", "kato@example.jp"),
        "1年生",
        30,
    )
    if lecture is not None:
        lecture.decline(
            "この講座は中学生・高校生向けの内容です。小学生向けには「水から考えるSDGs」をおすすめします。",
            coordinator,
        )
        backdate(lecture, [6, 5])
    lecture = make(
        "11",
        p_sdgs,
        "北九州市立足原小学校",
        in_person,
        [at(ahead[4], 10, 45)],
        14,
        ("吉田 拓也", "yoshida@example.jp"),
        "4年生",
        45,
    )
    if lecture is not None:
        lecture.schedule(at(ahead[4], 10, 45), at(ahead[4], 11, 35), [mizuno], 60, coordinator)
        lecture.cancel("学校行事の日程が変わったため。", actor=None, by_school=True)
        backdate(lecture, [14, 12, 3])
    lecture = make(
        "12",
        p_coop,
        "北九州工業高等専門学校",
        online,
        [at(ahead[6], 14, 0)],
        4,
        ("山本 翔", "yamamoto@example.jp"),
        "本科3年",
        80,
    )
    if lecture is not None:
        lecture.cancel("今年度の授業計画が変更になったため。", actor=None, by_school=True)
        backdate(lecture, [4, 2])

    # Soon: what `flask send-reminders` has to do right after the demo is seeded.
    reminder_days = max(1, current_settings().reminder_days)
    soon = _first_school_day(today + timedelta(days=1), today + timedelta(days=reminder_days))
    lecture = make(
        "13",
        p_sdgs,
        "Kitakyushu International School",
        in_person,
        [at(soon, 10, 30)],
        24,
        ("Emily Carter", "carter@example.jp"),
        "Grade 5",
        40,
    )
    if lecture is not None:
        lecture.language = "en"
        lecture.schedule(at(soon, 10, 30), at(soon, 11, 20), [mizuno], 60, coordinator)
        backdate(lecture, [24, 20])
    test_day = _first_school_day(
        today + timedelta(days=reminder_days + 1), today + timedelta(days=CONNECTION_TEST_DAYS)
    )
    lecture = make(
        "14",
        p_live,
        "北九州市立折尾中学校",
        online,
        [at(test_day, 13, 30)],
        30,
        ("松本 由美", "matsumoto@example.jp"),
        "2年生",
        110,
    )
    if lecture is not None:
        # Soon, and the school has not sent its meeting link yet.
        lecture.online_platform = OnlinePlatform.TEAMS
        lecture.meeting_link_by = MeetingHost.SCHOOL
        lecture.schedule(at(test_day, 13, 30), at(test_day, 14, 15), [kitano], 15, coordinator)
        backdate(lecture, [30, 26])
    # Held last week: the teacher has not answered yet (send-reminders reminds once).
    last_week = _last_school_day(today - timedelta(days=7))
    lecture = make(
        "15",
        p_coop,
        "北九州市立湯川小学校",
        in_person,
        [at(last_week, 10, 45)],
        40,
        ("井上 恵子", "inoue@example.jp"),
        "6年生",
        64,
    )
    if lecture is not None:
        lecture.schedule(at(last_week, 10, 45), at(last_week, 11, 30), [mizuno], 60, coordinator)
        lecture.complete(66, "水道管の模型が好評。", coordinator, utcnow())
        backdate(lecture, [40, 36, 6])

    db.session.flush()
    _demo_feedback()
    # Fresh private links to teachers' pages, to try them (only their hashes are kept).
    # A busy term opened as a round: its requests are collected, then allocated together.
    lecture_round = _demo_round(today, coordinator)
    round_days = [school_day(lecture_round.first_day, n * 2) for n in range(4)]
    collected = [
        make(
            "r1",
            p_sdgs,
            "北九州市立高須小学校",
            in_person,
            [at(round_days[0], 10, 45), at(round_days[2], 10, 45)],
            3,
            ("高須 先生", "takasu@example.jp"),
            "4年生",
            58,
        ),
        make(
            "r2",
            p_miracle,
            "北九州市立守恒小学校",
            in_person,
            [at(round_days[0], 13, 40)],
            2,
            ("守恒 先生", "moritsune@example.jp"),
            "6年生",
            90,
        ),
        make(
            "r3",
            p_live,
            "北九州市立黒崎中学校",
            online,
            [at(round_days[1], 13, 30), at(round_days[3], 13, 30)],
            1,
            ("黒崎 先生", "kurosaki@example.jp"),
            "2年生",
            140,
        ),
    ]
    for lecture in collected:
        if lecture is not None:
            db.session.add(LectureRoundEntry(round=lecture_round, request=lecture))

    for name, key in (("proposed", "04"), ("scheduled", "05"), ("completed", "15")):
        found = db.session.scalar(
            sa.select(LectureRequest).where(
                LectureRequest.submission_key_hash == hash_token(f"demo-lecture-{key}")
            )
        )
        open_to_try = found is not None and (name != "completed" or found.feedback is None)
        if open_to_try and found.status == LectureStatus(name):
            links[name] = add_link(found)
    waiting = db.session.scalar(
        sa.select(LectureRequest).where(LectureRequest.submission_key_hash == hash_token("demo-lecture-14"))
    )
    if waiting is not None and waiting.awaiting_meeting_link:
        links["awaiting"] = add_link(waiting)
    db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count(LectureRequest.id)))
    lines = [
        f"Lectures: {len(programs)} programs at /lectures/, {count} requests ({made} added now) "
        "in the staff inbox at /staff/lectures/ (sign in as coordinator@example.jp).",
        f"  lecturer   {PHNOM_PENH_LECTURER.email} is based in Phnom Penh (online lectures only)",
        "  a lecture whose lecturer has since entered time off is flagged in the inbox",
        "  a round for next term collects requests at /staff/lectures/rounds (allocated once closed)",
    ]
    if "proposed" in links:
        lines.append(f"  a teacher's page with dates to choose: /lectures/manage/{links['proposed']}")
    if "scheduled" in links:
        lines.append(f"  a teacher's page of a booked lecture:  /lectures/manage/{links['scheduled']}")
    if "awaiting" in links:
        lines.append(f"  a teacher's page still owing its link: /lectures/manage/{links['awaiting']}")
    if "completed" in links:
        lines.append(f"  a held lecture to give feedback on:    /lectures/manage/{links['completed']}")
    lines.append(
        "  `flask --app wsgi send-reminders` now reminds of a lecture in the next days, of a "
        "connection test and of the feedback from last week's lecture (see Outbox)."
    )
    return lines


def _demo_round(today: date, coordinator) -> LectureRound:
    """The open round of next term's busy weeks (made once): about two months ahead, closing
    for requests a few weeks before."""
    name = "次学期 繁忙期（一括調整）"
    found = db.session.scalar(sa.select(LectureRound).where(LectureRound.name == name))
    if found is not None:
        return found
    first_day = school_day(today + timedelta(days=70))
    lecture_round = LectureRound(
        name=name,
        first_day=first_day,
        last_day=first_day + timedelta(days=25),
        closes_on=today + timedelta(days=40),
        per_day=1,
        created_by_id=coordinator.id,
    )
    db.session.add(lecture_round)
    return lecture_round


def _posting_abroad(lecturer, place: str, first_day: date) -> None:
    """The lecturer is based abroad from `first_day` until further notice (added once)."""
    if db.session.scalar(sa.select(Posting.id).where(Posting.person_id == lecturer.id)):
        return
    db.session.add(Posting(person_id=lecturer.id, place=place, first_day=first_day))


# Meeting links of the online demo lectures (made up; "14" is still waiting for the school's).
DEMO_MEETING_LINKS = {
    "05": "https://us06web.zoom.us/j/84000000005?pwd=demo",
    "07": "https://us06web.zoom.us/j/84000000007?pwd=demo",
    "09": "https://us06web.zoom.us/j/84000000009?pwd=demo",
}


def _first_school_day(first: date, last: date) -> date:
    """The first school day from `first` to `last`; `first` itself if there is none."""
    day = school_day(first)
    return day if day <= last else first


def _last_school_day(on_or_before: date) -> date:
    day = on_or_before
    while is_day_off(day):
        day -= timedelta(days=1)
    return day


# Held demo lectures and what their teachers answered (satisfaction, comments, days ago).
FEEDBACK = {
    "08": (
        5,
        "児童が浄水の実験に夢中になっていました。海外で働く職員の話が将来を考えるきっかけになったようです。",
        66,
    ),
    "09": (4, "プノンペンからの中継は臨場感がありました。質問の時間がもう少しあるとうれしいです。", 57),
}


def _demo_feedback() -> None:
    """Answers from the teachers of held demo lectures (added once, also to older demo data)."""
    for key, (satisfaction, comments, days_ago) in FEEDBACK.items():
        lecture = db.session.scalar(
            sa.select(LectureRequest).where(
                LectureRequest.submission_key_hash == hash_token(f"demo-lecture-{key}")
            )
        )
        if lecture is None or lecture.status != LectureStatus.COMPLETED or lecture.feedback is not None:
            continue
        when = utcnow() - timedelta(days=days_ago)
        lecture.feedback = LectureFeedback(
            satisfaction=satisfaction, comments=comments, submitted_at=when, updated_at=when
        )
