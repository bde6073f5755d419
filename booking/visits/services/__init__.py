"""Study tours: the use cases, one module each, imported here so callers write
`from booking.visits import services` and `services.facilities.hold_facilities(...)`:
- common: what several of them share (the request's lock, private links);
- facilities: the facilities staff keep, and holding them for a scheduled visit;
- requests: what organisers do (send a request, follow it, choose a date, cancel, answer);
- retention: removing organisers' contact details once a visit is long finished;
- inbox: what staff read (a request, the inbox and its exports, a guide's own tours);
- staff_actions: what staff do (propose, schedule with guides, reschedule, decline, cancel,
  record as held), and the staff diary's hooks for the organiser's choices;
- todo: the counts of the staff dashboard's to-do lines;
- visitors: the visitor list, kept until the visit is done, its export and its counts.

Every use case checks its rules, calls the request's verbs, writes the audit entry and
queues the emails, then commits once.
"""

from booking.visits.services import (
    common,  # noqa: F401
    facilities,  # noqa: F401
    inbox,  # noqa: F401
    requests,  # noqa: F401
    retention,  # noqa: F401
    staff_actions,  # noqa: F401
    todo,  # noqa: F401
    visitors,  # noqa: F401
)
