"""How the staff pages, the exports and the batch commands scale with the data.

Builds a fresh database per size (on PostgreSQL when `TEST_DATABASE_URL` or
`BENCH_DATABASE_URL` names a server, or one on 127.0.0.1 answers; else SQLite, with a note),
fills it with bulk inserts (bench/_data.py: at full size 10,000 lecture requests, a cohort of
1,000 applications with 3 reviews each, 100,000 outbox rows, 200 schools), signs in as a
coordinator and measures in process:

- each staff page: the median of repeated requests, and the SQL statements it runs;
- each export: its time, and the peak memory Python allocated while it streamed (tracemalloc);
- reviewer assignment (1,000 applications, 40 reviewers), `send-reminders` and
  `purge-personal-data`: time and peak memory (the batch commands run once, under tracemalloc,
  so their times include its overhead).

Every figure is printed with its ratio to the smallest size. The database is dropped after.

    .venv/bin/python bench/staff_scale.py [SCALE ...]     (default: 0.01 0.1 1)
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask import Flask, request_finished
from flask_migrate import upgrade

from bench import _data
from booking import create_app
from booking.commands import PURGERS, REMINDERS
from booking.config import TestConfig
from booking.extensions import db
from booking.lectures.models import LectureRequest
from booking.review.models import Review
from booking.staff.models import User
from tests.helpers import count_queries

LOCAL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PER_PAGE = 50


@contextlib.contextmanager
def database(directory: Path, size_name: str) -> Iterator[tuple[str, str]]:
    """A fresh database (PostgreSQL if one answers, else SQLite) and its kind; dropped after."""
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or LOCAL_SERVER
    if server.startswith("postgresql"):
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        name = f"booking_bench_{uuid.uuid4().hex[:10]}"
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        except sa.exc.OperationalError:
            admin.dispose()
        else:
            try:
                yield (
                    sa.make_url(server).set(database=name).render_as_string(hide_password=False),
                    "PostgreSQL",
                )
            finally:
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                admin.dispose()
            return
    yield f"sqlite:///{directory / f'bench-{size_name}.sqlite3'}", "SQLite"


def make_app(url: str) -> Flask:
    class Bench(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(Bench)


def timed_get(app: Flask, client, path: str, repeats: int) -> tuple[float, int]:
    """Median milliseconds of `repeats` requests, and the statements one request runs."""
    assert client.get(path).status_code == 200, path  # warm caches and templates
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    with count_queries(app) as counter:
        client.get(path)
    return statistics.median(timings) * 1000, counter.count


def drain(app: Flask, client, path: str) -> tuple[float, int, int, bool]:
    """An export read to the end chunk by chunk: ms, bytes, peak memory (bytes), streamed."""
    produced = []

    def keep(sender, response, **extra):
        produced.append(response)

    tracemalloc.start()
    started = time.perf_counter()
    with request_finished.connected_to(keep, app):
        response = client.get(path, buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
    response.close()
    elapsed = (time.perf_counter() - started) * 1000
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, size, peak, produced[0].is_streamed  # the app's response, not the test client's


def traced(action: Callable[[], object]) -> tuple[float, int, object]:
    tracemalloc.start()
    started = time.perf_counter()
    result = action()
    elapsed = (time.perf_counter() - started) * 1000
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak, result


def last_page(app: Flask, where=None) -> int:
    with app.app_context():
        query = sa.select(sa.func.count(LectureRequest.id))
        if where is not None:
            query = query.where(where)
        total = db.session.scalar(query)
    return max(1, -(-total // PER_PAGE))


def staff_pages(app: Flask, data: _data.DataSet) -> dict[str, str]:
    search = "計測0"  # matches a tenth of the schools' names
    found = sa.and_(LectureRequest.format == "online", LectureRequest.school_name.contains(search))
    ranking = data.ranking_cohort_id
    pages = {
        "inbox, page 1": "/staff/lectures/",
        "inbox, last page": f"/staff/lectures/?page={last_page(app)}",
        "inbox filter+search, p1": f"/staff/lectures/?format=online&q={search}",
        "inbox filter+search, last": f"/staff/lectures/?format=online&q={search}"
        f"&page={last_page(app, found)}",
        "ranking": f"/staff/review/cohorts/{ranking}/ranking",
        "applications, page 1": f"/staff/youth/cohorts/{ranking}/applications",
        "applications, search": f"/staff/youth/cohorts/{ranking}/applications?q=生徒1&consent=given",
        "outbox, page 1": "/staff/outbox/",
        "outbox, last page": f"/staff/outbox/?page={-(-data.outbox // PER_PAGE)}",
        "outbox, failed": "/staff/outbox/?status=failed",
    }
    # The staff calendar (month view) is measured here once its route exists.
    calendar = next((r.endpoint for r in app.url_map.iter_rules() if r.rule == "/staff/calendar"), None)
    if calendar is not None:
        pages["calendar, month"] = "/staff/calendar?view=month"
    return pages


EXPORTS = {
    "lectures CSV": "/staff/lectures/export.csv",
    "lectures Excel": "/staff/lectures/export.xlsx",
    "applications CSV": "/staff/youth/cohorts/{cohort}/applications.csv",
    "applications Excel": "/staff/youth/cohorts/{cohort}/applications.xlsx",
}


def assignment_run(app: Flask, data: _data.DataSet) -> float:
    """Reviewers for every application of the waiting cohort (40 reviewers, 3 each): ms."""
    from booking.review import services as review_services
    from booking.youth.models import Cohort

    with app.app_context():
        cohort = db.session.get(Cohort, data.assignment_cohort_id)
        actor = db.session.scalar(sa.select(User).where(User.email == _data.COORDINATOR_EMAIL))
        started = time.perf_counter()
        report = review_services.run_assignment(cohort, actor)
        elapsed = (time.perf_counter() - started) * 1000
        assert report.added == 3 * data.applications, report
        # Leave the cohort as it was, so a second measurement starts from the same place.
        db.session.execute(sa.delete(Review).where(Review.cohort_id == cohort.id))
        db.session.commit()
        db.session.remove()
    return elapsed


def run_commands(app: Flask, commands) -> Callable[[], list[str]]:
    def run() -> list[str]:
        with app.app_context():
            lines = [str(command()) for command in commands]
            db.session.remove()
        return lines

    return run


def measure(scale: float, directory: Path) -> tuple[str, dict[str, tuple], _data.DataSet]:
    with database(directory, str(scale)) as (url, kind):
        app = make_app(url)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            data = _data.build(scale)
            print(
                f"  {kind}, scale {scale}: {data.lectures} requests, {data.applications} applications, "
                f"{data.outbox} emails built in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            db.session.remove()
        client = app.test_client()
        client.post("/staff/login", data={"email": _data.COORDINATOR_EMAIL, "password": _data.PASSWORD})
        figures: dict[str, tuple] = {}
        pages = staff_pages(app, data)
        if "calendar, month" not in pages:
            figures["calendar, month"] = ("skipped",)
        for name, path in pages.items():
            figures[name] = ("page", *timed_get(app, client, path, repeats=9))
        for name, path in EXPORTS.items():
            ms, size, peak, streamed = drain(app, client, path.format(cohort=data.ranking_cohort_id))
            figures[name] = ("export", ms, peak, size, streamed)
        figures["assign 3 reviewers each"] = (
            "batch",
            statistics.median(assignment_run(app, data) for _ in range(3)),
            None,
        )
        for name, commands in (("send-reminders", REMINDERS), ("purge-personal-data", PURGERS)):
            ms, peak, lines = traced(run_commands(app, commands))
            figures[name] = ("batch", ms, peak)
            for line in lines:
                print(f"    {line}")
        with app.app_context():
            db.engine.dispose()
    return kind, figures, data


def main(scales: list[float]) -> None:
    import tempfile

    logging.getLogger("alembic").setLevel(logging.WARNING)

    results: dict[float, dict[str, tuple]] = {}
    sizes: dict[float, _data.DataSet] = {}
    kind = ""
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            kind, results[scale], sizes[scale] = measure(scale, Path(tmp))
    if kind == "SQLite":
        print("No PostgreSQL server answered: these figures are SQLite's.")
    base = scales[0]
    print(f"\nStaff pages on {kind}, median of 9 requests in process (ratio to scale {base})")
    print(f"{'page':<28}{'requests':>9}{'apps':>6}{'emails':>8}{'ms':>9}{'ratio':>7}{'queries':>8}")
    for name, first in results[base].items():
        if first[0] == "skipped":
            print(f"{name:<28}  skipped: no /staff/calendar route in this version")
            continue
        if first[0] != "page":
            continue
        for scale in scales:
            _kind, ms, queries = results[scale][name]
            d = sizes[scale]
            print(
                f"{name:<28}{d.lectures:>9}{d.applications:>6}{d.outbox:>8}"
                f"{ms:>9.1f}{ms / first[1]:>7.2f}{queries:>8}"
            )
    print("\nExports, read to the end (peak = Python memory allocated while streaming)")
    print(
        f"{'export':<22}{'rows':>7}{'ms':>9}{'ratio':>7}{'peak MiB':>10}{'ratio':>7}{'MiB out':>9}  streamed"
    )
    for name in EXPORTS:
        first = results[base][name]
        for scale in scales:
            _kind, ms, peak, size, streamed = results[scale][name]
            rows = sizes[scale].lectures if name.startswith("lectures") else sizes[scale].applications
            print(
                f"{name:<22}{rows:>7}{ms:>9.1f}{ms / first[1]:>7.2f}{peak / 2**20:>10.2f}"
                f"{peak / first[2]:>7.2f}{size / 2**20:>9.2f}  {'yes' if streamed else 'no'}"
            )
    print("\nBatch work (send-reminders and purge under tracemalloc: their times include its overhead)")
    print(
        f"{'work':<26}{'requests':>9}{'apps':>6}{'emails':>8}"
        f"{'ms':>10}{'ratio':>7}{'peak MiB':>10}{'ratio':>7}"
    )
    for name in ("assign 3 reviewers each", "send-reminders", "purge-personal-data"):
        first = results[base][name]
        for scale in scales:
            _kind, ms, peak = results[scale][name]
            d = sizes[scale]
            memory = f"{peak / 2**20:>10.2f}{peak / first[2]:>7.2f}" if peak is not None else f"{'':>17}"
            print(
                f"{name:<26}{d.lectures:>9}{d.applications:>6}{d.outbox:>8}"
                f"{ms:>10.1f}{ms / first[1]:>7.2f}{memory}"
            )


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [0.01, 0.1, 1.0])
