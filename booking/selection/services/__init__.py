"""Selection's use cases, one module each, re-exported here for the views and the commands."""

from booking.selection.services.calendar import (
    calendar_for,
    send_calendar,
)
from booking.selection.services.decisions import (
    Board,
    DecisionRow,
    board,
    decide,
    decide_rest,
    move_waitlisted,
)
from booking.selection.services.offers import (
    OfferView,
    answer_offer,
    offer_view,
    send_offer_reminders,
    withdraw,
)
from booking.selection.services.participants import (
    Participants,
    attendance_sheet,
    get_event,
    participants,
    participants_of,
    program_over,
    record_attendance,
    view_attendance_sheet,
)
from booking.selection.services.places import (
    DECIDABLE,
    cohort_decisions,
    decision_for,
    decision_of,
    free_place,
    full_message,
    get_application,
    waitlist_ranks,
    waitlisted,
)
from booking.selection.services.publication import (
    PreviewItem,
    PublishReport,
    preview,
    publication_problems,
    publish_results,
)
from booking.selection.services.reports import (
    ReportData,
    published_reports,
    report_for,
    save_report,
)

__all__ = [
    "DECIDABLE",
    "Board",
    "DecisionRow",
    "OfferView",
    "Participants",
    "PreviewItem",
    "PublishReport",
    "ReportData",
    "answer_offer",
    "attendance_sheet",
    "board",
    "calendar_for",
    "cohort_decisions",
    "decide",
    "decide_rest",
    "decision_for",
    "decision_of",
    "free_place",
    "full_message",
    "get_application",
    "get_event",
    "move_waitlisted",
    "offer_view",
    "participants",
    "participants_of",
    "preview",
    "program_over",
    "publication_problems",
    "publish_results",
    "published_reports",
    "record_attendance",
    "report_for",
    "save_report",
    "send_calendar",
    "send_offer_reminders",
    "view_attendance_sheet",
    "waitlist_ranks",
    "waitlisted",
    "withdraw",
]
