"""An application's history says what moved and who moved it, in values the database checks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine
from flask_migrate import downgrade, upgrade

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db
from booking.youth import services
from booking.youth.models import ApplicationHistory, ChangedBy, ConsentStatus, HistoryEvent
from tests.factories.youth import DURING, make_cohort
from tests.selection.test_migration import ROWS
from tests.youth.test_codes import _data


def _history_row(application_id: int, **values) -> dict:
    return {
        "application_id": application_id,
        "occurred_at": "2026-11-02",
        "event": "status",
        "from_value": "draft",
        "to_value": "submitted",
        "by": "student",
        "note": "",
    } | values


def _insert(conn, table: str, values: dict) -> None:
    columns = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join(f":{name}" for name in values)
    conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)


def test_submitting_and_consenting_write_history_as_enums(ctx, schools):
    with time_machine.travel(DURING, tick=False):
        saved = services.submit_application(make_cohort(), _data(1, schools["high"]))
        services.answer_consent(saved.application, ConsentStatus.GIVEN, "山田 保護者")
    db.session.expire_all()
    rows = db.session.scalars(sa.select(ApplicationHistory).order_by(ApplicationHistory.id)).all()
    assert [(row.event, row.by) for row in rows] == [
        (HistoryEvent.STATUS, ChangedBy.STUDENT),
        (HistoryEvent.CONSENT, ChangedBy.GUARDIAN),
    ]
    assert [(row.event.label, row.by_label) for row in rows] == [
        ("状態", "生徒"),
        ("保護者の同意", "保護者"),
    ]


@pytest.mark.parametrize("values", [{"event": "rename"}, {"by": "robot"}])
def test_the_database_refuses_an_unknown_history_event_or_author(ctx, schools, values):
    with time_machine.travel(DURING, tick=False):
        saved = services.submit_application(make_cohort(), _data(1, schools["high"]))
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        _insert(conn, "youth_application_history", _history_row(saved.application.id, **values))


def test_migration_0010_keeps_the_history_and_checks_it_until_downgraded(tmp_path):
    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"

    fresh = create_app(Fresh)
    with fresh.app_context():
        upgrade(revision="0009_staff_sessions")
        with db.engine.begin() as conn:
            for table, values in ROWS.items():
                _insert(conn, table, values)
            for event, by in (("status", "student"), ("consent", "guardian"), ("status", "staff")):
                _insert(conn, "youth_application_history", _history_row(1, event=event, by=by))
            _insert(conn, "youth_application_history", _history_row(1, by="system"))
        upgrade()
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM youth_application_history").scalar() == 4
            assert conn.exec_driver_sql("SELECT count(*) FROM youth_applicants").scalar() == 1
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            _insert(conn, "youth_application_history", _history_row(1, by="robot"))
        downgrade(revision="0009_staff_sessions")
        with db.engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM youth_application_history").scalar() == 4
            _insert(conn, "youth_application_history", _history_row(1, by="robot"))
        db.engine.dispose()
