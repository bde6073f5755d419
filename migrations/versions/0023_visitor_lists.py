"""visitor lists: the people of a study tour, as their passports name them, for site access

One row per person, in the organiser's order. Deleted with the request, and (by the
application) when the visit is held or cancelled and by the retention purge, after the
counts by nationality are kept in visit_countries.

Revision ID: 0023_visitor_lists
Revises: 0022_visits
Create Date: 2026-11-30 04:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023_visitor_lists"
down_revision = "0022_visits"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visit_visitors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("position BETWEEN 1 AND 500", name=op.f("ck_visit_visitors_position")),
        sa.CheckConstraint("length(full_name) >= 1", name=op.f("ck_visit_visitors_full_name")),
        sa.CheckConstraint("length(nationality) = 2", name=op.f("ck_visit_visitors_nationality")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["visit_requests.id"],
            name=op.f("fk_visit_visitors_request_id_visit_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_visitors")),
        sa.UniqueConstraint("request_id", "position", name=op.f("uq_visit_visitors_request_id_position")),
    )
    op.create_index(op.f("ix_visit_visitors_request_id"), "visit_visitors", ["request_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_visit_visitors_request_id"), table_name="visit_visitors")
    op.drop_table("visit_visitors")
