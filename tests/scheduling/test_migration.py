"""Migration 0021 moves the lecturers' bookings between lecture_assignments and
staff_bookings, both ways, without losing a row or a fact (on a fresh SQLite file)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from booking import create_app
from booking.config import TestConfig
from booking.extensions import db
from booking.lectures.models import LectureFormat
from tests.factories.lectures import GOOD_DAY, at, make_lecturer, make_program, make_request

FACTS = "starts_at, ends_at, buffer_minutes, blocked_from, blocked_until, active"


def test_bookings_move_to_the_old_table_and_back(tmp_path, frozen):
    class Fresh(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'moves.sqlite3'}"

    app = create_app(Fresh)
    with app.app_context():
        upgrade()
        mizuno, kitano = make_lecturer(name="水野 健太"), make_lecturer(name="北野 花子")
        program = make_program()
        at_school = make_request(
            program,
            status="scheduled",
            fmt=LectureFormat.IN_PERSON,
            starts_at=at(GOOD_DAY, 10),
            lecturers=[mizuno],
        )
        online = make_request(
            program, status="cancelled_scheduled", starts_at=at(GOOD_DAY, 14), lecturers=[kitano]
        )
        ids = (at_school.id, online.id, mizuno.id, kitano.id)
        before = db.session.execute(
            sa.text(
                f"SELECT subject_id, person_id, in_person, {FACTS} FROM staff_bookings ORDER BY subject_id"
            )
        ).all()
        assert [(row[0], row[1], bool(row[2])) for row in before] == [
            (ids[0], ids[2], True),
            (ids[1], ids[3], False),
        ]
        db.session.remove()

        downgrade(revision="0020_feedback")
        moved_back = db.session.execute(
            sa.text(f"SELECT request_id, lecturer_id, {FACTS} FROM lecture_assignments ORDER BY request_id")
        ).all()
        assert [tuple(row) for row in moved_back] == [(row[0], row[1], *row[3:]) for row in before]
        assert "staff_bookings" not in sa.inspect(db.engine).get_table_names()
        db.session.remove()

        upgrade()
        again = db.session.execute(
            sa.text(
                f"SELECT subject_id, person_id, in_person, {FACTS} FROM staff_bookings "
                "WHERE program = 'lecture' AND role = 'lecturer' ORDER BY subject_id"
            )
        ).all()
        assert [tuple(row) for row in again] == [tuple(row) for row in before]
        assert "lecture_assignments" not in sa.inspect(db.engine).get_table_names()
        db.session.remove()
