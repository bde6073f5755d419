"""calibration: level descriptors per criterion, the calibration set and reviewers' calibration scores

`review_criteria.level_{low,mid,high}_{ja,en}`: what an essay at the lowest, middle and highest
level of a criterion reads like, shown beside the score buttons. `review_calibration_essays`: a
cohort's calibration set, each a past cohort's essay (by its application) or a sample essay's
text; `review_calibration_references`: their reference score per criterion;
`review_calibration_scores`: reviewers' scores of them, once per reviewer, essay and
criterion. Calibration scores are kept apart from `review_scores` and count in no figure.

Revision ID: 0016_calibration
Revises: 0015_scale
Create Date: 2026-11-30 01:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_calibration"
down_revision = "0015_scale"
branch_labels = None
depends_on = None

LEVEL_COLUMNS = [f"level_{level}_{lang}" for level in ("low", "mid", "high") for lang in ("ja", "en")]


def upgrade():
    with op.batch_alter_table("review_criteria", schema=None) as batch_op:
        for name in LEVEL_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Text(), server_default="", nullable=False))

    op.create_table(
        "review_calibration_essays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("sample_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(application_id IS NULL) != (sample_text = '')",
            name=op.f("ck_review_calibration_essays_one_source"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["youth_applications.id"],
            name=op.f("fk_review_calibration_essays_application_id_youth_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_review_calibration_essays_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_review_calibration_essays_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_calibration_essays")),
        sa.UniqueConstraint(
            "cohort_id", "application_id", name="uq_review_calibration_essays_cohort_application"
        ),
        sa.UniqueConstraint("cohort_id", "code", name="uq_review_calibration_essays_cohort_code"),
    )
    with op.batch_alter_table("review_calibration_essays", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_calibration_essays_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_calibration_essays_cohort_id"), ["cohort_id"], unique=False
        )

    op.create_table(
        "review_calibration_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("essay_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_review_calibration_references_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["review_criteria.id"],
            name=op.f("fk_review_calibration_references_criterion_id_review_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["essay_id"],
            ["review_calibration_essays.id"],
            name=op.f("fk_review_calibration_references_essay_id_review_calibration_essays"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_calibration_references")),
        sa.UniqueConstraint(
            "essay_id", "criterion_id", name="uq_review_calibration_references_essay_criterion"
        ),
    )
    with op.batch_alter_table("review_calibration_references", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_calibration_references_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_calibration_references_essay_id"), ["essay_id"], unique=False
        )

    op.create_table(
        "review_calibration_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("essay_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("value >= 0", name=op.f("ck_review_calibration_scores_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["review_criteria.id"],
            name=op.f("fk_review_calibration_scores_criterion_id_review_criteria"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["essay_id"],
            ["review_calibration_essays.id"],
            name=op.f("fk_review_calibration_scores_essay_id_review_calibration_essays"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_review_calibration_scores_reviewer_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_calibration_scores")),
        sa.UniqueConstraint(
            "essay_id",
            "reviewer_id",
            "criterion_id",
            name="uq_review_calibration_scores_essay_reviewer_criterion",
        ),
    )
    with op.batch_alter_table("review_calibration_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_calibration_scores_criterion_id"), ["criterion_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_calibration_scores_essay_id"), ["essay_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_review_calibration_scores_reviewer_id"), ["reviewer_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("review_calibration_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_calibration_scores_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_review_calibration_scores_essay_id"))
        batch_op.drop_index(batch_op.f("ix_review_calibration_scores_criterion_id"))
    op.drop_table("review_calibration_scores")
    with op.batch_alter_table("review_calibration_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_calibration_references_essay_id"))
        batch_op.drop_index(batch_op.f("ix_review_calibration_references_criterion_id"))
    op.drop_table("review_calibration_references")
    with op.batch_alter_table("review_calibration_essays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_calibration_essays_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_review_calibration_essays_application_id"))
    op.drop_table("review_calibration_essays")
    with op.batch_alter_table("review_criteria", schema=None) as batch_op:
        for name in reversed(LEVEL_COLUMNS):
            batch_op.drop_column(name)
