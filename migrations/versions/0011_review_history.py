"""review history: each move of a review, who made it and when

A row per move of a review (draft saved, submitted, revised, conflict flagged, removed,
added back): the action, the status before and after, the staff member (NULL when the
system moved it or the account was deleted) and an optional note typed by staff. The note
is emptied with the cohort's personal data. Reviews that exist before the upgrade start
without history.

Revision ID: 0011_review_history
Revises: 0010_history_enums
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_review_history'
down_revision = '0010_history_enums'
branch_labels = None
depends_on = None

STATUSES = ('assigned', 'draft', 'submitted', 'conflict', 'removed')
ACTIONS = ('save_draft', 'submit', 'revise', 'flag_conflict', 'remove', 'restore')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade():
    op.create_table(
        'review_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('action', _enum(ACTIONS, 'review_history_action'), nullable=False),
        sa.Column('from_status', _enum(STATUSES, 'review_history_from'), nullable=False),
        sa.Column('to_status', _enum(STATUSES, 'review_history_to'), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['actor_id'], ['users.id'], name=op.f('fk_review_history_actor_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['review_id'],
            ['review_reviews.id'],
            name=op.f('fk_review_history_review_id_review_reviews'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_history')),
    )
    with op.batch_alter_table('review_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_history_review_id'), ['review_id'], unique=False)


def downgrade():
    with op.batch_alter_table('review_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_history_review_id'))
    op.drop_table('review_history')
