"""feedback: the coordinator's short note to a student not selected

One table, one row per application at most: the note sent with the result (in the
student's language), who wrote it and when. Deleted with the cohort's personal data.

Revision ID: 0020_feedback
Revises: 0015_scale
Create Date: 2026-11-30 01:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020_feedback"
down_revision = "0019_interviews"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "selection_feedback_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "length(note) BETWEEN 1 AND 400", name=op.f("ck_selection_feedback_notes_note_length")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["youth_applications.id"],
            name=op.f("fk_selection_feedback_notes_application_id_youth_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_selection_feedback_notes_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_feedback_notes")),
        sa.UniqueConstraint("application_id", name=op.f("uq_selection_feedback_notes_application_id")),
    )


def downgrade():
    op.drop_table("selection_feedback_notes")
