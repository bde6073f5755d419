"""visit staff: a study tour's staff bookings go with its request

Guides and staff interpreters of a study tour are booked in staff_bookings (program
'visit', subject_id = visit_requests.id), which has no foreign key to the programs'
records. As for lectures, a delete trigger on visit_requests deletes its staff bookings,
so no active booking outlives its request (the retention purge, a test's clean-up). A
later batch_alter_table on visit_requests must create it again on SQLite.

Revision ID: 0024_visit_staff
Revises: 0023_visitor_lists
Create Date: 2026-11-30 05:20:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0024_visit_staff"
down_revision = "0023_visitor_lists"
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            """
            CREATE FUNCTION visit_requests_delete_bookings() RETURNS trigger AS $$
            BEGIN
                DELETE FROM staff_bookings WHERE program = 'visit' AND subject_id = OLD.id;
                RETURN OLD;
            END
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER visit_requests_delete_bookings AFTER DELETE ON visit_requests "
            "FOR EACH ROW EXECUTE FUNCTION visit_requests_delete_bookings()"
        )
    elif dialect == "sqlite":
        op.execute(
            """
            CREATE TRIGGER visit_requests_delete_bookings
            AFTER DELETE ON visit_requests
            BEGIN
                DELETE FROM staff_bookings WHERE program = 'visit' AND subject_id = OLD.id;
            END
            """
        )


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS visit_requests_delete_bookings ON visit_requests")
        op.execute("DROP FUNCTION IF EXISTS visit_requests_delete_bookings()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS visit_requests_delete_bookings")
