"""How the staff lecture inbox scales with the number of requests.

Builds a fresh SQLite database per size, fills it with N requests, signs in as a
coordinator and times the first inbox page (50 rows), a filtered search and the CSV
export of everything. Prints the median of repeated runs, the SQL statements each page
runs, and the ratio to the smallest size measured in the same run.

    .venv/bin/python bench/inbox.py [N ...]     (default: 1 200 2000 4000)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade

from booking import create_app
from booking.config import TestConfig
from booking.core.auth import Role
from booking.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.factories.lectures import make_program, make_request
from tests.factories.schools import make_school
from tests.helpers import count_queries

PAGES = {
    "inbox page 1": "/staff/lectures/",
    "search + filter": "/staff/lectures/?q=%E5%B0%8F%E5%AD%A6%E6%A0%A1&format=online",
    "CSV export (all)": "/staff/lectures/export.csv",
}
REPEATS = 15


def build(size: int, directory: Path):
    class Bench(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{directory / f'bench-{size}.sqlite3'}"

    app = create_app(Bench)
    with app.app_context():
        upgrade()
        make_user(Role.COORDINATOR, email="bench@example.jp")
        programs = [make_program(title_ja=f"講座{n}") for n in range(5)]
        schools = [make_school() for _ in range(30)]
        for n in range(size):
            make_request(
                programs[n % 5], commit=False, school_id=schools[n % 30].id, school_name=schools[n % 30].name
            )
            if n % 500 == 499:
                db.session.commit()
        db.session.commit()
    client = app.test_client()
    client.post("/staff/login", data={"email": "bench@example.jp", "password": DEFAULT_PASSWORD})
    return app, client


def measure(app, client, path: str) -> tuple[float, int]:
    client.get(path)  # warm caches and templates
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    with count_queries(app) as counter:
        client.get(path)
    return statistics.median(timings) * 1000, counter.count


def main(sizes: list[int]) -> None:
    results: dict[int, dict[str, tuple[float, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            app, client = build(size, Path(tmp))
            results[size] = {name: measure(app, client, path) for name, path in PAGES.items()}
            with app.app_context():
                db.engine.dispose()
    baseline = sizes[0]
    print(f"Staff lecture inbox on SQLite, median of {REPEATS} requests (ratio to N={baseline})")
    print(f"{'page':<18}{'N':>7}{'ms':>10}{'ratio':>8}{'queries':>9}")
    for name in PAGES:
        base_ms = results[baseline][name][0]
        for size in sizes:
            ms, queries = results[size][name]
            print(f"{name:<18}{size:>7}{ms:>10.1f}{ms / base_ms:>8.2f}{queries:>9}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 200, 2000, 4000])
