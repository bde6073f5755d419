"""discussion: notes on an essay after the review closes, and scores amended with a reason

- review_discussion_notes: a note on one essay (cohort, application, author, text, time), by
  a coordinator or one of the essay's reviewers. The text is deleted with the cohort's
  personal data; its length is checked (1 to 2,000 characters).
- review_rounds: when and by whom the discussion was ended (it runs from the close until
  then); a CHECK keeps an end only on a closed review.
- review_history: the new action "amend" (a submitted score changed during the discussion,
  the reason in the note) in the action's CHECK, and `changes`, the scores before and after.

No other table refers to review_rounds or review_history, so SQLite rebuilds them (batch
mode) without cascading. Downgrading turns amendments into revisions ("revise"), the move
they are closest to, and drops the notes.

Revision ID: 0017_discussion
Revises: 0015_scale
Create Date: 2026-11-30 02:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017_discussion"
down_revision = "0016_calibration"
branch_labels = None
depends_on = None

ACTION_CHECK = "ck_review_history_review_history_action"
OLD_ACTIONS = ("save_draft", "submit", "revise", "flag_conflict", "remove", "restore")
NEW_ACTIONS = OLD_ACTIONS + ("amend",)
ENDED_CHECK = "discussion_ended_at IS NULL OR closed_at IS NOT NULL"


def _in(values):
    allowed = ", ".join(f"'{value}'" for value in values)
    return f"action IN ({allowed})"


def upgrade():
    op.create_table(
        "review_discussion_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(body) BETWEEN 1 AND 2000", name=op.f("ck_review_discussion_notes_body_length")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["youth_applications.id"],
            name=op.f("fk_review_discussion_notes_application_id_youth_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_review_discussion_notes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["youth_cohorts.id"],
            name=op.f("fk_review_discussion_notes_cohort_id_youth_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_discussion_notes")),
    )
    with op.batch_alter_table("review_discussion_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_discussion_notes_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_discussion_notes_cohort_id"), ["cohort_id"], unique=False)

    with op.batch_alter_table("review_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discussion_ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("discussion_ended_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_review_rounds_discussion_ended_by_id_users"),
            "users",
            ["discussion_ended_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(op.f("ck_review_rounds_discussion_after_close"), ENDED_CHECK)

    with op.batch_alter_table("review_history", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))
        batch_op.drop_constraint(op.f(ACTION_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(ACTION_CHECK), _in(NEW_ACTIONS))


def downgrade():
    op.execute("UPDATE review_history SET action = 'revise' WHERE action = 'amend'")
    with op.batch_alter_table("review_history", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(ACTION_CHECK), type_="check")
        batch_op.create_check_constraint(op.f(ACTION_CHECK), _in(OLD_ACTIONS))
        batch_op.drop_column("changes")

    with op.batch_alter_table("review_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_review_rounds_discussion_after_close"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_review_rounds_discussion_ended_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("discussion_ended_by_id")
        batch_op.drop_column("discussion_ended_at")

    with op.batch_alter_table("review_discussion_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_discussion_notes_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_review_discussion_notes_application_id"))
    op.drop_table("review_discussion_notes")
