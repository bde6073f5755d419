"""Review of the youth training's essays: rubric, declared conflicts, reviews and scores

Revision ID: 0005_review
Revises: 0004_lectures
Create Date: 2026-11-29 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_review'
down_revision = '0004_lectures'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_ja', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('description_ja', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.Column('weight', sa.Numeric(precision=4, scale=2), nullable=False),
    sa.CheckConstraint('max_score BETWEEN 1 AND 100', name=op.f('ck_review_criteria_max_score_range')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_review_criteria_weight_positive')),
    sa.ForeignKeyConstraint(['cohort_id'], ['youth_cohorts.id'], name=op.f('fk_review_criteria_cohort_id_youth_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_criteria'))
    )
    with op.batch_alter_table('review_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_criteria_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('review_declared_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_review_declared_conflicts_reviewer_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_review_declared_conflicts_school_id_schools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_declared_conflicts')),
    sa.UniqueConstraint('reviewer_id', 'school_id', name='uq_review_declared_conflicts_pair')
    )
    with op.batch_alter_table('review_declared_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_declared_conflicts_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('last_assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_review_rounds_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cohort_id'], ['youth_cohorts.id'], name=op.f('fk_review_rounds_cohort_id_youth_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds')),
    sa.UniqueConstraint('cohort_id', name=op.f('uq_review_rounds_cohort_id'))
    )

    op.create_table('review_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('assigned', 'draft', 'submitted', 'conflict', 'removed', name='review_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('queue_key', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status != 'submitted' OR submitted_at IS NOT NULL", name=op.f('ck_review_reviews_submitted_has_time')),
    sa.ForeignKeyConstraint(['application_id'], ['youth_applications.id'], name=op.f('fk_review_reviews_application_id_youth_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['youth_cohorts.id'], name=op.f('fk_review_reviews_cohort_id_youth_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_review_reviews_reviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_reviews')),
    sa.UniqueConstraint('application_id', 'reviewer_id', name='uq_review_reviews_application_reviewer')
    )
    with op.batch_alter_table('review_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_reviews_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_reviews_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_reviews_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index('ix_review_reviews_reviewer_queue', ['reviewer_id', 'cohort_id', 'queue_key'], unique=False)

    op.create_table('review_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_review_scores_value_not_negative')),
    sa.ForeignKeyConstraint(['criterion_id'], ['review_criteria.id'], name=op.f('fk_review_scores_criterion_id_review_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['review_reviews.id'], name=op.f('fk_review_scores_review_id_review_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_scores')),
    sa.UniqueConstraint('review_id', 'criterion_id', name='uq_review_scores_review_criterion')
    )
    with op.batch_alter_table('review_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_scores_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_scores_review_id'), ['review_id'], unique=False)


def downgrade():
    op.drop_table('review_scores')
    op.drop_table('review_reviews')
    op.drop_table('review_rounds')
    op.drop_table('review_declared_conflicts')
    op.drop_table('review_criteria')
