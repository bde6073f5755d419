"""The school import refuses what its columns cannot hold, through the real upload route."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from booking.core.auth import Role
from booking.extensions import db
from booking.schools.models import School
from tests.factories import make_user

HEADER = "学校名,種別,区,住所,ふりがな,電話番号\r\n"


@pytest.fixture
def admin_client(app, ctx, login):
    admin = make_user(Role.ADMIN, email="admin@example.jp")
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, admin.email)
    return client


def _upload(client, text: str):
    data = {"file": (io.BytesIO(text.encode("utf-8")), "schools.csv")}
    return client.post("/staff/schools/import", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(
    "row, message",
    [
        ("北九州市立長い住所小学校,小学校,門司区," + "住" * 201 + ",,\r\n", "longer than 200 characters"),
        ("北九州市立長いかな小学校,小学校,門司区,," + "か" * 101 + ",\r\n", "longer than 100 characters"),
        ("北九州市立" + "長" * 100 + "小学校,小学校,門司区,,,\r\n", "longer than 100 characters"),
        ("北九州市立\x00小学校,小学校,門司区,,,\r\n", "control characters"),
        ("北九州市立\x0b小学校,小学校,門司区,,,\r\n", "control characters"),
        ('"北九州市立\r\n改行小学校",小学校,門司区,,,\r\n', "line breaks"),
        ("北九州市立大きな小学校,小学校,門司区," + "x" * 200_000 + ",,\r\n", "could not be read as CSV"),
    ],
    ids=["address", "kana", "name", "nul", "vertical-tab", "line-break", "huge-field"],
)
def test_a_row_the_columns_cannot_hold_is_refused_with_a_message(admin_client, row, message):
    response = _upload(admin_client, HEADER + row)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(School.id))) == 0
