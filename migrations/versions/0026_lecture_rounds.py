"""lecture rounds: busy terms whose requests are collected, then allocated in one step

Two tables: the rounds (days, closing day, lectures a day, status, and once allocated the
draw's seed, the inputs and their digest) and the requests each round collected, with
what the allocation gave them.

Revision ID: 0026_lecture_rounds
Revises: 0025_bell_schedules
Create Date: 2026-11-30 04:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_lecture_rounds"
down_revision = "0025_bell_schedules"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lecture_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("per_day", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed",
                "allocated",
                name="lecture_round_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=True),
        sa.Column("inputs_digest", sa.String(length=64), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("allocated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_lecture_rounds_days")),
        sa.CheckConstraint("closes_on < first_day", name=op.f("ck_lecture_rounds_closes_before")),
        sa.CheckConstraint("per_day BETWEEN 1 AND 20", name=op.f("ck_lecture_rounds_per_day")),
        sa.CheckConstraint(
            "(status = 'allocated') = (seed IS NOT NULL AND inputs_digest IS NOT NULL AND allocated_at IS NOT NULL)",
            name=op.f("ck_lecture_rounds_allocated_once"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_lecture_rounds_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["allocated_by_id"],
            ["users.id"],
            name=op.f("fk_lecture_rounds_allocated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lecture_rounds")),
    )
    with op.batch_alter_table("lecture_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lecture_rounds_status"), ["status"], unique=False)

    op.create_table(
        "lecture_round_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "waiting",
                "allocated",
                "not_allocated",
                name="lecture_round_outcome",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("allocated_rank", sa.Integer(), nullable=True),
        sa.Column("allocated_day", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(outcome = 'allocated') = (allocated_day IS NOT NULL AND allocated_rank IS NOT NULL)",
            name=op.f("ck_lecture_round_entries_allocated_day"),
        ),
        sa.CheckConstraint(
            "allocated_rank IS NULL OR allocated_rank BETWEEN 1 AND 3",
            name=op.f("ck_lecture_round_entries_allocated_rank"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["lecture_rounds.id"],
            name=op.f("fk_lecture_round_entries_round_id_lecture_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["lecture_requests.id"],
            name=op.f("fk_lecture_round_entries_request_id_lecture_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lecture_round_entries")),
        sa.UniqueConstraint("request_id", name=op.f("uq_lecture_round_entries_request_id")),
    )
    with op.batch_alter_table("lecture_round_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lecture_round_entries_round_id"), ["round_id"], unique=False)


def downgrade():
    op.drop_table("lecture_round_entries")
    op.drop_table("lecture_rounds")
