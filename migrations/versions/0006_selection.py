"""selection: decisions and offers, attendance, activity reports; two application statuses

The selected student's answer adds two application statuses (confirmed, expired), so the
CHECK constraint on youth_applications.status is widened.

Revision ID: 0006_selection
Revises: 0005_review
Create Date: 2026-11-29 04:00:01

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_selection'
down_revision = '0005_review'
branch_labels = None
depends_on = None

STATUS_CHECK = 'ck_youth_applications_youth_application_status'
OLD_STATUSES = ('draft', 'submitted', 'accepted', 'waitlisted', 'not_selected', 'declined', 'withdrawn')
NEW_STATUSES = (
    'draft', 'submitted', 'accepted', 'waitlisted', 'not_selected', 'confirmed', 'declined', 'expired', 'withdrawn'
)


def _status_check(statuses):
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def _replace_status_check(statuses):
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(STATUS_CHECK), 'youth_applications', type_='check')
        op.create_check_constraint(op.f(STATUS_CHECK), 'youth_applications', _status_check(statuses))
        return
    # SQLite cannot alter a CHECK constraint, and rebuilding the table (batch mode) would drop
    # the old one, whose DROP runs ON DELETE CASCADE and empties the applicants, links and
    # history. So the stored definition is rewritten in place, as SQLite documents for
    # changes that leave the stored data valid (ALTER TABLE, "other kinds of changes").
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'youth_applications'"
    ).scalar()
    pattern = re.compile(r"(CONSTRAINT " + STATUS_CHECK + r" CHECK \()status IN \([^)]*\)(\))")
    rewritten, found = pattern.subn(lambda m: m.group(1) + _status_check(statuses) + m.group(2), sql)
    if found != 1:
        raise RuntimeError(f"{STATUS_CHECK} not found in the youth_applications table")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'youth_applications'", (rewritten,)
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade():
    # An accepted student's answer: taking part (confirmed), or no answer by the deadline (expired).
    _replace_status_check(NEW_STATUSES)

    op.create_table('selection_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('title_ja', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('body_ja', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['youth_cohorts.id'], name=op.f('fk_selection_reports_cohort_id_youth_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_selection_reports_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_reports')),
    sa.UniqueConstraint('cohort_id', name=op.f('uq_selection_reports_cohort_id'))
    )

    op.create_table('selection_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('present', 'absent', 'excused', name='selection_attendance_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['youth_applications.id'], name=op.f('fk_selection_attendance_application_id_youth_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['youth_cohort_events.id'], name=op.f('fk_selection_attendance_event_id_youth_cohort_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_selection_attendance_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_attendance')),
    sa.UniqueConstraint('event_id', 'application_id', name='uq_selection_attendance_pair')
    )
    with op.batch_alter_table('selection_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_attendance_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_selection_attendance_event_id'), ['event_id'], unique=False)

    op.create_table('selection_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('place_number', sa.Integer(), nullable=True),
    sa.Column('waitlist_position', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('offer_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(offered_at IS NULL) = (offer_deadline_at IS NULL)', name=op.f('ck_selection_decisions_offer_has_deadline')),
    sa.CheckConstraint('offer_deadline_at IS NULL OR offer_deadline_at > offered_at', name=op.f('ck_selection_decisions_deadline_after_offer')),
    sa.CheckConstraint('place_number IS NULL OR place_number >= 1', name=op.f('ck_selection_decisions_place_positive')),
    sa.CheckConstraint('place_number IS NULL OR waitlist_position IS NULL', name=op.f('ck_selection_decisions_place_or_waitlist')),
    sa.CheckConstraint('waitlist_position IS NULL OR waitlist_position >= 1', name=op.f('ck_selection_decisions_waitlist_positive')),
    sa.ForeignKeyConstraint(['application_id'], ['youth_applications.id'], name=op.f('fk_selection_decisions_application_id_youth_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cohort_id'], ['youth_cohorts.id'], name=op.f('fk_selection_decisions_cohort_id_youth_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_selection_decisions_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_decisions')),
    sa.UniqueConstraint('application_id', name=op.f('uq_selection_decisions_application_id')),
    sa.UniqueConstraint('cohort_id', 'place_number', name='uq_selection_decisions_place'),
    sa.UniqueConstraint('cohort_id', 'waitlist_position', name='uq_selection_decisions_waitlist')
    )
    with op.batch_alter_table('selection_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_decisions_cohort_id'), ['cohort_id'], unique=False)


def downgrade():
    op.drop_table('selection_decisions')
    op.drop_table('selection_attendance')
    op.drop_table('selection_reports')
    op.execute("UPDATE youth_applications SET status = 'accepted' WHERE status = 'confirmed'")
    op.execute("UPDATE youth_applications SET status = 'declined' WHERE status = 'expired'")
    _replace_status_check(OLD_STATUSES)
