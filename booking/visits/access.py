"""Who handles study tours on the staff side."""

from booking.core.auth import Role

# Who runs the study-tour inbox and schedules tours.
VISIT_STAFF = (Role.ADMIN, Role.COORDINATOR)
# Who may open a tour's staff page: the above, and the guides and staff interpreters booked
# for it (their own tours only, read only).
VISIT_READERS = (*VISIT_STAFF, Role.GUIDE, Role.LECTURER)
