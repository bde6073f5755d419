"""youth safety: no place without consent, hashed form keys, keyed email hashes that retention deletes

- youth_applications gets a CHECK constraint: an application accepted, taking part
  (confirmed) or on the waiting list has its guardian's consent. Rows that break it are put
  right first: before their cohort's publication the decision is taken back (submitted,
  its place or waiting spot freed); after it the student is withdrawn (the place freed, not
  passed on: coordinators decide). Each move is written to the application's history.
- submission_key becomes submission_key_hash (the SHA-256 of the form's key). The stored
  keys are cleared: they only recognise a form sent twice within a day.
- email_key becomes an HMAC-SHA256 keyed by EMAIL_HASH_KEY (or a key derived from
  SECRET_KEY), recomputed here for every row that still has its email address; rows whose
  personal data retention already deleted lose it, and record when (purged_at). The CHECK
  that a sent application has an email key allows its deletion by retention.

Revision ID: 0008_youth_safety
Revises: 0007_lecture_feedback
Create Date: 2026-12-02 09:00:00

"""
import hashlib
import hmac
import logging
import os
import re
import unicodedata
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_youth_safety'
down_revision = '0007_lecture_feedback'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.env")

TABLE = 'youth_applications'
SUBMITTED_CHECK = 'ck_youth_applications_submitted_has_code'
OLD_SUBMITTED = "status = 'draft' OR (code IS NOT NULL AND email_key IS NOT NULL AND submitted_at IS NOT NULL)"
NEW_SUBMITTED = (
    "status = 'draft' OR (code IS NOT NULL AND submitted_at IS NOT NULL"
    " AND (email_key IS NOT NULL OR purged_at IS NOT NULL))"
)
CONSENT_CHECK = 'ck_youth_applications_place_needs_consent'
CONSENT = "status NOT IN ('accepted', 'confirmed', 'waitlisted') OR consent_status = 'given'"
OLD_UNIQUE = 'uq_youth_applications_submission_key'
NEW_UNIQUE = 'uq_youth_applications_submission_key_hash'
# Must stay as booking.youth.services derives it.
EMAIL_KEY_LABEL = b"booking youth email key"


def _now(bind):
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now


def _email_hash_key():
    """The HMAC key as the app derives it, from the app's config (flask db upgrade) or the environment."""
    try:
        from flask import current_app

        config = current_app.config
        explicit, secret = config.get("EMAIL_HASH_KEY"), config.get("SECRET_KEY")
    except RuntimeError:  # no app context: alembic run on its own
        explicit, secret = os.environ.get("EMAIL_HASH_KEY"), os.environ.get("SECRET_KEY")
    if explicit:
        return explicit.encode("utf-8")
    if not secret:
        raise RuntimeError("set SECRET_KEY (or EMAIL_HASH_KEY) to migrate the students' email keys")
    return hmac.new(str(secret).encode("utf-8"), EMAIL_KEY_LABEL, hashlib.sha256).digest()


def _rewrite_sqlite_table(bind, change):
    """Rewrite youth_applications' stored definition in place (see 0006: a rebuild would
    cascade-delete its applicants); only for changes the stored rows already satisfy."""
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).scalar()
    rewritten = change(sql)
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (rewritten, TABLE))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace_once(sql, old, new):
    if sql.count(old) != 1:
        raise RuntimeError(f"{old!r} not found once in the {TABLE} table")
    return sql.replace(old, new)


def _add_consent_check(sql):
    body = sql.rstrip()
    if not body.endswith(")"):
        raise RuntimeError(f"unexpected definition of {TABLE}")
    return body[:-1].rstrip() + f", \n\tCONSTRAINT {CONSENT_CHECK} CHECK ({CONSENT})\n)"


def _drop_consent_check(sql):
    pattern = re.compile(r",\s*CONSTRAINT " + CONSENT_CHECK + r" CHECK \(" + re.escape(CONSENT) + r"\)")
    rewritten, found = pattern.subn("", sql)
    if found != 1:
        raise RuntimeError(f"{CONSENT_CHECK} not found in the {TABLE} table")
    return rewritten


def _history(bind, application_id, from_value, to_value, note):
    bind.execute(
        sa.text(
            "INSERT INTO youth_application_history "
            "(application_id, occurred_at, event, from_value, to_value, by, note) "
            "VALUES (:id, :now, 'status', :from_value, :to_value, 'system', :note)"
        ),
        {"id": application_id, "now": _now(bind), "from_value": from_value, "to_value": to_value, "note": note},
    )


def _put_right_places_without_consent(bind):
    """Decisions that break the new rule: taken back before publication, withdrawn after it."""
    rows = bind.execute(
        sa.text(
            "SELECT a.id, a.status, c.results_published_at FROM youth_applications a "
            "JOIN youth_cohorts c ON c.id = a.cohort_id "
            "WHERE a.status IN ('accepted', 'confirmed', 'waitlisted') AND a.consent_status != 'given' "
            "ORDER BY a.id"
        )
    ).all()
    for application_id, status, published_at in rows:
        target = "submitted" if published_at is None and status != "confirmed" else "withdrawn"
        bind.execute(
            sa.text("UPDATE selection_decisions SET place_number = NULL, waitlist_position = NULL "
                    "WHERE application_id = :id"),
            {"id": application_id},
        )
        bind.execute(sa.text("UPDATE youth_applications SET status = :s WHERE id = :id"),
                     {"s": target, "id": application_id})
        _history(bind, application_id, status, target, "no guardian's consent (data corrected on upgrade)")
        log.warning("youth application id %s: %s without consent, now %s", application_id, status, target)


def _rehash_email_keys(bind):
    key = _email_hash_key()
    rows = bind.execute(
        sa.text(
            "SELECT a.id, p.email FROM youth_applications a JOIN youth_applicants p ON p.application_id = a.id "
            "WHERE a.email_key IS NOT NULL AND p.email != ''"
        )
    ).all()
    for application_id, email in rows:
        address = unicodedata.normalize("NFKC", email).strip().lower()
        digest = hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()
        bind.execute(sa.text("UPDATE youth_applications SET email_key = :k WHERE id = :id"),
                     {"k": digest, "id": application_id})


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    _put_right_places_without_consent(bind)

    # Form keys: only their hash is kept from now on; the plain keys stored so far go.
    op.execute(f"UPDATE {TABLE} SET submission_key = NULL")
    op.execute(f"ALTER TABLE {TABLE} RENAME COLUMN submission_key TO submission_key_hash")
    if sqlite:
        _rewrite_sqlite_table(bind, lambda sql: _replace_once(sql, f"CONSTRAINT {OLD_UNIQUE} ", f"CONSTRAINT {NEW_UNIQUE} "))
    else:
        op.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {OLD_UNIQUE} TO {NEW_UNIQUE}")

    # Email keys: deleted where retention already deleted the address, keyed everywhere else.
    op.add_column(TABLE, sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        f"UPDATE {TABLE} SET email_key = NULL, purged_at = "
        "(SELECT personal_data_purged_at FROM youth_cohorts WHERE youth_cohorts.id = youth_applications.cohort_id) "
        "WHERE cohort_id IN (SELECT id FROM youth_cohorts WHERE personal_data_purged_at IS NOT NULL)"
    )
    _rehash_email_keys(bind)

    if sqlite:
        _rewrite_sqlite_table(
            bind, lambda sql: _add_consent_check(_replace_once(sql, OLD_SUBMITTED, NEW_SUBMITTED))
        )
    else:
        op.drop_constraint(op.f(SUBMITTED_CHECK), TABLE, type_='check')
        op.create_check_constraint(op.f(SUBMITTED_CHECK), TABLE, NEW_SUBMITTED)
        op.create_check_constraint(op.f(CONSENT_CHECK), TABLE, CONSENT)


def downgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    # The old schema wants an email key on every sent application, unkeyed.
    rows = bind.execute(
        sa.text(
            "SELECT a.id, p.email FROM youth_applications a LEFT JOIN youth_applicants p ON p.application_id = a.id "
            "WHERE a.status != 'draft'"
        )
    ).all()
    for application_id, email in rows:
        source = email.strip().lower() if email else f"purged:{application_id}"
        bind.execute(sa.text("UPDATE youth_applications SET email_key = :k WHERE id = :id"),
                     {"k": hashlib.sha256(source.encode("utf-8")).hexdigest(), "id": application_id})

    if sqlite:
        _rewrite_sqlite_table(
            bind, lambda sql: _replace_once(_drop_consent_check(sql), NEW_SUBMITTED, OLD_SUBMITTED)
        )
    else:
        op.drop_constraint(op.f(CONSENT_CHECK), TABLE, type_='check')
        op.drop_constraint(op.f(SUBMITTED_CHECK), TABLE, type_='check')
        op.create_check_constraint(op.f(SUBMITTED_CHECK), TABLE, OLD_SUBMITTED)
    op.drop_column(TABLE, 'purged_at')

    op.execute(f"UPDATE {TABLE} SET submission_key_hash = NULL")
    op.execute(f"ALTER TABLE {TABLE} RENAME COLUMN submission_key_hash TO submission_key")
    if sqlite:
        _rewrite_sqlite_table(bind, lambda sql: _replace_once(sql, f"CONSTRAINT {NEW_UNIQUE} ", f"CONSTRAINT {OLD_UNIQUE} "))
    else:
        op.execute(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {NEW_UNIQUE} TO {OLD_UNIQUE}")
