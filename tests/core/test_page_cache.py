"""The public pages' cache: a change shows on the next request, in both languages, in every
worker; nothing personal or per visitor is kept; the pages read a fixed number of rows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from booking import create_app
from booking.config import TestConfig
from booking.core.cache import EVERY_TABLE, page_cache, written_table
from booking.extensions import db
from booking.lectures.models import LectureStatus, Program
from booking.schools.models import School, SchoolType
from booking.youth.models import Cohort
from tests.conftest import IsolatedClient
from tests.factories.lectures import make_program
from tests.factories.records import held
from tests.factories.youth import CLOSES_AT, DURING, make_cohort
from tests.helpers import count_queries

JA = {"Accept-Language": "ja"}
EN = {"Accept-Language": "en"}
PUBLIC_PAGES = ["/lectures/", "/youth/", "/records", "/lectures/request", "/youth/apply"]


def text(client, path: str, headers: dict) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def second_app(database_url: str, **settings) -> Flask:
    """Another worker: its own process memory (page cache, engine), the same database."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    other = create_app({**{k: getattr(Config, k) for k in dir(Config) if k.isupper()}, **settings})
    other.test_client_class = IsolatedClient
    return other


@pytest.fixture
def other_worker(database_url: str) -> Iterator[Flask]:
    other = second_app(database_url)
    yield other
    with other.app_context():
        db.engine.dispose()


@pytest.fixture
def public_data(ctx, frozen) -> dict:
    frozen.move_to(DURING)
    program = make_program()
    cohort = make_cohort()
    db.session.add(School(name="市立若松高等学校", school_type=SchoolType.HIGH, active=True))
    db.session.commit()
    return {"program": program.id, "cohort": cohort.id}


# Which writes renew which tokens ---------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "table"),
    [
        ("INSERT INTO lecture_programs (title_ja) VALUES (?)", "lecture_programs"),
        ("INSERT OR REPLACE INTO schools (name) VALUES (?)", "schools"),
        ('UPDATE "users" SET name=%(name)s', "users"),
        ("  update youth_cohorts SET title_ja=?", "youth_cohorts"),
        ("DELETE FROM blackout_days WHERE id = ?", "blackout_days"),
        ('TRUNCATE "schools", "users" RESTART IDENTITY CASCADE', EVERY_TABLE),
        ("ALTER TABLE schools ADD COLUMN x INTEGER", EVERY_TABLE),
        ("WITH moved AS (UPDATE schools SET active = false RETURNING id) SELECT 1", EVERY_TABLE),
        ("SELECT * FROM schools FOR UPDATE", None),
        ("WITH recent AS (SELECT 1) SELECT * FROM recent", None),
        ("SAVEPOINT sa_savepoint_1", None),
        ("PRAGMA foreign_keys=ON", None),
    ],
)
def test_each_write_names_the_table_whose_token_is_renewed(statement, table):
    assert written_table(statement) == table


# A staff change shows on the next request, in both languages, in every worker --------------


def test_a_program_edited_by_staff_shows_at_once_in_both_languages_in_every_worker(
    app, client, ctx, public_data, coordinator_client, other_worker
):
    other = other_worker.test_client()
    for worker in (client, other):  # both workers have the catalog cached
        assert "プノンペンの奇跡" in text(worker, "/lectures/", JA)
        assert "The Phnom Penh miracle" in text(worker, "/lectures/", EN)
        assert "The Phnom Penh miracle" in text(worker, "/lectures/request", EN)
    assert len(page_cache(app)) and len(page_cache(other_worker))

    edited = {
        "title_ja": "メコン川の水",
        "title_en": "Water of the Mekong",
        "summary_ja": "新しい講座です。",
        "summary_en": "A new lecture.",
        "target_grades": ["junior_high"],
        "formats": ["online"],
        "duration_minutes": "50",
        "max_audience": "80",
        "position": "1",
        "active": "y",
    }
    path = f"/staff/lectures/programs/{public_data['program']}"
    assert coordinator_client.post(path, data=edited).status_code == 302

    for worker in (other, client):
        ja, en = text(worker, "/lectures/", JA), text(worker, "/lectures/", EN)
        assert "メコン川の水" in ja and "プノンペンの奇跡" not in ja
        assert "Water of the Mekong" in en and "The Phnom Penh miracle" not in en
        form = text(worker, "/lectures/request", EN)
        assert "Water of the Mekong" in form and "The Phnom Penh miracle" not in form


def test_settings_changed_by_an_admin_show_at_once_in_every_worker(
    app, client, ctx, login, other_worker, public_data
):
    from booking.core.auth import Role
    from tests.factories import make_user

    admin = make_user(Role.ADMIN, email="admin@example.jp")
    admin_client = app.test_client()
    login(admin_client, admin.email)
    other = other_worker.test_client()
    for worker in (client, other):
        assert "at least 14 days ahead" in text(worker, "/lectures/", EN)
        assert "14日以上先" in text(worker, "/lectures/", JA)
        assert "08:30" in text(worker, "/lectures/request", EN)
    values = {
        "lead_time_days": "21",
        "horizon_days": "120",
        "school_day_start": "09:00",
        "school_day_end": "15:30",
        "in_person_buffer_minutes": "90",
        "online_buffer_minutes": "20",
        "daily_cap": "2",
        "reminder_days": "5",
        "visit_lead_days": "21",
    }
    assert admin_client.post("/staff/settings", data=values).status_code == 302
    for worker in (other, client):
        assert "at least 21 days ahead" in text(worker, "/lectures/", EN)
        assert "21日以上先" in text(worker, "/lectures/", JA)
        form = text(worker, "/lectures/request", EN)
        assert "09:00" in form and "08:30" not in form


def test_a_cohort_and_a_school_changed_show_at_once_in_every_worker(client, ctx, other_worker, public_data):
    other = other_worker.test_client()
    for worker in (client, other):
        assert "Phnom Penh, Cambodia" in text(worker, "/youth/", EN)
        assert "市立若松高等学校" in text(worker, "/youth/apply", JA)
    cohort = db.session.get(Cohort, public_data["cohort"])
    cohort.destination_en, cohort.destination_ja = "Hai Phong, Vietnam", "ベトナム ハイフォン市"
    db.session.add(School(name="市立八幡高等学校", school_type=SchoolType.HIGH, active=True))
    db.session.commit()
    for worker in (other, client):
        assert "Hai Phong, Vietnam" in text(worker, "/youth/", EN)
        assert "ベトナム ハイフォン市" in text(worker, "/youth/", JA)
        assert "市立八幡高等学校" in text(worker, "/youth/apply", JA)
        assert "市立八幡高等学校" in text(worker, "/youth/apply", EN)


def test_a_lecture_recorded_as_held_shows_in_the_track_record_at_once(client, ctx, other_worker, public_data):
    program = db.session.get(Program, public_data["program"])
    held(program, date(2025, 6, 10), audience=30)
    other = other_worker.test_client()
    for worker in (client, other):
        assert '<span class="stat__number">30</span>' in text(worker, "/records", JA)
    lecture = held(program, date(2025, 7, 10), audience=45)
    assert lecture.status == LectureStatus.COMPLETED
    for worker in (other, client):
        assert '<span class="stat__number">75</span>' in text(worker, "/records", JA)
        assert '<span class="stat__number">75</span>' in text(worker, "/records", EN)


def test_the_youth_page_follows_the_clock_without_any_write(client, ctx, frozen, public_data):
    assert "Applications are open until" in text(client, "/youth/", EN)
    frozen.move_to(CLOSES_AT + timedelta(minutes=1))
    page = text(client, "/youth/", EN)
    assert "Applications are open until" not in page and "closed on" in page


def test_workers_sharing_redis_see_each_others_changes(database_url, ctx, frozen, public_data):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    shared = {"PAGE_CACHE_STORAGE_URI": url, "PAGE_CACHE_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first, second = second_app(database_url, **shared), second_app(database_url, **shared)
    try:
        one, two = first.test_client(), second.test_client()
        for worker in (one, two):
            assert "The Phnom Penh miracle" in text(worker, "/lectures/", EN)
        with first.app_context():  # a write through the first worker's engine
            db.session.execute(
                sa.update(Program).where(Program.id == public_data["program"]).values(title_en="Mekong water")
            )
            db.session.commit()
        for worker in (two, one):
            assert "Mekong water" in text(worker, "/lectures/", EN)
    finally:
        for worker_app in (first, second):
            with worker_app.app_context():
                db.engine.dispose()


def test_nothing_is_cached_while_the_version_store_is_unreachable(database_url, ctx, frozen, public_data):
    down = second_app(database_url, PAGE_CACHE_STORAGE_URI="redis://127.0.0.1:9/0")
    try:
        client = down.test_client()
        assert "The Phnom Penh miracle" in text(client, "/lectures/", EN)
        assert all("Phnom Penh" not in str(value) for value in page_cache(down).stored())
        db.session.execute(
            sa.update(Program).where(Program.id == public_data["program"]).values(title_en="Mekong water")
        )
        db.session.commit()
        assert "Mekong water" in text(client, "/lectures/", EN)
    finally:
        with down.app_context():
            db.engine.dispose()


# Nothing personal or per visitor is kept -------------------------------------------------


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="{name}"', page).group(1)


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/lectures/request", ["csrf_token", "submission_key"]),
        ("/youth/apply", ["csrf_token", "submission_key"]),
    ],
)
def test_each_visitor_gets_their_own_tokens_and_no_cached_part_holds_one(app, path, fields, public_data):
    app.config["WTF_CSRF_ENABLED"] = True
    first, second = app.test_client(), app.test_client()
    pages = [text(first, path, JA), text(second, path, JA), text(first, path, EN)]
    for name in fields:
        values = [_hidden(page, name) for page in pages[:2]]
        assert values[0] != values[1]
        cached = "".join(str(value) for value in page_cache(app).stored())
        assert all(value not in cached for value in values)
    assert any("form-section" in str(value) for value in page_cache(app).stored())  # the fields are cached


def test_the_youth_page_gives_each_visitor_their_own_token_for_the_resend_form(app, public_data):
    app.config["WTF_CSRF_ENABLED"] = True
    pages = [text(app.test_client(), "/youth/", JA) for _ in range(2)]
    tokens = [_hidden(page, "csrf_token") for page in pages]
    assert tokens[0] != tokens[1]
    assert all(token not in "".join(map(str, page_cache(app).stored())) for token in tokens)


def test_a_form_with_what_someone_typed_is_never_cached(app, client, public_data):
    data = {"contact_name": "山田 花子", "contact_email": "hanako@example.jp", "audience_size": "abc"}
    response = client.post("/lectures/request", data=data)
    assert response.status_code == 422 and "hanako@example.jp" in response.get_data(as_text=True)
    assert all("hanako@example.jp" not in str(value) for value in page_cache(app).stored())
    assert "hanako@example.jp" not in text(client, "/lectures/request", JA)


# Fixed query counts, and every table a page reads renews it --------------------------------


# Each public page's SQL once its entries are warm: none, however many rows there are.
WARM_QUERIES = dict.fromkeys(PUBLIC_PAGES, 0)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_warm_public_page_runs_a_fixed_number_of_queries(app, client, ctx, path, public_data):
    program = db.session.get(Program, public_data["program"])
    for n in range(6):
        make_program(title_ja=f"講座{n}")
        held(program, date(2025, 5, 7) + timedelta(days=3 * n))
    text(client, path, JA)
    with count_queries(app) as warm:
        text(client, path, JA)
    assert warm.count == WARM_QUERIES[path], warm.statements


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_table_a_page_reads_is_one_whose_change_renews_it(app, client, path, public_data):
    page_cache(app).clear()
    with count_queries(app) as cold:
        text(client, path, JA)
    assert cold.count  # read from the database this time
    endpoint = app.url_map.bind("booking.test").match(path)[0]
    declared = set(app.view_functions[endpoint].cached_tables())
    read = {
        table
        for statement in cold.statements
        for table in db.metadata.tables
        if re.search(rf'\b"?{table}"?\b', statement)
    }
    assert read <= declared, read - declared


# The empty request form: built only when its cached fields are missing --------------------


def _without_tokens(page: str) -> str:
    return re.sub(r'name="(csrf_token|submission_key)" type="hidden" value="[^"]*"', "", page)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?program={program}",
        "?program={program}&date=2026-12-14&format=online",
        "?format=in_person&date=9999-12-31",
    ],
)
@pytest.mark.parametrize("headers", [JA, EN])
def test_a_warm_empty_request_form_is_drawn_without_building_the_form(
    app, client, monkeypatch, query, headers, public_data
):
    from booking.lectures.forms import RequestForm

    built = []
    original = RequestForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(RequestForm, "__init__", counting)
    path = "/lectures/request" + query.format(program=public_data["program"])
    cold = text(client, path, headers)
    assert len(built) == 1  # the first visitor's page builds the form and caches its fields
    warm = text(client, path, headers)
    assert len(built) == 1  # the next one is drawn from the cache alone
    assert _without_tokens(warm) == _without_tokens(cold)
    assert 'name="csrf_token"' in warm and 'name="submission_key"' in warm
    # Every field the script needs is there, the periods' choice too (shown once a school is chosen).
    assert all(f'name="candidate_{rank}_periods"' in warm for rank in (1, 2, 3))


@pytest.mark.parametrize("headers", [JA, EN])
def test_a_warm_empty_application_form_is_drawn_without_building_the_form(
    app, client, monkeypatch, headers, public_data
):
    from booking.youth.forms import ApplicationForm

    built = []
    original = ApplicationForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ApplicationForm, "__init__", counting)
    cold = text(client, "/youth/apply", headers)
    assert len(built) == 1
    warm = text(client, "/youth/apply", headers)
    assert len(built) == 1
    assert _without_tokens(warm) == _without_tokens(cold)
    assert 'name="essay"' in warm and 'name="csrf_token"' in warm and 'name="submission_key"' in warm
