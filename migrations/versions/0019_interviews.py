"""interviews: the optional interview round of a cohort

A round per cohort (on or off, the essay and interview weights under a CHECK that they add
up to 100, the shortlist size), the shortlist (one row per application), interview slots
whose `booked` count a CHECK keeps within the capacity, bookings (one per application),
the interview rubric, the chosen interviewers and their scores (one per applicant,
interviewer and criterion).

Revision ID: 0019_interviews
Revises: 0015_scale
Create Date: 2026-11-30 01:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019_interviews"
down_revision = "0018_essay_masks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "interview_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_ja", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("description_ja", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=4, scale=2), nullable=False),
        sa.CheckConstraint("max_score BETWEEN 1 AND 100", name=op.f("ck_interview_criteria_max_score_range")),
        sa.CheckConstraint("weight > 0", name=op.f("ck_interview_criteria_weight_positive")),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_interview_criteria_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_criteria")),
    )
    with op.batch_alter_table("interview_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_criteria_cohort_id"), ["cohort_id"], unique=False)

    op.create_table(
        "interview_interviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_interview_interviewers_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_interview_interviewers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_interviewers")),
        sa.UniqueConstraint("cohort_id", "user_id", name="uq_interview_interviewers_pair"),
    )
    with op.batch_alter_table("interview_interviewers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_interviewers_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interview_interviewers_user_id"), ["user_id"], unique=False)

    op.create_table(
        "interview_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("essay_weight", sa.Integer(), nullable=False),
        sa.Column("interview_weight", sa.Integer(), nullable=False),
        sa.Column("shortlist_size", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "essay_weight + interview_weight = 100", name=op.f("ck_interview_rounds_weights_sum")
        ),
        sa.CheckConstraint(
            "essay_weight BETWEEN 0 AND 100", name=op.f("ck_interview_rounds_essay_weight_range")
        ),
        sa.CheckConstraint(
            "interview_weight BETWEEN 0 AND 100", name=op.f("ck_interview_rounds_interview_weight_range")
        ),
        sa.CheckConstraint(
            "shortlist_size BETWEEN 1 AND 500", name=op.f("ck_interview_rounds_shortlist_size_range")
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_interview_rounds_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_rounds")),
        sa.UniqueConstraint("cohort_id", name=op.f("uq_interview_rounds_cohort_id")),
    )
    op.create_table(
        "interview_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("place_ja", sa.String(length=200), nullable=False),
        sa.Column("place_en", sa.String(length=200), nullable=False),
        sa.Column("meeting_url", sa.String(length=500), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "booked >= 0 AND booked <= capacity", name=op.f("ck_interview_slots_booked_within_capacity")
        ),
        sa.CheckConstraint("capacity BETWEEN 1 AND 50", name=op.f("ck_interview_slots_capacity_range")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_interview_slots_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_interview_slots_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_slots")),
    )
    with op.batch_alter_table("interview_slots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_slots_cohort_id"), ["cohort_id"], unique=False)

    op.create_table(
        "interview_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["youth_applications.id"],
            name=op.f("fk_interview_bookings_application_id_youth_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["interview_slots.id"],
            name=op.f("fk_interview_bookings_slot_id_interview_slots"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_bookings")),
        sa.UniqueConstraint("application_id", name=op.f("uq_interview_bookings_application_id")),
    )
    with op.batch_alter_table("interview_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_bookings_slot_id"), ["slot_id"], unique=False)

    op.create_table(
        "interview_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("interviewer_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_interview_scores_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["youth_applications.id"],
            name=op.f("fk_interview_scores_application_id_youth_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_interview_scores_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["interview_criteria.id"],
            name=op.f("fk_interview_scores_criterion_id_interview_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interviewer_id"],
            ["users.id"],
            name=op.f("fk_interview_scores_interviewer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_scores")),
        sa.UniqueConstraint(
            "application_id", "interviewer_id", "criterion_id", name="uq_interview_scores_triple"
        ),
    )
    with op.batch_alter_table("interview_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interview_scores_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_interview_scores_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interview_scores_interviewer_id"), ["interviewer_id"], unique=False
        )

    op.create_table(
        "interview_shortlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("by_hand", sa.Boolean(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["youth_applications.id"],
            name=op.f("fk_interview_shortlist_application_id_youth_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_interview_shortlist_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_shortlist")),
        sa.UniqueConstraint("application_id", name=op.f("uq_interview_shortlist_application_id")),
    )
    with op.batch_alter_table("interview_shortlist", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interview_shortlist_cohort_id"), ["cohort_id"], unique=False)


def downgrade():
    with op.batch_alter_table("interview_shortlist", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_shortlist_cohort_id"))

    op.drop_table("interview_shortlist")
    with op.batch_alter_table("interview_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_scores_interviewer_id"))
        batch_op.drop_index(batch_op.f("ix_interview_scores_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_interview_scores_application_id"))

    op.drop_table("interview_scores")
    with op.batch_alter_table("interview_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_bookings_slot_id"))

    op.drop_table("interview_bookings")
    with op.batch_alter_table("interview_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_slots_cohort_id"))

    op.drop_table("interview_slots")
    op.drop_table("interview_rounds")
    with op.batch_alter_table("interview_interviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_interviewers_user_id"))
        batch_op.drop_index(batch_op.f("ix_interview_interviewers_cohort_id"))

    op.drop_table("interview_interviewers")
    with op.batch_alter_table("interview_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interview_criteria_cohort_id"))

    op.drop_table("interview_criteria")
