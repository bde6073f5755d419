"""The public track record page, `GET /records`."""

from __future__ import annotations

from flask import render_template

from booking.core.cache import Lazy, cached_page
from booking.records import bp, charts, services, study_tours


@bp.route("/records")
@cached_page(*services.SOURCES, *study_tours.SOURCES)
def index():
    record = services.track_record()
    coverage = services.coverage()
    tours = Lazy(study_tours.study_tour_record)
    # The charts are drawn only when the cached page is missing.
    return render_template(
        "records/index.html",
        record=record,
        number=charts.number,
        by_format=Lazy(lambda: charts.lectures_by_format(record)),
        audience=Lazy(lambda: charts.audience_by_year(record)),
        by_school_type=Lazy(lambda: charts.lectures_by_school_type(record)),
        youth=Lazy(lambda: charts.youth_cohorts(record)),
        coverage=coverage,
        coverage_by_ward=Lazy(lambda: charts.coverage_by_ward(coverage)),
        coverage_by_school_type=Lazy(lambda: charts.coverage_by_school_type(coverage)),
        tours=tours,
        tours_by_year=Lazy(lambda: charts.study_tours_by_year(record, tours)),
        tours_by_country=Lazy(lambda: charts.visitors_by_country(tours)),
    )
