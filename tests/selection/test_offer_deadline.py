"""The offer's deadline falls at the end of a Japan-time day, not to the minute of publication."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.selection.models import offer_deadline


@pytest.mark.parametrize(
    ("offered", "days", "deadline"),
    [
        # 10:00 on Monday 21 December in Japan: 23:59:59 on the 28th (14:59:59 UTC).
        (datetime(2026, 12, 21, 1, 0, tzinfo=UTC), 7, datetime(2026, 12, 28, 14, 59, 59, tzinfo=UTC)),
        # 23:50 on the 21st in Japan (14:50 UTC) still counts from the 21st.
        (datetime(2026, 12, 21, 14, 50, tzinfo=UTC), 7, datetime(2026, 12, 28, 14, 59, 59, tzinfo=UTC)),
        # 00:30 on the 22nd in Japan is 15:30 UTC on the 21st: it counts from the 22nd.
        (datetime(2026, 12, 21, 15, 30, tzinfo=UTC), 7, datetime(2026, 12, 29, 14, 59, 59, tzinfo=UTC)),
        # Across the year's end; one day.
        (datetime(2026, 12, 31, 3, 0, tzinfo=UTC), 1, datetime(2027, 1, 1, 14, 59, 59, tzinfo=UTC)),
    ],
)
def test_the_offer_ends_at_2359_japan_time_n_days_after_the_offers_japan_day(offered, days, deadline):
    assert offer_deadline(offered, days) == deadline
