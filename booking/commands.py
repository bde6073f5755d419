"""App-wide commands that gather what each feature contributes.

Features add their demo data and their reminders here, in the order they depend on
each other.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from booking.interview import demo as interview_demo
from booking.interview import services as interview_services
from booking.lectures import demo as lectures_demo
from booking.lectures import reminders as lectures_reminders
from booking.lectures import services as lectures_services
from booking.notifications import services as notifications_services
from booking.records import demo as records_demo
from booking.review import demo as review_demo
from booking.review import services as review_services
from booking.schools import demo as schools_demo
from booking.selection import demo as selection_demo
from booking.selection import services as selection_services
from booking.staff import demo as staff_demo
from booking.visits import demo as visits_demo
from booking.visits import reminders as visits_reminders
from booking.visits import visitor_demo as visits_visitor_demo
from booking.visits.services import retention as visits_retention
from booking.visits.services import visitors as visit_visitors
from booking.youth import demo as youth_demo
from booking.youth import services as youth_services

# Each returns lines to print (sign-in details, links to try).
DEMO_SEEDERS = [
    staff_demo.seed,
    schools_demo.seed,
    lectures_demo.seed,
    visits_demo.seed,
    visits_visitor_demo.seed,
    youth_demo.seed,
    review_demo.seed,
    interview_demo.seed,
    selection_demo.seed,
    records_demo.seed,
]

# Each sends what is due and returns a line describing what it queued.
REMINDERS = [
    youth_services.send_consent_reminders,
    selection_services.send_offer_reminders,
    interview_services.send_interview_reminders,
    lectures_reminders.send_lecture_reminders,
    lectures_reminders.send_connection_test_reminders,
    lectures_reminders.send_feedback_reminders,
    visits_reminders.send_visit_reminders,
    visits_reminders.send_feedback_requests,
]

# Each deletes or anonymises what is past its retention and returns a line saying what.
PURGERS = [
    youth_services.purge_personal_data,
    review_services.purge_comments,
    selection_services.purge_feedback_notes,
    lectures_services.purge_personal_data,
    visits_retention.purge_personal_data,
    visit_visitors.purge_visitor_lists,
    notifications_services.purge_old_emails,
]


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create demo data (safe to run again: existing demo data is kept)."""
    for seeder in DEMO_SEEDERS:
        for line in seeder():
            click.echo(line)


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Queue the reminders that are due; each reminder is queued once."""
    for remind in REMINDERS:
        click.echo(remind())


@click.command("purge-personal-data")
@with_appcontext
def purge_personal_data_command() -> None:
    """Delete or anonymise personal data past its retention period, keeping the counts."""
    for purge in PURGERS:
        click.echo(purge())


COMMANDS = [seed_demo_command, send_reminders_command, purge_personal_data_command]
