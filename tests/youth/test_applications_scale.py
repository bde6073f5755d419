"""A cohort's application list reads the same queries for 120 applications as for 6, pages
through them, and its downloads are streamed."""

from __future__ import annotations

import csv
import io

import pytest
from flask import request_finished
from openpyxl import load_workbook

from booking.extensions import db
from tests.factories.review import add_application
from tests.helpers import count_queries

PAGES = {
    "first page": "/staff/youth/cohorts/{cohort}/applications",
    "last page": "/staff/youth/cohorts/{cohort}/applications?page={last}",
    "filter and search": "/staff/youth/cohorts/{cohort}/applications?consent=given&q=%E5%B1%B1%E7%94%B0",
}


def add(cohort, schools, first: int, count: int) -> None:
    for n in range(first, first + count):
        add_application(cohort, n, schools["high" if n % 2 else "kosen"])


def statements(app, client, path: str) -> int:
    client.get(path)
    with count_queries(app) as counter:
        response = client.get(path)
    assert response.status_code == 200, path
    db.session.rollback()  # the requests wrote (the staff session) since this session last read
    return counter.count


@pytest.mark.parametrize("page", list(PAGES))
def test_the_application_list_runs_as_many_queries_for_120_as_for_6(
    app, coordinator_client, cohort, schools, page
):
    add(cohort, schools, 1, 6)
    small = statements(app, coordinator_client, PAGES[page].format(cohort=cohort.id, last=1))
    add(cohort, schools, 7, 114)
    assert statements(app, coordinator_client, PAGES[page].format(cohort=cohort.id, last=3)) == small


def test_the_application_list_links_to_its_other_pages(coordinator_client, cohort, schools):
    add(cohort, schools, 1, 60)
    body = coordinator_client.get(f"/staff/youth/cohorts/{cohort.id}/applications").get_data(as_text=True)
    assert f"/staff/youth/cohorts/{cohort.id}/applications?page=2" in body
    second = coordinator_client.get(f"/staff/youth/cohorts/{cohort.id}/applications?page=2")
    assert second.status_code == 200 and f"Y-{cohort.fiscal_year}-060" in second.get_data(as_text=True)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_application_downloads_are_streamed_with_every_application(
    app, coordinator_client, cohort, schools, fmt
):
    add(cohort, schools, 1, 12)
    produced = []

    def keep(sender, response, **extra):
        produced.append(response)

    with request_finished.connected_to(keep, app):
        response = coordinator_client.get(f"/staff/youth/cohorts/{cohort.id}/applications.{fmt}")
    assert response.status_code == 200 and produced[0].is_streamed
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    else:
        rows = [
            list(row) for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
        ]
    assert [row[0] for row in rows[1:]] == [f"Y-{cohort.fiscal_year}-{n:03d}" for n in range(1, 13)]
    assert rows[1][3] == "山田" and rows[1][9] == "student1@example.jp"
