"""Demo data: the training's real history, and this year's cohort open for applications.

The past cohorts are those the bureau ran (2017 Phnom Penh and Siem Reap; 2018 and 2019
Hai Phong; 2021 a domestic program with a national college of technology), six
participants each. The current cohort's window is open around the day the demo is
seeded, with about twenty applications in mixed consent states. Safe to run again: a
cohort already there is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa

from booking.core.time import fiscal_year, jst_to_utc, today_jst, utcnow
from booking.extensions import db
from booking.schools.models import School
from booking.youth import services
from booking.youth.demo_essays import essay
from booking.youth.models import Application, Cohort, CohortEvent, ConsentStatus, EventKind

PROMPT_JA = (
    "北九州市上下水道局は、30年以上にわたり世界の水道づくりに協力してきました。"
    "「水」と「国際協力」について、あなたが体験したこと、考えていること、"
    "そしてこの研修で学びたいことを書いてください。"
)
PROMPT_EN = (
    "For more than thirty years the Kitakyushu Water and Sewer Bureau has helped cities around "
    "the world build their water services. Write about water and international cooperation: "
    "what you have experienced, what you think, and what you want to learn in this training."
)


def _event(
    kind: EventKind,
    titles: tuple[str, str],
    starts: tuple[date, str],
    ends: tuple[date, str],
    places: tuple[str, str],
) -> CohortEvent:
    (title_ja, title_en), (day, start), (end_day, end), (place_ja, place_en) = titles, starts, ends, places
    return CohortEvent(
        kind=kind,
        title_ja=title_ja,
        title_en=title_en,
        starts_at=jst_to_utc(day, time.fromisoformat(start)),
        ends_at=jst_to_utc(end_day, time.fromisoformat(end)),
        place_ja=place_ja,
        place_en=place_en,
    )


@dataclass(frozen=True)
class PastCohort:
    year: int
    destination_ja: str
    destination_en: str
    description_ja: str
    description_en: str
    dispatch: tuple[date, date] | None


PAST = [
    PastCohort(
        2017,
        "カンボジア王国 プノンペン都・シエムレアップ州",
        "Phnom Penh and Siem Reap, Cambodia",
        "第1回のユース研修。局が長年協力してきたプノンペン都の浄水場や、"
        "シエムレアップ州の水道の現場を訪れ、現地の職員や同世代の若者と交流しました。",
        "The first youth training. The students visited the Phnom Penh water works the bureau has "
        "supported for decades and water sites in Siem Reap, and met local staff and young people.",
        (date(2017, 8, 20), date(2017, 8, 26)),
    ),
    PastCohort(
        2018,
        "ベトナム社会主義共和国 ハイフォン市",
        "Hai Phong, Vietnam",
        "姉妹都市締結5周年の節目に、ハイフォン市を訪問。局の技術で整えた浄水施設を見学し、"
        "現地の高校生と水環境について意見を交わしました。",
        "In the fifth anniversary year of the sister-city tie, the students visited Hai Phong, saw "
        "water treatment built with the bureau's technology, and talked with local high-school students.",
        (date(2018, 8, 19), date(2018, 8, 25)),
    ),
    PastCohort(
        2019,
        "ベトナム社会主義共和国 ハイフォン市",
        "Hai Phong, Vietnam",
        "2年続けてハイフォン市を訪問。配水や漏水対策の現場を見学し、学んだことを市内の学校や"
        "市のイベントで発表しました。",
        "A second visit to Hai Phong: distribution and leak control on site, then talks in the "
        "city's schools and at city events.",
        (date(2019, 8, 18), date(2019, 8, 24)),
    ),
    PastCohort(
        2021,
        "国内(北九州工業高等専門学校との連携プログラム)",
        "In Japan, with the National Institute of Technology, Kitakyushu College",
        "海外渡航ができなかったため、国立高専と連携した国内プログラムとして実施。"
        "浄水・下水処理の実験や、海外の現場とのオンライン交流を行いました。",
        "With travel abroad impossible, the training ran in Japan with a national college of "
        "technology: water and wastewater experiments and online exchanges with sites abroad.",
        None,
    ),
]


def _past_cohort(past: PastCohort) -> Cohort:
    year = past.year
    cohort = Cohort(
        fiscal_year=year,
        title_ja=f"{year}年度 上下水道ユース研修",
        title_en=f"Water and Sewer Youth Training {year}",
        destination_ja=past.destination_ja,
        destination_en=past.destination_en,
        description_ja=past.description_ja,
        description_en=past.description_en,
        places=6,
        opens_at=jst_to_utc(date(year, 5, 15), time(9)),
        closes_at=jst_to_utc(date(year, 6, 16), time(17)),
        eligible_grades=[1, 2],
        essay_prompt_ja=PROMPT_JA,
        essay_prompt_en=PROMPT_EN,
        results_published_at=jst_to_utc(date(year, 7, 7), time(12)),
        recorded_participants=6,
    )
    training = date(year, 7, 29)
    cohort.events.append(
        _event(
            EventKind.DOMESTIC_TRAINING,
            ("国内研修", "Domestic training"),
            (training, "09:30"),
            (training, "16:00"),
            ("上下水道局 本庁舎", "Water and Sewer Bureau"),
        )
    )
    if past.dispatch:
        start, end = past.dispatch
        cohort.events.append(
            _event(
                EventKind.OVERSEAS_DISPATCH,
                ("現地活動", "Activity on site"),
                (start, "10:00"),
                (end, "18:00"),
                (past.destination_ja, past.destination_en),
            )
        )
    else:
        cohort.events.append(
            _event(
                EventKind.DOMESTIC_PROGRAM,
                ("高専連携プログラム", "Program with the college"),
                (date(year, 8, 17), "09:30"),
                (date(year, 8, 19), "16:00"),
                ("北九州工業高等専門学校", "Kitakyushu College"),
            )
        )
    report = date(year, 10, 16)
    cohort.events.append(
        _event(
            EventKind.RESULTS_REPORT,
            ("成果報告会", "Results report"),
            (report, "13:30"),
            (report, "15:30"),
            ("北九州市役所", "Kitakyushu City Hall"),
        )
    )
    return cohort


def _saturday(day: date, weeks: int) -> date:
    """The Saturday `weeks` weeks after `day`."""
    ahead = day + timedelta(weeks=weeks)
    return ahead + timedelta(days=(5 - ahead.weekday()) % 7)


def _current_cohort(today: date) -> Cohort:
    year = fiscal_year(today)
    closes = today + timedelta(days=17)
    cohort = Cohort(
        fiscal_year=year,
        title_ja=f"{year}年度 上下水道ユース研修",
        title_en=f"Water and Sewer Youth Training {year}",
        destination_ja="カンボジア王国 プノンペン都",
        destination_en="Phnom Penh, Cambodia",
        description_ja=(
            "市内の高校生6人が市民代表として、局が30年以上協力を続けるプノンペン都を訪れます。"
            "浄水場や配水の現場を見学し、現地の水道職員や同世代の若者と交流します。"
            "国内研修で準備をして出発し、帰国後は成果報告会や学校で学んだことを伝えます。"
        ),
        description_en=(
            "Six high-school students of the city visit Phnom Penh, where the bureau has worked for "
            "more than thirty years, as citizen representatives. They see water works and distribution "
            "on site and meet water staff and young people there. They prepare in domestic training, "
            "and afterwards share what they learned at a results report and in their schools."
        ),
        places=6,
        waitlist_length=3,
        opens_at=jst_to_utc(today - timedelta(days=28), time(9)),
        closes_at=jst_to_utc(closes, time(17)),
        eligible_grades=[1, 2],
        essay_prompt_ja=PROMPT_JA,
        essay_prompt_en=PROMPT_EN,
        essay_min_chars=600,
        essay_max_chars=800,
        consent_reminder_days=5,
    )
    briefing = _saturday(closes, 3)
    first, second = _saturday(closes, 5), _saturday(closes, 8)
    dispatch = _saturday(closes, 13)
    report = _saturday(closes, 21)
    cohort.events.extend(
        [
            _event(
                EventKind.BRIEFING,
                ("参加者・保護者説明会", "Briefing for students and guardians"),
                (briefing, "10:00"),
                (briefing, "11:30"),
                ("上下水道局 本庁舎 会議室", "Water and Sewer Bureau"),
            ),
            _event(
                EventKind.DOMESTIC_TRAINING,
                ("国内研修(1)浄水場・下水処理場の見学", "Domestic training 1: water and wastewater works"),
                (first, "09:30"),
                (first, "16:00"),
                ("井手浦浄水場・日明浄化センター", "Idenoura water works and Hiagari treatment centre"),
            ),
            _event(
                EventKind.DOMESTIC_TRAINING,
                (
                    "国内研修(2)国際協力の講義と発表の準備",
                    "Domestic training 2: cooperation abroad, preparing a talk",
                ),
                (second, "09:30"),
                (second, "16:00"),
                ("上下水道局 本庁舎 会議室", "Water and Sewer Bureau"),
            ),
            _event(
                EventKind.OVERSEAS_DISPATCH,
                ("現地活動(プノンペン)", "Activity on site (Phnom Penh)"),
                (dispatch, "08:00"),
                (dispatch + timedelta(days=5), "20:00"),
                ("カンボジア王国 プノンペン都", "Phnom Penh, Cambodia"),
            ),
            _event(
                EventKind.RESULTS_REPORT,
                ("成果報告会", "Results report"),
                (report, "13:30"),
                (report, "15:30"),
                ("北九州市役所 大会議室", "Kitakyushu City Hall"),
            ),
        ]
    )
    return cohort


# (family, given, family kana, given kana, school, grade, guardian given name, relationship)
STUDENTS = [
    ("田中", "美咲", "タナカ", "ミサキ", "福岡県立小倉高等学校", 2, "恵子", "母"),
    ("中村", "颯太", "ナカムラ", "ソウタ", "福岡県立戸畑高等学校", 1, "浩二", "父"),
    ("小林", "結衣", "コバヤシ", "ユイ", "北九州市立高等学校", 2, "真由美", "母"),
    ("山口", "大翔", "ヤマグチ", "ヒロト", "福岡県立八幡高等学校", 2, "健一", "父"),
    ("松本", "葵", "マツモト", "アオイ", "福岡県立東筑高等学校", 1, "由美子", "母"),
    ("井上", "蓮", "イノウエ", "レン", "北九州工業高等専門学校", 1, "誠", "父"),
    ("木村", "陽菜", "キムラ", "ヒナ", "福岡県立小倉西高等学校", 2, "直子", "母"),
    ("林", "悠真", "ハヤシ", "ユウマ", "福岡県立門司学園高等学校", 1, "和子", "祖母"),
    ("清水", "さくら", "シミズ", "サクラ", "福岡県立北九州高等学校", 2, "隆", "父"),
    ("山崎", "湊", "ヤマザキ", "ミナト", "福岡県立若松高等学校", 2, "久美子", "母"),
    ("森", "凛", "モリ", "リン", "福岡県立小倉南高等学校", 1, "達也", "父"),
    ("池田", "陸", "イケダ", "リク", "福岡県立八幡南高等学校", 2, "明美", "母"),
    ("橋本", "芽依", "ハシモト", "メイ", "福岡県立小倉高等学校", 1, "裕子", "母"),
    ("石川", "樹", "イシカワ", "イツキ", "北九州工業高等専門学校", 2, "修", "父"),
    ("前田", "心春", "マエダ", "コハル", "福岡県立戸畑高等学校", 2, "智子", "母"),
    ("藤田", "朝陽", "フジタ", "アサヒ", "北九州市立高等学校", 1, "剛", "父"),
    ("岡田", "紬", "オカダ", "ツムギ", "福岡県立東筑高等学校", 2, "幸子", "祖母"),
    ("後藤", "奏太", "ゴトウ", "カナタ", "福岡県立八幡高等学校", 1, "恵美", "母"),
    ("長谷川", "杏", "ハセガワ", "アン", "福岡県立北九州高等学校", 2, "誠司", "父"),
    ("村上", "晴", "ムラカミ", "ハル", "福岡県立門司学園高等学校", 2, "美穂", "母"),
]
# Guardians' answers, in the order above: mostly given, some waiting, two refused.
CONSENT = "GGGPGRGGPGGPGGGPRGPG"
# Two more students who have only saved a draft so far.
DRAFTS = [
    ("吉田", "花音", "ヨシダ", "カノン", "福岡県立小倉高等学校", 1, "典子", "母"),
    ("山本", "航", "ヤマモト", "ワタル", "福岡県立若松高等学校", 2, "俊介", "父"),
]


def _application_data(number: int, student: tuple, schools: dict[str, int], draft: bool = False):
    family, given, family_kana, given_kana, school, grade, guardian, relationship = student
    text = essay(number)
    if draft:
        text = text[: len(text) // 2]  # half written
    return services.ApplicationData(
        family_name=family,
        given_name=given,
        family_name_kana=family_kana,
        given_name_kana=given_kana,
        school_id=schools.get(school),
        school_name="" if school in schools else school,
        grade=grade,
        email=f"student{number + 1:02d}@example.jp",
        phone=f"090-{4100 + number:04d}-{2600 + number * 7:04d}",
        guardian_name=f"{family} {guardian}",
        guardian_relationship=relationship,
        guardian_email=f"guardian{number + 1:02d}@example.jp",
        guardian_phone=f"093-{521 + number:03d}-{1200 + number * 3:04d}",
        essay=text,
        attest_eligibility=True,
        attest_schedule=True,
        privacy_consent=True,
    )


def _applications(cohort: Cohort) -> int:
    schools = {name: school_id for name, school_id in db.session.execute(sa.select(School.name, School.id))}
    now = utcnow()
    for number, student in enumerate(STUDENTS):
        saved = services.submit_application(
            cohort, _application_data(number, student, schools), language="ja"
        )
        answer = CONSENT[number]
        if answer != "P":
            decision = ConsentStatus.GIVEN if answer == "G" else ConsentStatus.REFUSED
            services.answer_consent(saved.application, decision, f"{student[0]} {student[6]}")
        # Spread the times over the weeks since the window opened, as applications arrive.
        application = db.session.get(Application, saved.application.id)
        sent = min(cohort.opens_at + timedelta(hours=20 + number * 30), now)
        application.submitted_at = application.created_at = sent
        if application.consent_answered_at is not None:
            application.consent_answered_at = min(sent + timedelta(hours=26), now)
        db.session.commit()
    for offset, student in enumerate(DRAFTS):
        services.save_draft(cohort, _application_data(len(STUDENTS) + offset, student, schools, draft=True))
    return len(STUDENTS)


def seed() -> list[str]:
    existing = set(db.session.scalars(sa.select(Cohort.fiscal_year)))
    for past in PAST:
        if past.year not in existing:
            db.session.add(_past_cohort(past))
    db.session.commit()

    today = today_jst()
    year = fiscal_year(today)
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.fiscal_year == year))
    if cohort is None:
        cohort = _current_cohort(today)
        db.session.add(cohort)
        db.session.commit()
    added = 0
    has_applications = db.session.scalar(
        sa.select(Application.id).where(Application.cohort_id == cohort.id).limit(1)
    )
    if has_applications is None and cohort.can_accept_applications(utcnow()):
        added = _applications(cohort)
    return [
        f"Youth training: past cohorts {', '.join(str(p.year) for p in PAST)}; "
        f"{cohort.title_ja} open at /youth/ ({added} demo applications added now).",
        "  Apply at /youth/apply. The guardian's consent email is in the staff Outbox",
        "  (sign in as the coordinator); open its link to consent, then see the application",
        f"  in the list at /staff/youth/cohorts/{cohort.id}/applications.",
    ]
