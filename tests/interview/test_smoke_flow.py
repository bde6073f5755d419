from booking.extensions import db
from booking.interview import services
from tests.factories.interview import add_slot


def test_flow(cohort, coordinator, interview_round, ranked, after_window):
    assert services.draw_shortlist(cohort, coordinator) == 3
    slot = add_slot(cohort, capacity=2)
    assert services.send_invitations(cohort, coordinator) == 3
    booking = services.pick_slot(ranked[0], slot.id)
    db.session.refresh(slot)
    assert slot.booked == 1 and booking.slot_id == slot.id
