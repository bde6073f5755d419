"""One diary per staff member, across every program that books staff.

The rule, kept once for every program (lectures today, study tours next):
- a person is never booked for two things at once, whatever the programs;
- between two bookings of one person there are at least max(buffer of one, buffer of
  the other) minutes (travel around anything in person, setting up around anything
  online; the buffers come from the bureau's settings and do not add up);
- a booking, with its buffer on each side, never touches the person's time off;
- an in-person booking is not made while the person is based abroad, unless a
  coordinator overrides it with a reason.

services.py checks the rule exactly, under row locks on the Japan-time days involved, and
gives friendly messages that name the other program. The database has the last word:
each active booking claims half its buffer on each side (`blocked_from`, `blocked_until`)
and no two active bookings of one person may overlap (an exclusion constraint on
PostgreSQL, triggers on SQLite; see migrations/versions/0021_scheduling.py).

Programs import this package; it never imports theirs (it depends only on core, staff
and settings). A booking names its program's record by (program, subject_id) without a
foreign key: each program's migration adds a trigger that deletes the bookings of a
deleted record, so no active booking outlives its request.
"""
