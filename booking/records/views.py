"""The public track record page, `GET /records`."""

from __future__ import annotations

from flask import render_template

from booking.records import bp, charts, services


@bp.route("/records")
def index():
    record = services.track_record()
    return render_template(
        "records/index.html",
        record=record,
        number=charts.number,
        by_format=charts.lectures_by_format(record),
        audience=charts.audience_by_year(record),
        by_school_type=charts.lectures_by_school_type(record),
        youth=charts.youth_cohorts(record),
    )
