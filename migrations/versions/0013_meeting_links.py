"""meeting links: an online lecture's meeting link and connection test time

Three columns on lecture_requests: the meeting link (empty until given), the connection
test's time (before the lecture, online lectures only) and when either last changed.
On SQLite the columns are added in place with their CHECK constraints (ALTER TABLE ADD
COLUMN): rebuilding lecture_requests would drop it under its children's cascading keys.

Revision ID: 0013_meeting_links
Revises: 0012_calendar_feeds
Create Date: 2026-11-29 22:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_meeting_links"
down_revision = "0012_calendar_feeds"
branch_labels = None
depends_on = None

TABLE = "lecture_requests"
URL_CHECK = "length(meeting_url) <= 1000 AND (format = 'online' OR meeting_url = '')"
TEST_CHECK = (
    "connection_test_at IS NULL OR "
    "(format = 'online' AND starts_at IS NOT NULL AND connection_test_at < starts_at)"
)


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN meeting_url VARCHAR(1000) DEFAULT '' NOT NULL "
            f"CONSTRAINT ck_{TABLE}_meeting_url CHECK ({URL_CHECK})"
        )
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN connection_test_at DATETIME "
            f"CONSTRAINT ck_{TABLE}_connection_test_at CHECK ({TEST_CHECK})"
        )
        op.execute(f"ALTER TABLE {TABLE} ADD COLUMN meeting_updated_at DATETIME")
        return
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("meeting_url", sa.String(length=1000), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("connection_test_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("meeting_updated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f(f"ck_{TABLE}_meeting_url"), URL_CHECK)
        batch_op.create_check_constraint(op.f(f"ck_{TABLE}_connection_test_at"), TEST_CHECK)
    op.alter_column(TABLE, "meeting_url", server_default=None)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Each column carries only its own CHECK constraint, so SQLite drops it in place.
        for column in ("meeting_updated_at", "connection_test_at", "meeting_url"):
            op.execute(f"ALTER TABLE {TABLE} DROP COLUMN {column}")
        return
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_{TABLE}_connection_test_at"), type_="check")
        batch_op.drop_constraint(op.f(f"ck_{TABLE}_meeting_url"), type_="check")
        batch_op.drop_column("meeting_updated_at")
        batch_op.drop_column("connection_test_at")
        batch_op.drop_column("meeting_url")
