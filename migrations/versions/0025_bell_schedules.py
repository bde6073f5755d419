"""bell schedules: schools' periods (校時), requests by period, and how many classes listen

A table of each school's periods (number, start, end; a school without rows uses its
type's default schedule); a requested date may name the periods it takes (period_from,
period_to on lecture_slots); a request says how many classes listen (class_count).

Revision ID: 0025_bell_schedules
Revises: 0024_visit_staff
Create Date: 2026-11-30 04:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025_bell_schedules"
down_revision = "0024_visit_staff"
branch_labels = None
depends_on = None

PERIODS_CHECK = (
    "(period_from IS NULL AND period_to IS NULL) OR "
    "(period_from IS NOT NULL AND period_to IS NOT NULL "
    "AND period_from BETWEEN 1 AND 8 AND period_to BETWEEN period_from AND 8)"
)
CLASS_COUNT_CHECK = "class_count IS NULL OR class_count BETWEEN 1 AND 20"


def upgrade():
    op.create_table(
        "school_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.CheckConstraint("number BETWEEN 1 AND 8", name=op.f("ck_school_periods_number")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_school_periods_times")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_school_periods_school_id_schools"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_periods")),
        sa.UniqueConstraint("school_id", "number", name="uq_school_periods_school_number"),
    )
    if op.get_bind().dialect.name == "sqlite":
        # In place with their CHECK constraints: rebuilding a table would drop it under its
        # children's cascading keys and turn column checks into table checks.
        op.execute("ALTER TABLE lecture_slots ADD COLUMN period_from INTEGER")
        op.execute(
            "ALTER TABLE lecture_slots ADD COLUMN period_to INTEGER "
            f"CONSTRAINT ck_lecture_slots_periods CHECK ({PERIODS_CHECK})"
        )
        op.execute(
            "ALTER TABLE lecture_requests ADD COLUMN class_count INTEGER "
            f"CONSTRAINT ck_lecture_requests_class_count CHECK ({CLASS_COUNT_CHECK})"
        )
        return
    with op.batch_alter_table("lecture_slots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_from", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("period_to", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_lecture_slots_periods"), PERIODS_CHECK)
    with op.batch_alter_table("lecture_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("class_count", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_lecture_requests_class_count"), CLASS_COUNT_CHECK)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Each check sits on the column dropped first (period_to carries the periods' check).
        for table, column in (
            ("lecture_requests", "class_count"),
            ("lecture_slots", "period_to"),
            ("lecture_slots", "period_from"),
        ):
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        op.drop_table("school_periods")
        return
    with op.batch_alter_table("lecture_requests", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lecture_requests_class_count"), type_="check")
        batch_op.drop_column("class_count")
    with op.batch_alter_table("lecture_slots", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lecture_slots_periods"), type_="check")
        batch_op.drop_column("period_to")
        batch_op.drop_column("period_from")
    op.drop_table("school_periods")
