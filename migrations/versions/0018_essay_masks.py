"""essay masks: phrases a coordinator masks by hand in an essay before the review

A row per phrase masked in one application's essay (every occurrence is masked on the
reviewers' pages, besides the student's name, school and guardian that are masked
automatically): the phrase as typed, the phrase as masking compares it (unique per
application, never empty), when and by whom it was added. The phrases are deleted with the
cohort's personal data, and with the application.

Revision ID: 0018_essay_masks
Revises: 0015_scale
Create Date: 2026-11-30 02:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_essay_masks"
down_revision = "0017_discussion"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_essay_masks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("phrase", sa.String(length=100), nullable=False),
        sa.Column("phrase_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(phrase_key) > 0", name=op.f("ck_review_essay_masks_phrase_not_empty")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["youth_applications.id"],
            name=op.f("fk_review_essay_masks_application_id_youth_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_review_essay_masks_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_essay_masks")),
        sa.UniqueConstraint(
            "application_id", "phrase_key", name=op.f("uq_review_essay_masks_application_phrase")
        ),
    )
    with op.batch_alter_table("review_essay_masks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_essay_masks_application_id"), ["application_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("review_essay_masks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_essay_masks_application_id"))
    op.drop_table("review_essay_masks")
