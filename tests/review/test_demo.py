"""The review demo: the spring cohort's descriptors and calibration set, seeded once."""

from __future__ import annotations

import sqlalchemy as sa

from booking.extensions import db
from booking.review import services
from booking.review.calibration_models import CalibrationEssay, CalibrationScore
from booking.staff.models import User
from booking.youth.models import Cohort


def test_the_spring_cohort_gets_descriptors_and_a_calibration_set_one_reviewer_has_done(app, ctx, frozen):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-demo"])
    assert seeded.exit_code == 0, seeded.output
    spring = db.session.scalar(sa.select(Cohort).order_by(Cohort.fiscal_year.desc()).limit(1))
    criteria = services.criteria_for(spring)
    assert criteria and all(len(c.levels("ja")) == 3 and len(c.levels("en")) == 3 for c in criteria)
    essays = services.calibration_set(spring)
    assert [e.is_sample for e in essays] == [False, False, True]
    assert all(e.code.startswith("Y-2019-") for e in essays[:2])
    assert all(len(e.references) == len(criteria) for e in essays)
    done = services.calibration_progress(
        db.session.scalar(sa.select(User).filter_by(email="judge@example.jp")), spring
    )
    assert done.complete and all(d.mean_distance is not None for d in done.distances)
    newcomer = db.session.scalar(sa.select(User).filter_by(email="reviewer@example.jp"))
    assert services.calibration_progress(newcomer, spring).done == 0
    # The ranking is untouched: nothing of the spring cohort is scored yet.
    assert not any(row.standing.reviews_done for row in services.ranking(spring).rows)

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalibrationEssay)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalibrationScore)) == 3 * len(criteria)
