"""Building youth-training records for tests: a cohort open now and a valid application form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from booking.extensions import db
from booking.youth.models import Cohort, CohortEvent, EventKind

# The window of the test cohort, in Japan time: 1 November 09:00 to 15 December 17:00.
OPENS_AT = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
CLOSES_AT = datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
DURING = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)

ESSAY = (
    "私が水道に関心を持ったのは、中学二年生のときに家族でカンボジアを訪れたことがきっかけです。\n"
    "プノンペンの市場で、地元の人が水道の水をそのまま飲んでいるのを見て驚きました。"
    "ガイドの方から、かつては安全な水が手に入らなかった町で、北九州市の技術協力によって"
    "水道水が飲めるようになったと聞き、自分の住む町の人たちが遠い国の暮らしを支えていることを誇りに思いました。\n"
) * 4


def make_cohort(**overrides) -> Cohort:
    values = {
        "fiscal_year": 2026,
        "title_ja": "2026年度 上下水道ユース研修",
        "title_en": "Water and Sewer Youth Training 2026",
        "destination_ja": "カンボジア王国 プノンペン都",
        "destination_en": "Phnom Penh, Cambodia",
        "opens_at": OPENS_AT,
        "closes_at": CLOSES_AT,
        "eligible_grades": [1, 2],
        "essay_prompt_ja": "水と国際協力について、あなたの考えを書いてください。",
        "essay_prompt_en": "Write your thoughts on water and international cooperation.",
        "essay_min_chars": 600,
        "essay_max_chars": 800,
    }
    values.update(overrides)
    cohort = Cohort(**values)
    cohort.events.append(
        CohortEvent(
            kind=EventKind.OVERSEAS_DISPATCH,
            title_ja="現地活動",
            title_en="Activity on site",
            starts_at=datetime(2027, 3, 20, 0, 0, tzinfo=UTC),
            ends_at=datetime(2027, 3, 25, 9, 0, tzinfo=UTC),
            place_ja="プノンペン",
            place_en="Phnom Penh",
        )
    )
    db.session.add(cohort)
    db.session.commit()
    return cohort


def form_data(school: int, **overrides) -> dict:
    """A complete, valid application as the browser posts it."""
    data = {
        "family_name": "山田",
        "given_name": "花子",
        "family_name_kana": "ヤマダ",
        "given_name_kana": "ハナコ",
        "school_id": str(school),
        "school_name": "",
        "grade": "2",
        "email": "hanako@example.jp",
        "phone": "090-3333-4444",
        "guardian_name": "山田 太郎",
        "guardian_relationship": "父",
        "guardian_email": "taro@example.jp",
        "guardian_phone": "093-582-0000",
        "essay": ESSAY,
        "attest_eligibility": "y",
        "attest_schedule": "y",
        "privacy_consent": "y",
        "submission_key": "key-" + overrides.pop("key", "one"),
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def after(moment: datetime, **delta) -> datetime:
    return moment + timedelta(**delta)
