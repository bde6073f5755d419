"""youth application history: what a row records and who made the move are checked values

`event` holds "status" or "consent" and `by` holds "student", "guardian", "staff" or
"system", as the code has always written them (migration 0008 included); a CHECK
constraint on each now keeps them so, as on the other enum columns. Existing rows already
hold only these values; a row that did not would stop the upgrade rather than be changed.

On SQLite the history table is rebuilt (batch mode) to add the constraints; no other table
refers to it, so nothing cascades.

Revision ID: 0010_history_enums
Revises: 0009_staff_sessions
Create Date: 2026-12-03 09:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_history_enums'
down_revision = '0009_staff_sessions'
branch_labels = None
depends_on = None

TABLE = 'youth_application_history'
CHECKS = {
    # constraint name (by the naming convention) -> (column, allowed values)
    'ck_youth_application_history_youth_history_event': ('event', ('status', 'consent')),
    'ck_youth_application_history_youth_history_by': ('by', ('student', 'guardian', 'staff', 'system')),
}


def upgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for name, (column, values) in CHECKS.items():
            allowed = ", ".join(f"'{value}'" for value in values)
            batch_op.create_check_constraint(op.f(name), f"{column} IN ({allowed})")


def downgrade():
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for name in CHECKS:
            batch_op.drop_constraint(op.f(name), type_='check')
