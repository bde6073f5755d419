"""Bell schedules (校時): defaults per school type, runs of periods, the staff page, the CSV column."""

from __future__ import annotations

from datetime import time

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from booking.core.auth import Role
from booking.extensions import db
from booking.schools.models import School, SchoolPeriod, SchoolType
from booking.schools.periods import (
    Period,
    crosses_long_break,
    default_periods,
    parse_run,
    parse_schedule,
    periods_needed,
    runs,
    schedule_of,
)
from booking.schools.services import ImportRejected, import_schools
from tests.factories import make_user
from tests.factories.schools import make_school


@pytest.fixture
def admin(ctx):
    return make_user(Role.ADMIN, email="periods-admin@example.jp")


@pytest.fixture
def admin_client(app, admin, login):
    client = app.test_client()
    login(client, admin.email)
    return client


def stored(school_id: int) -> list[tuple[int, time, time]]:
    db.session.rollback()
    return [
        (p.number, p.starts_at, p.ends_at)
        for p in db.session.scalars(
            sa.select(SchoolPeriod).where(SchoolPeriod.school_id == school_id).order_by(SchoolPeriod.number)
        )
    ]


# Defaults and runs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("school_type", "minutes"),
    [
        (SchoolType.ELEMENTARY, 45),
        (SchoolType.SPECIAL_NEEDS, 45),
        (SchoolType.JUNIOR_HIGH, 50),
        (SchoolType.HIGH, 50),
        (SchoolType.OTHER, 50),
    ],
)
def test_default_periods_start_at_845_and_last_as_the_school_type_says(school_type, minutes):
    periods = default_periods(school_type)
    assert periods[0].starts_at == time(8, 45)
    assert [p.number for p in periods] == [1, 2, 3, 4, 5, 6]
    for period in periods:
        length = (period.ends_at.hour * 60 + period.ends_at.minute) - (
            period.starts_at.hour * 60 + period.starts_at.minute
        )
        assert length == minutes


def test_a_school_without_its_own_periods_uses_its_types_default(ctx):
    school = make_school(school_type=SchoolType.JUNIOR_HIGH)
    assert schedule_of(school) == default_periods(SchoolType.JUNIOR_HIGH)


def test_runs_never_cross_lunch_but_do_cross_the_short_breaks():
    periods = default_periods(SchoolType.ELEMENTARY)
    found = runs(periods)
    assert (3, 4) in found and (2, 3) in found and (1, 4) in found and (5, 6) in found
    assert (4, 5) not in found and (3, 5) not in found
    assert crosses_long_break(periods, 4, 5)
    assert not crosses_long_break(periods, 2, 3)  # the 20-minute break after the 2nd period


@pytest.mark.parametrize(
    ("minutes", "first", "needed"),
    [(45, 3, 1), (90, 3, 2), (100, 3, 2), (120, 1, 3), (90, 4, 2)],
)
def test_periods_needed_counts_the_breaks_between_them(minutes, first, needed):
    assert periods_needed(default_periods(SchoolType.ELEMENTARY), first, minutes) == needed


@pytest.mark.parametrize(
    ("typed", "run"),
    [
        ("3-4", (3, 4)),
        ("３-４", (3, 4)),
        ("３－４", (3, 4)),
        ("3–4", (3, 4)),
        ("3〜4", (3, 4)),
        ("3・4校時", (3, 4)),
        (" 3 - 4 ", (3, 4)),
        ("5", (5, 5)),
        ("５校時", (5, 5)),
    ],
)
def test_a_run_of_periods_reads_as_people_type_it(ctx, typed, run):
    assert parse_run(typed) == run


@pytest.mark.parametrize(
    "typed", ["4-3", "0", "99", "3-4-5", "²", "3-²", "①", "3-", "-4", "three", "3;4", "x" * 10_000]
)
def test_a_run_of_periods_that_is_not_one_is_refused_with_a_message(ctx, typed):
    with pytest.raises(ValueError, match=r"\w"):
        parse_run(typed)


# The database --------------------------------------------------------------------------


def test_a_school_cannot_have_the_same_period_twice(ctx):
    school = make_school()
    db.session.add_all(
        [
            SchoolPeriod(school_id=school.id, number=1, starts_at=time(8, 45), ends_at=time(9, 30)),
            SchoolPeriod(school_id=school.id, number=1, starts_at=time(9, 40), ends_at=time(10, 25)),
        ]
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    ("number", "starts", "ends"),
    [(1, time(9, 30), time(8, 45)), (1, time(9, 0), time(9, 0)), (0, time(9), time(10))],
)
def test_the_database_refuses_a_period_ending_before_it_starts_or_numbered_out_of_range(
    ctx, number, starts, ends
):
    school = make_school()
    db.session.add(SchoolPeriod(school_id=school.id, number=number, starts_at=starts, ends_at=ends))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


# The staff page ------------------------------------------------------------------------


def fresh_school(*args, **kwargs) -> School:
    db.session.rollback()  # the sign-in request wrote since this session last read
    return make_school(*args, **kwargs)


def periods_form(*spans: tuple[str, str]) -> dict[str, str]:
    data = {}
    for number in range(1, 9):
        start, end = spans[number - 1] if number <= len(spans) else ("", "")
        data[f"period_{number}_start"] = start
        data[f"period_{number}_end"] = end
    return data


GOOD_DAY = [
    ("08:30", "09:15"),
    ("09:20", "10:05"),
    ("10:25", "11:10"),
    ("11:15", "12:00"),
    ("13:20", "14:05"),
]


def test_the_page_shows_the_default_schedule_until_one_is_saved(admin_client):
    school_id = fresh_school(school_type=SchoolType.ELEMENTARY).id
    html = admin_client.get(f"/staff/schools/{school_id}/periods").get_data(as_text=True)
    assert 'value="08:45"' in html and 'value="15:25"' in html


def test_staff_save_a_schools_own_periods_and_can_go_back_to_the_default(admin_client):
    school_id = fresh_school().id
    response = admin_client.post(f"/staff/schools/{school_id}/periods", data=periods_form(*GOOD_DAY))
    assert response.status_code == 302
    assert stored(school_id)[0] == (1, time(8, 30), time(9, 15))
    assert len(stored(school_id)) == 5
    # Saved again (fewer periods): the old rows go.
    response = admin_client.post(f"/staff/schools/{school_id}/periods", data=periods_form(*GOOD_DAY[:4]))
    assert response.status_code == 302 and len(stored(school_id)) == 4
    response = admin_client.post(f"/staff/schools/{school_id}/periods", data={"reset": "1"})
    assert response.status_code == 302 and stored(school_id) == []


HOSTILE = {
    "nul": ({"period_1_start": "08:\x0030"}, 400),
    "control": ({"period_1_end": "09:\x0715"}, 400),
    "very_long": ({"period_1_start": "8" * 10_000}, 422),
    "superscript": ({"period_1_start": "0²:30"}, 422),
    "circled": ({"period_2_end": "①0:05"}, 422),
    "far_date_as_time": ({"period_1_start": "9999-12-31"}, 422),
    "not_a_time": ({"period_1_start": "25:00"}, 422),
    "start_without_end": ({"period_2_end": ""}, 422),
    "end_before_start": ({"period_1_end": "08:00"}, 422),
    "overlapping": ({"period_2_start": "09:00"}, 422),
    "gap": ({"period_1_start": "", "period_1_end": ""}, 422),
    "nothing": ({f"period_{n}_{p}": "" for n in range(1, 9) for p in ("start", "end")}, 422),
}


@pytest.mark.parametrize(("change", "status"), HOSTILE.values(), ids=HOSTILE.keys())
def test_bad_periods_get_a_message_and_nothing_is_saved(admin_client, change, status):
    school_id = fresh_school().id
    data = periods_form(*GOOD_DAY)
    data.update(change)
    response = admin_client.post(f"/staff/schools/{school_id}/periods", data=data)
    assert response.status_code == status
    if status == 422:
        assert 'class="error-summary"' in response.get_data(as_text=True)
    assert stored(school_id) == []


def test_full_width_times_are_read(admin_client):
    school_id = fresh_school().id
    data = periods_form(*GOOD_DAY)
    data["period_1_start"] = "０８：３０"
    assert admin_client.post(f"/staff/schools/{school_id}/periods", data=data).status_code == 302
    assert stored(school_id)[0][1] == time(8, 30)


def test_duplicated_fields_take_the_first_and_never_fail(admin_client):
    school_id = fresh_school().id
    data = MultiDict([*periods_form(*GOOD_DAY).items(), ("period_1_start", "10:00")])
    response = admin_client.post(f"/staff/schools/{school_id}/periods", data=data)
    assert response.status_code == 302
    assert stored(school_id)[0][1] == time(8, 30)


def test_only_administrators_open_the_periods_page(app, login, ctx):
    school_id = fresh_school().id
    make_user(Role.COORDINATOR, email="not-admin@example.jp")
    client = app.test_client()
    login(client, "not-admin@example.jp")
    assert client.get(f"/staff/schools/{school_id}/periods").status_code == 403


def test_the_schools_page_shows_each_schools_periods(admin_client):
    fresh_school("北九州市立時間割小学校", school_type=SchoolType.ELEMENTARY)
    html = admin_client.get("/staff/schools/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "6 periods, 08:45–15:25" in html


# The CSV column -----------------------------------------------------------------------

CSV_HEAD = "学校名,種別,校時\r\n"


def test_the_csv_import_takes_a_schools_periods(admin):
    data = (CSV_HEAD + "北九州市立校時小学校,小学校,1=08:30-09:15;2=09:20-10:05;３=10:25-11:10\r\n").encode()
    import_schools(data, actor=admin)
    school = db.session.scalar(sa.select(School).where(School.name == "北九州市立校時小学校"))
    assert [(p.number, p.starts_at) for p in school.periods] == [
        (1, time(8, 30)),
        (2, time(9, 20)),
        (3, time(10, 25)),
    ]


def test_an_empty_periods_cell_keeps_the_schools_schedule(admin):
    import_schools((CSV_HEAD + "北九州市立校時小学校,小学校,1=08:30-09:15\r\n").encode(), actor=admin)
    import_schools((CSV_HEAD + "北九州市立校時小学校,小学校,\r\n").encode(), actor=admin)
    school = db.session.scalar(sa.select(School).where(School.name == "北九州市立校時小学校"))
    assert [p.number for p in school.periods] == [1]


@pytest.mark.parametrize(
    "cell",
    [
        "1=08:30-09:15;3=10:25-11:10",  # period 2 missing
        "2=08:30-09:15",
        "1=09:15-08:30",
        "1=08:30-09:15;2=09:00-09:45",  # overlapping
        "1=25:00-26:00",
        "1=08:30",
        "1=0²:30-09:15",
        "periods",
        ";".join(f"{n}=08:{n:02d}-08:{n + 1:02d}" for n in range(1, 10)),  # 9 periods
        "1=" + "8" * 10_000,
    ],
)
def test_bad_periods_in_the_csv_are_listed_by_row_and_nothing_is_imported(admin, cell):
    data = (
        CSV_HEAD + "北九州市立よい小学校,小学校,\r\n" + f'北九州市立わるい小学校,小学校,"{cell}"\r\n'
    ).encode()
    with pytest.raises(ImportRejected) as raised:
        import_schools(data, actor=admin)
    assert [e.line for e in raised.value.errors] == [3]
    assert "periods" in raised.value.errors[0].message or "校時" in raised.value.errors[0].message
    assert db.session.scalar(sa.select(sa.func.count(School.id))) == 0


def test_parse_schedule_gives_periods_in_order(ctx):
    assert parse_schedule("1=08:45-09:30;2=09:40-10:25") == (
        Period(1, time(8, 45), time(9, 30)),
        Period(2, time(9, 40), time(10, 25)),
    )


def test_every_demo_school_gets_a_bell_schedule(ctx):
    from booking.schools import demo

    demo.seed()
    schools = db.session.scalars(sa.select(School)).all()
    assert schools and all(school.periods for school in schools)
