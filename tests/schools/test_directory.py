"""The school directory: editing, and the all-or-nothing CSV import in the encodings offices use."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.schools.models import School, SchoolType
from booking.schools.services import ImportRejected, import_schools, parse_csv
from tests.factories import make_user

GOOD_CSV = (
    "学校名,種別,区,住所,ふりがな,電話番号\r\n"
    "北九州市立小倉中央小学校,小学校,小倉北区,北九州市小倉北区,こくらちゅうおう,093-582-0000\r\n"
    "福岡県立戸畑高等学校,高等学校,戸畑区,北九州市戸畑区,とばた,\r\n"
    "北九州工業高等専門学校,その他,小倉南区,,,\r\n"
)


@pytest.fixture
def admin(ctx):
    return make_user(Role.ADMIN, email="admin@example.jp")


@pytest.mark.parametrize(
    "encoded",
    [GOOD_CSV.encode("utf-8"), GOOD_CSV.encode("utf-8-sig"), GOOD_CSV.encode("cp932")],
    ids=["utf-8", "utf-8-with-bom", "shift_jis"],
)
def test_import_reads_utf8_with_or_without_bom_and_shift_jis(admin, encoded):
    result = import_schools(encoded, actor=admin)
    assert (result.added, result.updated) == (3, 0)
    school = db.session.scalar(sa.select(School).where(School.name == "北九州市立小倉中央小学校"))
    assert school.school_type == SchoolType.ELEMENTARY
    assert school.ward == "小倉北区"
    assert school.phone == "093-582-0000"
    assert db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "school.import")) == {
        "added": 3,
        "updated": 0,
    }


def test_english_headers_and_type_names_work_too(admin):
    data = "name,type,ward\r\nSome School,junior_high,門司区\r\n".encode()
    result = import_schools(data, actor=admin)
    assert result.added == 1
    assert db.session.scalar(sa.select(School.school_type)) == SchoolType.JUNIOR_HIGH


def test_importing_again_updates_instead_of_duplicating(admin):
    import_schools(GOOD_CSV.encode(), actor=admin)
    changed = GOOD_CSV.replace("北九州市戸畑区,とばた", "北九州市戸畑区新町,とばた")
    result = import_schools(changed.encode(), actor=admin)
    assert (result.added, result.updated) == (0, 3)
    assert db.session.scalar(sa.select(sa.func.count(School.id))) == 3
    assert (
        db.session.scalar(sa.select(School.address).where(School.name == "福岡県立戸畑高等学校"))
        == "北九州市戸畑区新町"
    )


def test_one_bad_row_imports_nothing_and_every_bad_row_is_listed(admin):
    bad = GOOD_CSV + (
        ",小学校,門司区,,,\r\n"  # line 5: no name
        "どこかの学校,大学,門司区,,,\r\n"  # line 6: unknown type
        "別の学校,小学校,東京都,,,\r\n"  # line 7: not a ward
        "北九州市立小倉中央小学校,小学校,小倉北区,,,\r\n"  # line 8: duplicate of line 2
        "電話の学校,小学校,門司区,,,12345\r\n"  # line 9: bad phone
    )
    with pytest.raises(ImportRejected) as raised:
        import_schools(bad.encode("cp932"), actor=admin)
    lines = {e.line: e.message for e in raised.value.errors}
    assert sorted(lines) == [5, 6, 7, 8, 9]
    assert "空" in lines[5] or "empty" in lines[5]
    assert "大学" in lines[6]
    assert "東京都" in lines[7]
    assert "2" in lines[8]
    assert "12345" in lines[9]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(School.id))) == 0


def test_missing_columns_are_named(admin):
    result = parse_csv("区,住所\r\n門司区,x\r\n".encode())
    assert len(result.errors) == 1 and result.errors[0].line == 1
    assert "学校名" in result.errors[0].message and "種別" in result.errors[0].message


def test_binary_file_is_refused_with_a_message(admin):
    with pytest.raises(ImportRejected) as raised:
        import_schools(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x81", actor=admin)
    assert "UTF-8" in raised.value.errors[0].message


@pytest.fixture
def admin_client(app, admin, login):
    client = app.test_client()
    login(client, admin.email)
    return client


def upload(client, data: bytes, name="schools.csv"):
    return client.post(
        "/staff/schools/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_import_page_lists_the_rows_to_correct(app, admin_client):
    response = upload(admin_client, (GOOD_CSV + "どこかの学校,大学,門司区,,,\r\n").encode("cp932"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "5行目" in html and "大学" in html
    assert "何も取り込んでいません" in html


def test_import_page_imports_a_good_file(app, admin_client):
    response = upload(admin_client, GOOD_CSV.encode("utf-8-sig"))
    assert response.status_code == 302
    page = admin_client.get("/staff/schools/").get_data(as_text=True)
    assert "福岡県立戸畑高等学校" in page


def test_import_refuses_other_file_types(app, admin_client):
    response = upload(admin_client, b"hello", name="schools.xlsx")
    assert response.status_code == 422
    assert ".csv" in response.get_data(as_text=True)


def test_admin_adds_and_edits_a_school(app, admin_client):
    response = admin_client.post(
        "/staff/schools/new",
        data={
            "name": "北九州市立テスト小学校",
            "name_kana": "てすと",
            "school_type": "elementary",
            "ward": "若松区",
            "address": "北九州市若松区",
            "phone": "０９３−７６１−００００",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        school = db.session.scalar(sa.select(School))
        school_id = school.id
        assert school.phone == "093-761-0000"
    response = admin_client.post(
        f"/staff/schools/{school_id}",
        data={"name": "北九州市立テスト小学校", "school_type": "elementary", "ward": "若松区"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(School, school_id).active is False  # unticked box hides it


def test_duplicate_name_is_refused_next_to_the_field(app, admin_client):
    form = {"name": "同じ名前の学校", "school_type": "high", "ward": ""}
    assert admin_client.post("/staff/schools/new", data=form).status_code == 302
    response = admin_client.post("/staff/schools/new", data=form)
    assert response.status_code == 422
    assert 'id="name-error"' in response.get_data(as_text=True)


def test_filters_narrow_the_list(app, admin, admin_client):
    db.session.rollback()  # the sign-in request wrote since this session last read
    import_schools(GOOD_CSV.encode(), actor=admin)
    page = admin_client.get("/staff/schools/?type=high").get_data(as_text=True)
    assert "福岡県立戸畑高等学校" in page and "小倉中央小学校" not in page
    page = admin_client.get("/staff/schools/?q=こくら").get_data(as_text=True)
    assert "小倉中央小学校" in page and "戸畑高等学校" not in page


def test_forms_list_schools_youngest_pupils_first_and_wards_in_city_order(admin):
    import_schools(
        "学校名,種別,区\r\n戸畑の高校,高等学校,戸畑区\r\n門司の高校,高等学校,門司区\r\n"
        "八幡の小学校,小学校,八幡東区\r\n門司の中学校,中学校,門司区\r\n".encode(),
        actor=admin,
    )
    from booking.schools.services import active_schools

    assert [s.name for s in active_schools()] == ["八幡の小学校", "門司の中学校", "門司の高校", "戸畑の高校"]
    assert [s.name for s in active_schools(types={SchoolType.HIGH})] == ["門司の高校", "戸畑の高校"]
