"""lecture feedback: the teacher's answers after a held lecture

One row per lecture request at most (a unique request_id): satisfaction from 1 to 5 and
optional comments of at most 1,000 characters, both checked by the database.

Revision ID: 0007_lecture_feedback
Revises: 0006_selection
Create Date: 2026-11-29 04:41:24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_lecture_feedback'
down_revision = '0006_selection'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lecture_feedback',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('satisfaction', sa.Integer(), nullable=False),
        sa.Column('comments', sa.Text(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('length(comments) <= 1000', name=op.f('ck_lecture_feedback_comments_length')),
        sa.CheckConstraint('satisfaction BETWEEN 1 AND 5', name=op.f('ck_lecture_feedback_satisfaction')),
        sa.ForeignKeyConstraint(
            ['request_id'],
            ['lecture_requests.id'],
            name=op.f('fk_lecture_feedback_request_id_lecture_requests'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lecture_feedback')),
        sa.UniqueConstraint('request_id', name=op.f('uq_lecture_feedback_request_id')),
    )
    with op.batch_alter_table('lecture_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lecture_feedback_submitted_at'), ['submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('lecture_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lecture_feedback_submitted_at'))
    op.drop_table('lecture_feedback')
