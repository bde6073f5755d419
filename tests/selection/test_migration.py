"""The migration that widens the application statuses keeps every applicant on SQLite.

SQLite cannot alter a CHECK constraint; rebuilding youth_applications would cascade-delete
its applicants. The migration rewrites the constraint in place instead.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db

DAY = "2026-11-01"
ROWS = {
    "youth_cohorts": {
        "id": 1,
        "fiscal_year": 2026,
        "title_ja": "t",
        "title_en": "",
        "destination_ja": "d",
        "destination_en": "",
        "description_ja": "",
        "description_en": "",
        "places": 6,
        "waitlist_length": 3,
        "opens_at": DAY,
        "closes_at": "2026-12-15",
        "eligible_grades": "[1]",
        "essay_prompt_ja": "p",
        "essay_prompt_en": "",
        "essay_min_chars": 600,
        "essay_max_chars": 800,
        "reviewers_per_application": 2,
        "offer_days": 7,
        "consent_reminder_days": 5,
        "last_applicant_number": 1,
        "created_at": DAY,
        "updated_at": DAY,
    },
    "youth_applications": {
        "id": 1,
        "cohort_id": 1,
        "status": "accepted",
        "code": "Y-2026-001",
        "essay": "e",
        "essay_chars": 1,
        "email_key": "k",
        "consent_status": "given",
        "consent_answered_at": DAY,
        "created_at": DAY,
        "submitted_at": DAY,
        "updated_at": DAY,
    },
    "youth_applicants": {
        "id": 1,
        "application_id": 1,
        "family_name": "山田",
        "given_name": "花子",
        "family_name_kana": "",
        "given_name_kana": "",
        "school_name": "",
        "email": "h@example.jp",
        "phone": "",
        "guardian_name": "",
        "guardian_relationship": "",
        "guardian_email": "",
        "guardian_phone": "",
        "attest_eligibility": 1,
        "attest_schedule": 1,
        "privacy_consent": 1,
        "language": "ja",
        "consent_signed_name": "",
    },
}


def test_upgrading_past_0006_keeps_applicants_and_checks_the_new_statuses(tmp_path):
    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"

    fresh = create_app(Fresh)
    with fresh.app_context():
        upgrade(revision="0003_youth")
        with db.engine.begin() as conn:
            for table, values in ROWS.items():
                columns = ", ".join(values)
                marks = ", ".join(f":{name}" for name in values)
                conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)
        upgrade()
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM youth_applicants").scalar() == 1
            conn.exec_driver_sql("UPDATE youth_applications SET status = 'confirmed'")
        try:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("UPDATE youth_applications SET status = 'nonsense'")
        except sa.exc.IntegrityError:
            pass
        else:
            raise AssertionError("the status CHECK constraint is missing")
        downgrade(revision="0003_youth")
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT status FROM youth_applications").scalar() == "accepted"
            assert conn.exec_driver_sql("SELECT count(*) FROM youth_applicants").scalar() == 1
        db.engine.dispose()
