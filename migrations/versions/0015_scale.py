"""scale: indexes for the outbox list, its filters and the retention sweep

The staff outbox lists emails newest first, all or by state, and the retention sweep looks
for sent and failed emails older than the retention period. With 100,000 rows each of these
sorted or scanned the whole table: two indexes ending in the primary key let PostgreSQL read
a page (even the last) and the counts from the index alone.

Revision ID: 0015_scale
Revises: 0014_lecturer_base
Create Date: 2026-11-29 23:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_scale'
down_revision = '0014_lecturer_base'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_emails_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_outbox_emails_status_created', ['status', 'created_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_emails', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_emails_status_created')
        batch_op.drop_index('ix_outbox_emails_created')
