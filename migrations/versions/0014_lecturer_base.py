"""lecturer base: postings abroad, and time off entered as whole days

`lecturer_postings`: a period a lecturer is based abroad (place, first and last Japan-time
day, the last one open while the return is not fixed). Outside these a lecturer is based
in Japan. `lecturer_unavailability.whole_days`: the time off was entered as whole days
(Japan time) and reads as days. Time off kept before the upgrade that runs from one
Japan-time midnight to another is marked as whole days.

Revision ID: 0014_lecturer_base
Revises: 0013_meeting_links
Create Date: 2026-11-29 22:30:00

"""
from datetime import UTC, datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_lecturer_base'
down_revision = '0013_meeting_links'
branch_labels = None
depends_on = None

JST = timezone(timedelta(hours=9))


def _is_japan_midnight(value) -> bool:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(JST)
    return (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)


def upgrade():
    op.create_table(
        'lecturer_postings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lecturer_id', sa.Integer(), nullable=False),
        sa.Column('place', sa.String(length=100), nullable=False),
        sa.Column('first_day', sa.Date(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('last_day IS NULL OR last_day >= first_day', name=op.f('ck_lecturer_postings_days')),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['users.id'], name=op.f('fk_lecturer_postings_created_by_id_users'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['lecturer_id'], ['users.id'], name=op.f('fk_lecturer_postings_lecturer_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lecturer_postings')),
    )
    with op.batch_alter_table('lecturer_postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lecturer_postings_lecturer_id'), ['lecturer_id'], unique=False)

    with op.batch_alter_table('lecturer_unavailability', schema=None) as batch_op:
        batch_op.add_column(sa.Column('whole_days', sa.Boolean(), server_default=sa.false(), nullable=False))

    periods = sa.table(
        'lecturer_unavailability',
        sa.column('id', sa.Integer()),
        sa.column('starts_at', sa.DateTime(timezone=True)),
        sa.column('ends_at', sa.DateTime(timezone=True)),
        sa.column('whole_days', sa.Boolean()),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(periods.c.id, periods.c.starts_at, periods.c.ends_at)).all()
    whole = [row.id for row in rows if _is_japan_midnight(row.starts_at) and _is_japan_midnight(row.ends_at)]
    if whole:
        bind.execute(periods.update().where(periods.c.id.in_(whole)).values(whole_days=True))


def downgrade():
    with op.batch_alter_table('lecturer_unavailability', schema=None) as batch_op:
        batch_op.drop_column('whole_days')
    with op.batch_alter_table('lecturer_postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lecturer_postings_lecturer_id'))
    op.drop_table('lecturer_postings')
