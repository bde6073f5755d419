"""Migration 0008 puts right a place held without consent, and keys the email hashes."""

from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db
from booking.youth.services import EMAIL_KEY_LABEL
from tests.selection.test_migration import ROWS


def _insert(conn, table: str, values: dict) -> None:
    columns = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)


def test_upgrading_to_0008_takes_back_a_place_without_consent_and_keys_the_email_hash(tmp_path):
    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"

    fresh = create_app(Fresh)
    with fresh.app_context():
        upgrade(revision="0007_lecture_feedback")
        plain = hashlib.sha256(b"h@example.jp").hexdigest()
        with db.engine.begin() as conn:
            _insert(conn, "youth_cohorts", ROWS["youth_cohorts"])
            # The race's aftermath: selected, but the guardian refused.
            _insert(
                conn,
                "youth_applications",
                ROWS["youth_applications"]
                | {"consent_status": "refused", "email_key": plain, "submission_key": "raw"},
            )
            _insert(conn, "youth_applicants", ROWS["youth_applicants"])
            conn.exec_driver_sql(
                "INSERT INTO selection_decisions (application_id, cohort_id, place_number, decided_at) "
                "VALUES (1, 1, 1, '2026-11-02')"
            )
        upgrade()
        with db.engine.begin() as conn:
            status, key, form_key = conn.exec_driver_sql(
                "SELECT status, email_key, submission_key_hash FROM youth_applications"
            ).one()
            assert status == "submitted" and form_key is None
            derived = hmac.new(Fresh.SECRET_KEY.encode(), EMAIL_KEY_LABEL, hashlib.sha256).digest()
            assert key == hmac.new(derived, b"h@example.jp", hashlib.sha256).hexdigest() != plain
            assert conn.exec_driver_sql("SELECT place_number FROM selection_decisions").scalar() is None
            assert conn.exec_driver_sql("SELECT count(*) FROM youth_applicants").scalar() == 1
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM youth_application_history WHERE by = 'system'"
                ).scalar()
                == 1
            )
        try:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("UPDATE youth_applications SET status = 'accepted'")
        except sa.exc.IntegrityError:
            pass
        else:
            raise AssertionError("the consent CHECK constraint is missing")
        downgrade(revision="0007_lecture_feedback")
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT email_key FROM youth_applications").scalar() == plain
            assert conn.exec_driver_sql("SELECT count(*) FROM youth_applicants").scalar() == 1
            conn.exec_driver_sql("UPDATE youth_applications SET submission_key = 'again'")
        upgrade()
        db.engine.dispose()
