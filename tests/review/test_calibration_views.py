"""The calibration and descriptor pages: who may open them, hostile input, what reviewers see."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.review import services
from booking.review.calibration_models import CalibrationEssay, CalibrationScore
from booking.review.models import Criterion, Review
from tests.factories import make_user
from tests.factories.records import past_cohort
from tests.factories.review import SECRETS, add_application
from tests.helpers import count_queries
from tests.review.test_blind_review import _assert_blind

PAST_ESSAY = "私は去年、浄水場を見学しました。水を安全に届ける仕事の大切さを知りました。" * 6
SAMPLE = "見本の作文です。地域の水道について調べたことを書きました。" * 6


@pytest.fixture
def past_essay(schools):
    """An essay of fiscal year 2024; its applicant carries the data no reviewer may see."""
    return add_application(past_cohort(2024), 17, schools["kokura"], essay=PAST_ESSAY, **SECRETS)


@pytest.fixture
def assigned(cohort, rubric, reviewers, coordinator, applications, after_window):
    services.run_assignment(cohort, coordinator)
    return reviewers


@pytest.fixture
def described(rubric):
    rubric[0].level_low_ja, rubric[0].level_mid_ja, rubric[0].level_high_ja = (
        "動機が曖昧",
        "動機が一部具体的",
        "動機が全体を通して具体的",
    )
    rubric[0].level_high_en = "Concrete motivation throughout"
    db.session.commit()
    return rubric


@pytest.fixture
def calibration_set(cohort, described, coordinator, past_essay, assigned):
    refs = {described[0].id: 8, described[1].id: 4}
    a = services.add_calibration_essay(cohort, "Y-2024-017", "", refs, coordinator)
    b = services.add_calibration_essay(
        cohort, "", SAMPLE, {described[0].id: 5, described[1].id: 2}, coordinator
    )
    return a, b


def _scores(rubric, motivation="6", clarity="5"):
    return {f"score_{rubric[0].id}": motivation, f"score_{rubric[1].id}": clarity}


def _count(model) -> int:
    """Rows of `model` as the database holds them now (the test's session read earlier)."""
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _client(app, login, user):
    client = app.test_client()
    login(client, user.email)
    db.session.rollback()
    return client


# Who may open what -------------------------------------------------------------------------------------


def test_permission_matrix_of_the_calibration_pages(
    app, login, cohort, coordinator, calibration_set, assigned
):
    a, _b = calibration_set
    coordinator_pages = [
        ("GET", f"/staff/review/cohorts/{cohort.id}/calibration"),
        ("POST", f"/staff/review/cohorts/{cohort.id}/calibration"),
        ("GET", f"/staff/review/cohorts/{cohort.id}/calibration/{a.id}"),
        ("POST", f"/staff/review/cohorts/{cohort.id}/calibration/{a.id}/remove"),
    ]
    reviewer_pages = [
        ("GET", f"/staff/review/calibration/{a.id}"),
        ("POST", f"/staff/review/calibration/{a.id}"),
        ("GET", f"/staff/review/calibration/cohorts/{cohort.id}"),
    ]
    outsider = make_user(Role.REVIEWER, email="outsider@example.jp")
    lecturer = make_user(Role.LECTURER, email="lect@example.jp")
    anonymous = app.test_client()
    for method, path in coordinator_pages + reviewer_pages:
        assert anonymous.open(path, method=method).status_code == 302, path  # to the sign-in page
    clients = {
        "coordinator": _client(app, login, coordinator),
        "reviewer": _client(app, login, assigned[0]),
        "reviewer of no essay of the cohort": _client(app, login, outsider),
        "lecturer": _client(app, login, lecturer),
    }
    expected_coordinator = {
        "coordinator": 200,
        "reviewer": 403,
        "reviewer of no essay of the cohort": 403,
        "lecturer": 403,
    }
    expected_reviewer = {
        "coordinator": 403,
        "reviewer": 200,
        "reviewer of no essay of the cohort": 404,
        "lecturer": 403,
    }
    for who, client in clients.items():
        for method, path in coordinator_pages:
            if method == "GET":
                assert client.get(path).status_code == expected_coordinator[who], (who, path)
            elif who != "coordinator":
                assert client.post(path).status_code == expected_coordinator[who], (who, path)
        for method, path in reviewer_pages:
            if method == "GET":
                assert client.get(path).status_code == expected_reviewer[who], (who, path)
            elif who != "reviewer":
                assert client.post(path).status_code == expected_reviewer[who], (who, path)
    # Nothing was scored, removed or added by anyone turned away.
    assert _count(CalibrationScore) == 0
    assert _count(CalibrationEssay) == 2
    # Another cohort's essay id under this cohort's address is not found.
    other = past_cohort(2023)
    assert (
        clients["coordinator"].get(f"/staff/review/cohorts/{other.id}/calibration/{a.id}").status_code == 404
    )


# The coordinator's forms -----------------------------------------------------------------------------------


def test_a_coordinator_adds_a_past_essay_by_code_with_full_width_digits(
    after_window,
    coordinator_client,
    cohort,
    rubric,
    past_essay,
):
    response = coordinator_client.post(
        f"/staff/review/cohorts/{cohort.id}/calibration",
        data={"code": "Ｙ-２０２４-０１７", "sample_text": "", **_scores(rubric, "８", "４")},
    )
    assert response.status_code == 302
    db.session.rollback()
    essay = db.session.scalar(sa.select(CalibrationEssay))
    assert essay.code == "Y-2024-017" and essay.reference_for(rubric[0].id) == 8
    page = coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/calibration").get_data(as_text=True)
    assert "Y-2024-017" in page and "過去の作文" in page
    # The past applicant's name, school or contacts are not on the coordinator's page either.
    _assert_blind(page, "福岡県立秘密高等学校")


HOSTILE_CALIBRATION = {
    "code of 10k characters": {"code": "Y" * 10_000},
    "sample of 10k characters": {"sample_text": "あ" * 10_000},
    "both code and sample": {"code": "Y-2024-017", "sample_text": "見本"},
    "neither": {},
    "score beyond any integer": {"sample_text": "見本", "score_motivation": "9" * 30},
    "negative score": {"sample_text": "見本", "score_motivation": "-1"},
    "score in words": {"sample_text": "見本", "score_motivation": "八"},
    "line break in the code": {"code": "Y-2024-017\r\nY-2024-018"},
}


@pytest.mark.parametrize("label", list(HOSTILE_CALIBRATION))
def test_hostile_input_on_the_calibration_form_gets_a_message_and_saves_nothing(
    after_window, coordinator_client, cohort, rubric, past_essay, label
):
    data = {"code": "", "sample_text": "", **_scores(rubric, "5", "3")}
    for key, value in HOSTILE_CALIBRATION[label].items():
        data[f"score_{rubric[0].id}" if key == "score_motivation" else key] = value
    response = coordinator_client.post(f"/staff/review/cohorts/{cohort.id}/calibration", data=data)
    assert response.status_code == 422, label
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert _count(CalibrationEssay) == 0


def test_control_characters_on_the_calibration_form_are_refused(
    after_window,
    coordinator_client,
    cohort,
    rubric,
):
    response = coordinator_client.post(
        f"/staff/review/cohorts/{cohort.id}/calibration",
        data={"code": "", "sample_text": "見本\x00", **_scores(rubric)},
    )
    assert response.status_code == 400
    assert _count(CalibrationEssay) == 0


def test_every_missing_reference_is_listed_at_once(
    after_window,
    coordinator_client,
    cohort,
    rubric,
):
    response = coordinator_client.post(
        f"/staff/review/cohorts/{cohort.id}/calibration", data={"code": "", "sample_text": "見本"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html[
        html.index('class="error-summary"') : html.index("</ul>", html.index('class="error-summary"'))
    ]
    assert (
        "「志望の動機」の点数を選んでください。" in summary
        and "「表現の明確さ」の点数を選んでください。" in summary
    )


def test_a_duplicated_field_takes_the_first_value(
    after_window,
    coordinator_client,
    cohort,
    rubric,
):
    field = f"score_{rubric[0].id}"
    response = coordinator_client.post(
        f"/staff/review/cohorts/{cohort.id}/calibration",
        data=MultiDict(
            [
                ("code", ""),
                ("sample_text", "見本"),
                (field, "7"),
                (field, "1"),
                (f"score_{rubric[1].id}", "2"),
            ]
        ),
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(CalibrationEssay)).reference_for(rubric[0].id) == 7


def test_the_reference_scores_are_edited_then_fixed(
    after_window, coordinator_client, cohort, calibration_set, described
):
    a, _b = calibration_set
    url = f"/staff/review/cohorts/{cohort.id}/calibration/{a.id}"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert PAST_ESSAY[:20] in page
    assert re.search(r'<input[^>]*checked[^>]*value="8"|<input[^>]*value="8"[^>]*checked', page)
    assert coordinator_client.post(url, data=_scores(described, "9", "5")).status_code == 302
    db.session.rollback()
    assert db.session.get(CalibrationEssay, a.id).reference_for(described[0].id) == 9
    reviewer = next(r for r in services.reviewers() if services.calibration_essay_for(r, a.id))
    services.score_calibration(a, _scores_values(described), reviewer)
    refused = coordinator_client.post(url, data=_scores(described, "1", "1"))
    assert refused.status_code == 422
    removed = coordinator_client.post(f"{url}/remove", follow_redirects=True)
    assert "すでに採点したため" in removed.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(CalibrationEssay, a.id).reference_for(described[0].id) == 9


def _scores_values(rubric):
    return {rubric[0].id: 6, rubric[1].id: 5}


# Level descriptors on the criterion form and beside the score buttons -----------------------------------


def _criterion_form(**levels):
    return {"name_ja": "動機", "max_score": "5", "weight": "1", **levels}


def test_descriptors_are_edited_on_the_criterion_form_and_shown_beside_the_score_buttons(
    app, login, after_window, coordinator_client, cohort, assigned, rubric
):
    url = f"/staff/review/cohorts/{cohort.id}/rubric/{rubric[0].id}"
    saved = coordinator_client.post(
        url,
        data=_criterion_form(
            max_score="10",
            level_low_ja="具体的な動機がない",
            level_mid_ja="動機は具体的だが、研修との結びつきが弱い",
            level_high_ja="研修で学ぶことと帰国後の活動が具体的に結びついている",
            level_high_en="Links what they will learn to what they will do afterwards",
        ),
    )
    assert saved.status_code == 302
    assert "動機は具体的だが" in coordinator_client.get(f"/staff/review/cohorts/{cohort.id}/rubric").get_data(
        as_text=True
    )
    reviewer = assigned[0]
    application_id = services.queue_for(reviewer)[0].reviews[0].application_id
    client = _client(app, login, reviewer)
    page = client.get(f"/staff/review/essays/{application_id}").get_data(as_text=True)
    levels = re.search(r'<dl class="score-levels" id="([^"]+)-levels">(.*?)</dl>', page, re.S)
    assert levels and "1点" in levels.group(2) and "5点" in levels.group(2) and "10点" in levels.group(2)
    assert "具体的な動機がない" in levels.group(2)
    fieldset = re.search(rf'<fieldset[^>]*id="{levels.group(1)}"[^>]*>', page).group(0)
    assert f"{levels.group(1)}-levels" in fieldset  # aria-describedby names the descriptors
    client.set_cookie("lang", "en")
    english = client.get(f"/staff/review/essays/{application_id}").get_data(as_text=True)
    assert "Links what they will learn" in english and "具体的な動機がない" in english  # no English: Japanese


@pytest.mark.parametrize(
    ("levels", "status"),
    [
        ({"level_low_ja": "あ" * 10_000}, 422),
        ({"level_high_en": "x" * 1001}, 422),
        ({"level_mid_ja": "途中\x00"}, 400),
        ({"level_low_en": "\x1b[31m"}, 400),
    ],
)
def test_hostile_descriptors_get_a_message_and_save_nothing(
    coordinator_client, cohort, rubric, levels, status
):
    url = f"/staff/review/cohorts/{cohort.id}/rubric/{rubric[0].id}"
    response = coordinator_client.post(url, data=_criterion_form(**levels))
    assert response.status_code == status
    db.session.rollback()
    criterion = db.session.get(Criterion, rubric[0].id)
    assert criterion.name_ja == "志望の動機" and criterion.level_low_ja == criterion.level_high_en == ""


# The reviewer's list and scoring ---------------------------------------------------------------------------


def test_the_list_says_the_order_is_random_and_fixed(app, login, assigned):
    html = _client(app, login, assigned[0]).get("/staff/review/").get_data(as_text=True)
    assert "あなた専用に無作為に決めたもので、変わることはありません" in html


def test_the_score_form_lists_every_missing_criterion_at_once(app, login, rubric, assigned):
    reviewer = assigned[0]
    application_id = services.queue_for(reviewer)[0].reviews[0].application_id
    client = _client(app, login, reviewer)
    response = client.post(f"/staff/review/essays/{application_id}", data={"action": "submit", "comment": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html[
        html.index('class="error-summary"') : html.index("</ul>", html.index('class="error-summary"'))
    ]
    assert "data-focus-on-load" in summary
    assert f'href="#score_{rubric[0].id}"' in summary and f'href="#score_{rubric[1].id}"' in summary


def test_the_last_essay_submitted_says_all_essays_are_scored(app, login, rubric, assigned):
    reviewer = assigned[0]
    reviews = services.queue_for(reviewer)[0].reviews
    client = _client(app, login, reviewer)
    data = {**_scores(rubric, "6", "3"), "comment": "", "action": "submit"}
    for review in reviews[:-1]:
        after = client.post(f"/staff/review/essays/{review.application_id}", data=data, follow_redirects=True)
        assert "採点が終わりました" not in after.get_data(as_text=True)
    last = client.post(f"/staff/review/essays/{reviews[-1].application_id}", data=data, follow_redirects=True)
    html = last.get_data(as_text=True)
    assert last.request.path == "/staff/review/"
    assert "担当のすべての作文の採点が終わりました。ありがとうございました。" in html  # the message
    assert "審査が締め切られるまでは修正できます。" in html  # and the list itself says it
    # Revising afterwards keeps the reviewer on the essay.
    again = client.post(f"/staff/review/essays/{reviews[0].application_id}", data=data)
    assert again.headers["Location"].endswith(f"/staff/review/essays/{reviews[1].application_id}")


def test_the_calibration_set_is_on_top_of_the_list_until_done(
    app, login, described, calibration_set, assigned
):
    a, b = calibration_set
    reviewer = assigned[0]
    client = _client(app, login, reviewer)
    html = client.get("/staff/review/").get_data(as_text=True)
    assert html.index(f"/staff/review/calibration/{a.id}") < html.index("/staff/review/essays/")
    assert "目合わせ用の作文2件を採点してください" in html
    # Not a hard block: an essay opens before the calibration is done.
    first = services.queue_for(reviewer)[0].reviews[0].application_id
    assert client.get(f"/staff/review/essays/{first}").status_code == 200
    for essay in (a, b):
        assert (
            client.post(f"/staff/review/calibration/{essay.id}", data=_scores(described)).status_code == 302
        )
    html = client.get("/staff/review/").get_data(as_text=True)
    assert f"/staff/review/calibration/{a.id}" not in html
    assert "基準点との差を見る" in html


def test_a_reviewer_scores_a_calibration_essay_once_and_sees_the_distance(
    app, login, cohort, described, calibration_set, assigned
):
    a, b = calibration_set
    client = _client(app, login, assigned[0])
    page = client.get(f"/staff/review/calibration/{a.id}").get_data(as_text=True)
    assert PAST_ESSAY[:20] in page and "動機が一部具体的" in page and "基準点" in page
    assert '<td class="num">8</td>' not in page  # the reference is not shown before scoring
    assert (
        client.post(f"/staff/review/calibration/{a.id}", data=_scores(described, "6", "5")).status_code == 302
    )
    scored = client.get(f"/staff/review/calibration/{a.id}").get_data(as_text=True)
    row = re.search(r"志望の動機.*?</tr>", scored, re.S).group(0)
    assert re.findall(r'<td class="num">([^<]+)</td>', row) == ["6", "8", "-2"]
    assert f"/staff/review/calibration/{b.id}" in scored  # on to the next one
    again = client.post(f"/staff/review/calibration/{a.id}", data=_scores(described, "1", "1"))
    assert again.status_code == 422 and "この目合わせ用の作文はすでに採点済みです。" in again.get_data(
        as_text=True
    )
    assert (
        client.post(f"/staff/review/calibration/{b.id}", data=_scores(described, "6", "2")).status_code == 302
    )
    results = client.get(f"/staff/review/calibration/cohorts/{cohort.id}").get_data(as_text=True)
    assert "平均で基準点より0.5点低く採点しています(辛め)。" in results
    assert "平均で基準点より0.5点高く採点しています(甘め)。" in results
    assert _count(CalibrationScore) == 4


def test_calibration_scoring_lists_every_missing_criterion(app, login, described, calibration_set, assigned):
    a, _b = calibration_set
    client = _client(app, login, assigned[0])
    response = client.post(f"/staff/review/calibration/{a.id}", data={f"score_{described[0].id}": "１１"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "「志望の動機」の点数は0〜10" in html and "「表現の明確さ」の点数を選んでください。" in html
    assert _count(CalibrationScore) == 0


def test_no_calibration_page_shows_the_past_applicant_s_personal_data(
    app, login, cohort, described, calibration_set, assigned
):
    a, b = calibration_set
    client = _client(app, login, assigned[0])
    pages = {
        "queue": client.get("/staff/review/"),
        "calibration essay": client.get(f"/staff/review/calibration/{a.id}"),
        "with errors": client.post(f"/staff/review/calibration/{a.id}", data={}),
    }
    client.post(f"/staff/review/calibration/{a.id}", data=_scores(described))
    pages["scored"] = client.get(f"/staff/review/calibration/{a.id}")
    pages["sample"] = client.get(f"/staff/review/calibration/{b.id}")
    pages["results"] = client.get(f"/staff/review/calibration/cohorts/{cohort.id}")
    for label, response in pages.items():
        assert response.status_code in (200, 422), label
        html = response.get_data(as_text=True)
        assert "Y-2024-017" in html or label == "sample", label
        _assert_blind(html, "福岡県立秘密高等学校")
    links = re.findall(r'href="([^"]*calibration[^"]*)"', pages["queue"].get_data(as_text=True))
    assert links and all(re.fullmatch(r"/staff/review/calibration/(\d+|cohorts/\d+)", link) for link in links)


def test_the_list_reads_the_same_number_of_queries_whatever_the_set(
    app, login, cohort, described, coordinator, calibration_set, assigned
):
    client = _client(app, login, assigned[0])
    client.get("/staff/review/")
    with count_queries(app) as two:
        client.get("/staff/review/")
    for n in range(4):
        services.add_calibration_essay(cohort, "", f"見本{n}", _scores_values(described), coordinator)
    with count_queries(app) as six:
        html = client.get("/staff/review/").get_data(as_text=True)
    assert "目合わせ用の作文6件" in html
    assert six.count == two.count


def test_calibration_never_touches_the_reviews(app, login, described, calibration_set, assigned):
    before = db.session.execute(sa.select(Review.id, Review.status, Review.saved_at)).all()
    client = _client(app, login, assigned[0])
    for essay in calibration_set:
        client.post(f"/staff/review/calibration/{essay.id}", data=_scores(described))
    assert db.session.execute(sa.select(Review.id, Review.status, Review.saved_at)).all() == before


def test_opening_a_calibration_essay_is_audited_with_its_code_only(
    app, login, described, calibration_set, assigned
):
    a, _b = calibration_set
    client = _client(app, login, assigned[0])
    client.get(f"/staff/review/calibration/{a.id}")
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.calibration.view"))
    assert entry.actor_id == assigned[0].id and entry.subject_id == str(a.id)
    assert entry.details == {"code": "Y-2024-017"}


def test_control_characters_on_the_calibration_scores_are_refused(
    app, login, described, calibration_set, assigned
):
    a, _b = calibration_set
    client = _client(app, login, assigned[0])
    response = client.post(f"/staff/review/calibration/{a.id}", data=_scores(described, "6\x00", "5"))
    assert response.status_code == 400
    assert _count(CalibrationScore) == 0
