"""Outreach lectures: the catalog, schools' requests, scheduling with lecturers, the inbox.

One module per use case; everything is re-exported here, so callers write
`from booking.lectures import services` and `services.schedule_request(...)`:
- programs: the catalog staff keep;
- requests: what schools do (send, follow, cancel, take a proposed date);
- other_dates: the school's "none of these dates suit", with new candidates;
- staff_actions: what staff do to a request (schedule, propose, decline, cancel, record as held);
- inbox: what staff read (a request, the inbox and its exports, the dashboard);
- lecturers: lecturers and their diaries;
- time_off: lecturers' time off, and the booked lectures it falls over;
- postings: where lecturers are based (postings abroad);
- meetings: running an online lecture (meeting link, connection test) and a lecturer's
  own lectures;
- rounds: busy-term rounds (collect, close, allocate once, re-run from the seed);
- retention: removing teachers' contact details from old requests;
- common: what several of them share (the request's lock, private links, bookings).

Every use case checks its rules, calls the request's verbs, writes the audit entry and
queues the emails, then commits once. Writes that read before they write run as the
only writer (`write_lock()`, BEGIN IMMEDIATE on SQLite) and, on PostgreSQL, lock the rows
they depend on (the request, the days being scheduled, the fiscal year's counter).
"""

from booking.lectures.services.common import add_link, lock_request
from booking.lectures.services.inbox import (
    ROUND_ANY,
    ROUND_WAITING,
    SORTS,
    InboxFilters,
    export_requests,
    fiscal_years,
    get_request,
    lecturer_names,
    lectures_between,
    list_requests,
    requested_schools,
    status_counts,
    view_request,
    waiting_count,
)
from booking.lectures.services.lecturers import (
    Diary,
    LecturerSummary,
    active_lecturers,
    diary,
    get_lecturer,
    lecturer_overview,
)
from booking.lectures.services.meetings import (
    MISSING_LINK_WINDOW_DAYS,
    MeetingData,
    give_meeting_link,
    lecture_for_lecturer,
    online_lectures_missing_link,
    set_meeting,
)
from booking.lectures.services.other_dates import (
    Asked,
    OtherDatesData,
    ask_other_dates,
    candidate_problems,
)
from booking.lectures.services.postings import (
    PostingData,
    add_posting,
    get_posting,
    postings_of,
    remove_posting,
)
from booking.lectures.services.programs import (
    ProgramChoice,
    ProgramData,
    active_programs,
    all_programs,
    create_program,
    get_program,
    program_choices,
    update_program,
)
from booking.lectures.services.requests import (
    Candidate,
    RequestData,
    Submitted,
    cancel_by_school,
    choose_proposed_date,
    coordinators,
    find_by_token,
    next_reference_number,
    request_problems,
    submit_request,
)
from booking.lectures.services.retention import purge_personal_data
from booking.lectures.services.rounds import (
    Allocated,
    RoundData,
    allocate_round,
    can_propose_now,
    can_schedule_now,
    close_round,
    ensure_not_waiting_for_round,
    get_round,
    list_rounds,
    open_round,
    rerun,
    round_of,
    rounds_to_allocate,
)
from booking.lectures.services.staff_actions import (
    BookingData,
    ProposalData,
    cancel_request,
    complete_request,
    decline_request,
    proposal_problems,
    propose_dates,
    reschedule_request,
    resend_link,
    schedule_request,
)
from booking.lectures.services.time_off import (
    PeriodData,
    TimeOffClash,
    add_unavailability,
    get_unavailability,
    lecture_time_off_clashes,
    remove_unavailability,
    time_off_clashes,
)

__all__ = [
    "MISSING_LINK_WINDOW_DAYS",
    "ROUND_ANY",
    "ROUND_WAITING",
    "SORTS",
    "Allocated",
    "Asked",
    "BookingData",
    "Candidate",
    "Diary",
    "InboxFilters",
    "LecturerSummary",
    "MeetingData",
    "OtherDatesData",
    "PeriodData",
    "PostingData",
    "ProgramChoice",
    "ProgramData",
    "ProposalData",
    "RequestData",
    "RoundData",
    "Submitted",
    "TimeOffClash",
    "active_lecturers",
    "active_programs",
    "add_link",
    "add_posting",
    "add_unavailability",
    "all_programs",
    "allocate_round",
    "ask_other_dates",
    "can_propose_now",
    "can_schedule_now",
    "cancel_by_school",
    "cancel_request",
    "candidate_problems",
    "choose_proposed_date",
    "close_round",
    "complete_request",
    "coordinators",
    "create_program",
    "decline_request",
    "diary",
    "ensure_not_waiting_for_round",
    "export_requests",
    "find_by_token",
    "fiscal_years",
    "get_lecturer",
    "get_posting",
    "get_program",
    "get_request",
    "get_round",
    "get_unavailability",
    "give_meeting_link",
    "lecture_for_lecturer",
    "lecture_time_off_clashes",
    "lecturer_names",
    "lecturer_overview",
    "lectures_between",
    "list_requests",
    "list_rounds",
    "lock_request",
    "next_reference_number",
    "online_lectures_missing_link",
    "open_round",
    "postings_of",
    "program_choices",
    "proposal_problems",
    "propose_dates",
    "purge_personal_data",
    "remove_posting",
    "remove_unavailability",
    "request_problems",
    "requested_schools",
    "rerun",
    "reschedule_request",
    "resend_link",
    "round_of",
    "rounds_to_allocate",
    "schedule_request",
    "set_meeting",
    "status_counts",
    "submit_request",
    "time_off_clashes",
    "update_program",
    "view_request",
    "waiting_count",
]
