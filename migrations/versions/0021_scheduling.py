"""scheduling: one table of staff bookings for every program, and the guide role

- staff_bookings: a person booked for one program's record (program + subject_id, no
  foreign key: the table serves lectures, study tours and later programs), with the
  booking's times, buffer, the blocked span and whether it is in person. The database
  keeps one person's active bookings apart across ALL programs: no two active rows of a
  person may overlap on [blocked_from, blocked_until), an exclusion constraint
  (btree_gist) on PostgreSQL, two triggers on SQLite. A later batch_alter_table on
  staff_bookings rebuilds the table on SQLite and must create the triggers again.
- The rows of lecture_assignments move into it (program 'lecture', role 'lecturer', in
  person as the lecture's format says); lecture_assignments is dropped. Downgrading
  moves the lecture rows back (other programs' bookings are lost).
- lecture_requests gets a delete trigger that deletes its staff bookings, as the foreign
  key of lecture_assignments did (ON DELETE CASCADE), so no active booking outlives its
  request. A later batch_alter_table on lecture_requests must create it again on SQLite.
- user_roles: the new role 'guide' in the role's CHECK (downgrading removes the grants).

Time off (lecturer_unavailability), bases abroad (lecturer_postings) and the day locks
(lecture_day_locks) keep their tables: they now belong to booking/scheduling and hold a
person's facts whatever the program.

Revision ID: 0021_scheduling
Revises: 0020_feedback
Create Date: 2026-11-30 04:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021_scheduling"
down_revision = "0020_feedback"
branch_labels = None
depends_on = None

ROLE_CHECK = "ck_user_roles_role"
OLD_ROLES = ("admin", "coordinator", "lecturer", "reviewer")
NEW_ROLES = OLD_ROLES + ("guide",)

TIMES_CHECK = "blocked_from <= starts_at AND starts_at < ends_at AND ends_at <= blocked_until"


def _in(values):
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"role IN ({allowed})"


def _no_overlap(table, person):
    """The database's last word: no two active bookings of one person overlap."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT ex_{table}_no_overlap "
            f"EXCLUDE USING gist ({person} WITH =, tstzrange(blocked_from, blocked_until, '[)') WITH &&) "
            "WHERE (active)"
        )
    elif dialect == "sqlite":
        for name, event, extra in (
            ("insert", "INSERT", ""),
            ("update", f"UPDATE OF {person}, blocked_from, blocked_until, active", " AND other.id != NEW.id"),
        ):
            op.execute(
                f"""
                CREATE TRIGGER {table}_no_overlap_{name}
                BEFORE {event} ON {table}
                WHEN NEW.active AND EXISTS (
                    SELECT 1 FROM {table} AS other
                    WHERE other.{person} = NEW.{person} AND other.active{extra}
                      AND other.blocked_from < NEW.blocked_until
                      AND NEW.blocked_from < other.blocked_until
                )
                BEGIN
                    SELECT RAISE(ABORT, '{table}_no_overlap: a person cannot be booked twice at once');
                END
                """
            )


def _drop_no_overlap(table):
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ex_{table}_no_overlap")
    elif dialect == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_overlap_insert")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_overlap_update")


def _delete_bookings_with_requests():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION lecture_requests_delete_bookings() RETURNS trigger AS $$
            BEGIN
                DELETE FROM staff_bookings WHERE program = 'lecture' AND subject_id = OLD.id;
                RETURN OLD;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER lecture_requests_delete_bookings AFTER DELETE ON lecture_requests "
            "FOR EACH ROW EXECUTE FUNCTION lecture_requests_delete_bookings()"
        )
    elif dialect == "sqlite":
        op.execute(
            """
            CREATE TRIGGER lecture_requests_delete_bookings
            AFTER DELETE ON lecture_requests
            BEGIN
                DELETE FROM staff_bookings WHERE program = 'lecture' AND subject_id = OLD.id;
            END
            """
        )


def _drop_delete_bookings_with_requests():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS lecture_requests_delete_bookings ON lecture_requests")
        op.execute("DROP FUNCTION IF EXISTS lecture_requests_delete_bookings()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS lecture_requests_delete_bookings")


def upgrade():
    op.create_table(
        "staff_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "program",
            sa.Enum(
                "lecture", "visit", name="staff_booking_program", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "lecturer",
                "guide",
                "interpreter",
                name="staff_booking_role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("blocked_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("in_person", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(TIMES_CHECK, name=op.f("ck_staff_bookings_times")),
        sa.CheckConstraint("buffer_minutes >= 0", name=op.f("ck_staff_bookings_buffer")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["users.id"], name=op.f("fk_staff_bookings_person_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_bookings")),
        sa.UniqueConstraint("program", "subject_id", "person_id", name="uq_staff_bookings_subject_person"),
    )
    with op.batch_alter_table("staff_bookings", schema=None) as batch_op:
        batch_op.create_index("ix_staff_bookings_person_time", ["person_id", "blocked_from"], unique=False)
        batch_op.create_index("ix_staff_bookings_subject", ["program", "subject_id"], unique=False)
    _no_overlap("staff_bookings", "person_id")

    op.execute(
        """
        INSERT INTO staff_bookings (person_id, program, subject_id, role, starts_at, ends_at,
            buffer_minutes, blocked_from, blocked_until, in_person, active)
        SELECT a.lecturer_id, 'lecture', a.request_id, 'lecturer', a.starts_at, a.ends_at,
            a.buffer_minutes, a.blocked_from, a.blocked_until, r.format = 'in_person', a.active
        FROM lecture_assignments AS a JOIN lecture_requests AS r ON r.id = a.request_id
        ORDER BY a.id
        """
    )
    _drop_no_overlap("lecture_assignments")
    with op.batch_alter_table("lecture_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_lecture_assignments_lecturer_time")
    op.drop_table("lecture_assignments")
    _delete_bookings_with_requests()

    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(ROLE_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(ROLE_CHECK), _in(NEW_ROLES))


def downgrade():
    op.execute("DELETE FROM user_roles WHERE role = 'guide'")
    with op.batch_alter_table("user_roles", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(ROLE_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(ROLE_CHECK), _in(OLD_ROLES))

    _drop_delete_bookings_with_requests()
    op.create_table(
        "lecture_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("lecturer_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("blocked_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(TIMES_CHECK, name=op.f("ck_lecture_assignments_times")),
        sa.CheckConstraint("buffer_minutes >= 0", name=op.f("ck_lecture_assignments_buffer")),
        sa.ForeignKeyConstraint(
            ["lecturer_id"], ["users.id"], name=op.f("fk_lecture_assignments_lecturer_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["lecture_requests.id"],
            name=op.f("fk_lecture_assignments_request_id_lecture_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lecture_assignments")),
        sa.UniqueConstraint("request_id", "lecturer_id", name="uq_lecture_assignments_request_lecturer"),
    )
    with op.batch_alter_table("lecture_assignments", schema=None) as batch_op:
        batch_op.create_index("ix_lecture_assignments_lecturer_time", ["lecturer_id", "blocked_from"], unique=False)
    _no_overlap("lecture_assignments", "lecturer_id")
    op.execute(
        """
        INSERT INTO lecture_assignments (request_id, lecturer_id, starts_at, ends_at,
            buffer_minutes, blocked_from, blocked_until, active)
        SELECT b.subject_id, b.person_id, b.starts_at, b.ends_at,
            b.buffer_minutes, b.blocked_from, b.blocked_until, b.active
        FROM staff_bookings AS b JOIN lecture_requests AS r ON r.id = b.subject_id
        WHERE b.program = 'lecture'
        ORDER BY b.id
        """
    )

    _drop_no_overlap("staff_bookings")
    with op.batch_alter_table("staff_bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_bookings_subject")
        batch_op.drop_index("ix_staff_bookings_person_time")
    op.drop_table("staff_bookings")
