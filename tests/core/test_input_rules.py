"""How input is read everywhere: digits, dates, lengths, lines, email addresses, logged values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from wtforms import HiddenField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from booking.core.forms import BaseForm, JapanesePhone, parse_digits
from booking.extensions import db
from booking.lectures.models import (
    LectureRequest,
)
from booking.scheduling.models import TimeOff
from booking.schools.models import School, SchoolType
from booking.youth.models import Application
from tests.factories.lectures import form_data as request_form
from tests.factories.youth import DURING, make_cohort
from tests.factories.youth import form_data as application_form

ROOT = Path(__file__).resolve().parents[2]


def _english(client):
    client.set_cookie("lang", "en")
    return client


# Digits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, number",
    [("12", 12), ("１２", 12), (" 7 ", 7), ("²", None), ("①", None), ("٢", None), ("1.5", None), ("", None)],
)
def test_only_ascii_and_full_width_digits_are_numbers(text, number):
    assert parse_digits(text) == number


def test_no_code_reads_numbers_with_isdigit():
    """str.isdigit() says yes to ² and ①, which int() then refuses: use parse_digits."""
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "booking").rglob("*.py")
        if ".isdigit(" in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_odd_numbers_in_the_inbox_filters_are_ignored(ctx, coordinator_client):
    response = coordinator_client.get("/staff/lectures/?fiscal_year=²&program=①&school=" + "9" * 40)
    assert response.status_code == 200


# The youth application and its drafts ------------------------------------------------------


@pytest.fixture
def open_cohort(ctx):
    import time_machine

    high = School(name="福岡県立小倉高等学校", school_type=SchoolType.HIGH)
    db.session.add(high)
    db.session.commit()
    cohort = make_cohort()
    with time_machine.travel(DURING, tick=False):
        yield high.id
    assert cohort


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("family_name", "山" * 51, "Please shorten this to 50 characters"),
        ("guardian_relationship", "父" * 31, "Please shorten this to 30 characters"),
        ("phone", "0" * 21, "Enter a phone number in Japan"),
        ("essay", "あ" * 10_001, "Your essay is too long to save"),
        ("submission_key", "k" * 65, "This form is out of date"),
        ("grade", "²", "Choose your year at school"),
        ("school_id", "²", "Not a valid choice"),
        ("email", "テスト@example.jp", "To save a draft, enter your email address"),
    ],
)
@pytest.mark.parametrize("action", ["draft", "submit"])
def test_an_application_field_beyond_what_can_be_stored_is_refused_with_a_message(
    app, open_cohort, field, value, message, action
):
    client = _english(app.test_client())
    data = application_form(open_cohort, action=action, **{field: value})
    response = client.post("/youth/apply", data=data)
    assert response.status_code == 422
    if action == "draft" or field != "email":
        assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


# The lecture request ------------------------------------------------------------------------


def test_an_address_needing_smtputf8_is_refused_with_a_message(app, ctx, frozen, program):
    client = _english(app.test_client())
    response = client.post("/lectures/request", data=request_form(program, contact_email="テスト@example.jp"))
    assert response.status_code == 422
    assert "Japanese characters there" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(LectureRequest.id))) == 0


def test_an_internationalised_domain_is_kept_in_its_ascii_form(app, ctx, frozen, program):
    response = app.test_client().post(
        "/lectures/request", data=request_form(program, contact_email="sensei@日本.jp")
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(LectureRequest.contact_email)) == "sensei@xn--wgv71a.jp"


def test_a_single_line_field_refuses_line_breaks(app, ctx, frozen, program):
    client = _english(app.test_client())
    response = client.post("/lectures/request", data=request_form(program, contact_name="山田\r\n花子"))
    assert response.status_code == 422
    assert "Write this on one line." in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
def test_time_off_on_a_date_out_of_range_is_refused_with_a_message(
    ctx,
    frozen,
    lecturer,
    coordinator_client,
    day,
):
    _english(coordinator_client)
    response = coordinator_client.post(
        f"/staff/lectures/lecturers/{lecturer.id}/unavailable",
        data={"start_date": day, "end_date": day},
        follow_redirects=True,
    )
    assert response.status_code < 500
    assert "Enter a date between 2000 and 2100." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(TimeOff.id))) == 0


# Every form, and the database's own errors ----------------------------------------------------


def _form_classes() -> list[type[BaseForm]]:
    import booking.lectures.forms
    import booking.review.forms
    import booking.schools.forms
    import booking.selection.forms
    import booking.settings.forms
    import booking.staff.forms
    import booking.youth.forms  # noqa: F401

    found, todo = [], list(BaseForm.__subclasses__())
    while todo:
        form = todo.pop()
        found.append(form)
        todo += form.__subclasses__()
    return found


def test_every_text_field_has_a_length_limit():
    """A column's length (or a sane maximum for text) is checked by the form, never the database."""
    missing = []
    for form in _form_classes():
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not isinstance(unbound, UnboundField) or not issubclass(unbound.field_class, StringField):
                continue
            if issubclass(unbound.field_class, HiddenField) and name != "submission_key":
                continue  # read by the view, never stored as typed
            validators = unbound.kwargs.get("validators") or []
            if any(isinstance(v, JapanesePhone) for v in validators):
                continue  # stored normalised, never longer than the column
            limits = [v.max for v in validators if isinstance(v, Length) and v.max > 0]
            if not limits or max(limits) > 10_000:
                missing.append(f"{form.__module__}.{form.__name__}.{name}")
    # The lecture and study-tour requests replace a key they cannot use with a new one.
    assert sorted(missing) == [
        "booking.lectures.forms.RequestForm.submission_key",
        "booking.visits.forms.VisitRequestForm.submission_key",
    ]


def test_a_database_error_does_not_carry_the_values_into_the_log(ctx):
    db.session.add(School(name="秘密の学校", school_type=SchoolType.HIGH, address="秘密町1-2-3"))
    db.session.commit()
    db.session.add(School(name="秘密の学校", school_type=SchoolType.HIGH, address="秘密町1-2-3"))
    with pytest.raises(sa.exc.IntegrityError) as raised:
        db.session.commit()
    db.session.rollback()
    assert "秘密" not in str(raised.value)
    assert not re.search(r"秘密|1-2-3", repr(raised.value))


# Files and query-string numbers -------------------------------------------------------------


def test_a_file_sent_in_place_of_a_text_field_is_refused_with_a_message(client, ctx):
    """Only the school import takes a file; elsewhere a file would reach text validators."""
    from io import BytesIO

    before = db.session.scalar(sa.select(sa.func.count()).select_from(LectureRequest))
    for path, field in [
        ("/staff/login", "email"),
        ("/staff/forgot-password", "email"),
        ("/lectures/request", "contact_name"),
        ("/youth/apply", "email"),
    ]:
        response = _english(client).post(
            path,
            data={field: (BytesIO(b"hello"), "note.txt")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 400, path
        assert "This form does not take files" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LectureRequest)) == before


@pytest.mark.parametrize(
    "query",
    [
        "fiscal_year=0",
        "fiscal_year=-1",
        "fiscal_year=2147483648",
        "fiscal_year=99999999999999999999",
        "program=2147483648",
        "school=9223372036854775808",
        "page=9223372036854775808",
        "page=99999999999999999999",
        "page=²",
    ],
)
def test_numbers_beyond_any_record_in_staff_queries_are_ignored(coordinator_client, query):
    for path in (
        "/staff/lectures/",
        "/staff/lectures/feedback",
        "/staff/outbox/",
        "/staff/lectures/export.csv",
    ):
        response = coordinator_client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, response.status_code)


def test_no_code_reads_query_numbers_with_type_int():
    """`type=int` takes any size and sign: use booking.core.numbers' bounded converters."""
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "booking").rglob("*views.py")
        if "type=int" in path.read_text(encoding="utf-8")
    ]
    assert found == []
