"""Blind review: what a reviewer's pages show and hide, whose essays they open, and scoring."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from booking.audit.models import AuditEntry
from booking.core.auth import Role
from booking.extensions import db
from booking.review import services
from booking.review.models import Review, ReviewStatus
from booking.youth.rules import grade_label
from tests.factories import make_user
from tests.factories.review import AFTER, SECRETS, add_application
from tests.factories.youth import ESSAY

# The secret applicant writes their own name, school and guardian in every form the masking
# knows: kanji with and without spaces, hiragana, katakana (full and half width), each name
# alone, the school in full and short, the guardian in full and in part.
SECRET_ESSAY = ESSAY.replace(
    "誇りに思いました。",
    "誇りに思いました。私、秘密川花音子（ひみつかわ かのんこ）は、",
    1,
) + (
    "秘密川 花音子として、また秘密川　花音子として書きます。ヒミツカワカノンコ、ｶﾉﾝｺ、かのんこ。\n"
    "福岡県立秘密高等学校、県立秘密高等学校、秘密高等学校、秘密高校、秘密高の生徒として、"
    "花音子は母の秘密川 保護者（保護者）と、秘密川家の皆とともに学びます。\n"
)
# What must never be on a reviewer's page: each form of the words above.
SECRET_FORMS = (
    "秘密川",
    "花音子",
    "ひみつかわ",
    "かのんこ",
    "ヒミツカワ",
    "カノンコ",
    "ｶﾉﾝｺ",
    "保護者",
)


@pytest.fixture
def applications(cohort, schools):
    """As everywhere, with the secret applicant's essay full of their own name, school and guardian."""
    made = [add_application(cohort, 1, schools["kokura"], essay=SECRET_ESSAY, **SECRETS)]
    made += [add_application(cohort, n, schools["tobata" if n % 2 else "kosen"]) for n in range(2, 7)]
    return made


@pytest.fixture
def assigned(cohort, rubric, reviewers, coordinator, applications, after_window):
    services.run_assignment(cohort, coordinator)
    return {
        person.id: [
            r.application_id
            for r in db.session.scalars(
                sa.select(Review).where(Review.reviewer_id == person.id).order_by(Review.queue_key)
            )
        ]
        for person in reviewers
    }


def _reviewer_of_secret(assigned, reviewers, applications):
    secret_id = applications[0].id
    person = next(p for p in reviewers if secret_id in assigned[p.id])
    return person, secret_id


def _scores(rubric, motivation="7", clarity="4", comment="", action="submit"):
    return {
        f"score_{rubric[0].id}": motivation,
        f"score_{rubric[1].id}": clarity,
        "comment": comment,
        "action": action,
    }


def _assert_blind(html: str, school: str | None) -> None:
    """None of the applicant's personal data is in the page."""
    for name, value in SECRETS.items():
        assert value not in html, f"{name} leaked: {value}"
    assert "秘密川" not in html and "ヒミツ" not in html
    for form in SECRET_FORMS:
        assert form not in html, f"{form} leaked"
    if school:
        assert school not in html and "秘密高" not in html, "the school leaked"
    assert "保護者" not in re.sub(r"<[^>]+>", "", html)


def test_no_reviewer_page_shows_the_applicant_s_personal_data(
    app, login, cohort, rubric, reviewers, applications, assigned, schools
):
    person, secret_id = _reviewer_of_secret(assigned, reviewers, applications)
    school = "福岡県立秘密高等学校"
    grade = None
    with app.test_request_context():
        grade = grade_label(2)
    client = app.test_client()
    login(client, person.email)
    pages = {
        "dashboard": client.get("/staff/"),
        "queue": client.get("/staff/review/"),
        "essay (not started)": client.get(f"/staff/review/essays/{secret_id}"),
        "essay with errors": client.post(
            f"/staff/review/essays/{secret_id}", data=_scores(rubric, motivation="")
        ),
    }
    client.post(f"/staff/review/essays/{secret_id}", data=_scores(rubric, action="draft"))
    pages["essay (draft)"] = client.get(f"/staff/review/essays/{secret_id}")
    submitted = client.post(f"/staff/review/essays/{secret_id}", data=_scores(rubric), follow_redirects=True)
    pages["after submitting"] = submitted
    pages["essay (submitted)"] = client.get(f"/staff/review/essays/{secret_id}")
    db.session.rollback()
    services.close_review(cohort, make_user(Role.COORDINATOR))
    pages["essay (review closed)"] = client.get(f"/staff/review/essays/{secret_id}")
    pages["queue (review closed)"] = client.get("/staff/review/")
    # The discussion after the close: notes by letter, the amend form, its errors.
    client.post(f"/staff/review/essays/{secret_id}/notes", data={"body": "動機の段落を評価します。"})
    pages["essay (discussion with a note)"] = client.get(f"/staff/review/essays/{secret_id}")
    pages["note with errors"] = client.post(f"/staff/review/essays/{secret_id}/notes", data={"body": ""})
    pages["amendment with errors"] = client.post(
        f"/staff/review/essays/{secret_id}/amend", data=_scores(rubric, motivation="9")
    )
    for label, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 422), label
        assert "Y-2026-0" in html or label == "dashboard", label
        _assert_blind(html, school)
        if label.startswith("essay"):
            assert "私、■■（■■）は、" in html and "■■として" in html, label
        assert grade not in re.sub(r"<[^>]+>", "", html), f"{label}: the grade leaked"
    # The one page listing schools is the reviewer's own declaration: the whole directory,
    # linked to no essay (no applicant code on it).
    conflicts = client.get("/staff/review/conflicts").get_data(as_text=True)
    _assert_blind(conflicts, school=None)
    assert "Y-2026-" not in conflicts


def test_reviewer_urls_carry_ids_not_names(app, login, reviewers, applications, assigned):
    person, _secret_id = _reviewer_of_secret(assigned, reviewers, applications)
    client = app.test_client()
    login(client, person.email)
    html = client.get("/staff/review/").get_data(as_text=True)
    links = re.findall(r'href="([^"]+)"', html)
    essay_links = [link for link in links if "/staff/review/essays/" in link]
    assert len(essay_links) == len(assigned[person.id])
    assert all(re.fullmatch(r"/staff/review/essays/\d+", link) for link in essay_links)


def test_a_reviewer_cannot_open_an_essay_not_assigned_to_them(app, login, reviewers, applications, assigned):
    person = reviewers[0]
    other = next(a.id for a in applications if a.id not in assigned[person.id])
    client = app.test_client()
    login(client, person.email)
    assert client.get(f"/staff/review/essays/{other}").status_code == 404
    assert client.post(f"/staff/review/essays/{other}", data={"action": "submit"}).status_code == 404
    assert client.post(f"/staff/review/essays/{other}/conflict").status_code == 404
    assert client.get("/staff/review/essays/999999").status_code == 404
    # Nor the coordinators' pages with everyone's scores.
    cohort_id = applications[0].cohort_id
    for path in (
        f"/staff/review/cohorts/{cohort_id}/ranking",
        f"/staff/review/cohorts/{cohort_id}/applications/{other}",
        f"/staff/review/cohorts/{cohort_id}/reviews.csv",
        f"/staff/youth/applications/{other}",
    ):
        assert client.get(path).status_code == 403, path


def test_a_reviewer_never_sees_another_reviewer_s_scores_or_comment(
    app, login, rubric, reviewers, applications, assigned
):
    secret_id = applications[0].id
    first, second = [p for p in reviewers if secret_id in assigned[p.id]]
    one = app.test_client()
    login(one, first.email)
    one.post(
        f"/staff/review/essays/{secret_id}",
        data=_scores(rubric, motivation="9", clarity="1", comment="とても具体的な動機。比較用の一文ABC"),
    )
    two = app.test_client()
    login(two, second.email)
    html = two.get(f"/staff/review/essays/{secret_id}").get_data(as_text=True)
    assert "比較用の一文ABC" not in html
    assert 'checked value="9"' not in html and 'value="9" checked' not in html
    assert first.name not in html


def test_each_reviewer_reads_in_an_order_of_their_own(
    cohort, rubric, coordinator, after_window, schools, ctx
):
    from tests.factories.review import add_application

    for n in range(1, 25):
        add_application(cohort, n, schools["tobata"])
    people = [make_user(Role.REVIEWER, email=f"order{n}@example.jp") for n in range(3)]
    services.run_assignment(cohort, coordinator)
    orders = [[r.application.code for r in services.queue_for(p)[0].reviews] for p in people]
    assert all(len(order) == 16 for order in orders)
    firsts = {order[0] for order in orders}
    assert len(firsts) > 1 or orders[0] != sorted(orders[0])
    assert any(order != sorted(order) for order in orders)


def test_scores_are_saved_as_a_draft_then_submitted_and_revised_until_the_review_closes(
    app, login, cohort, rubric, reviewers, applications, assigned, after_window
):
    person, secret_id = _reviewer_of_secret(assigned, reviewers, applications)
    client = app.test_client()
    login(client, person.email)
    url = f"/staff/review/essays/{secret_id}"
    # A draft may leave scores out; it does not count yet.
    assert client.post(url, data=_scores(rubric, clarity="", action="draft")).status_code == 302
    db.session.rollback()
    review = db.session.scalar(
        sa.select(Review).where(Review.reviewer_id == person.id, Review.application_id == secret_id)
    )
    assert review.status == ReviewStatus.DRAFT and services.review_scores(review) == {rubric[0].id: 7}
    # Submitting needs every criterion, with its message next to it.
    refused = client.post(url, data=_scores(rubric, clarity=""))
    assert refused.status_code == 422
    assert "「表現の明確さ」の点数を選んでください。" in refused.get_data(as_text=True)
    # Out of range is refused too.
    refused = client.post(url, data=_scores(rubric, motivation="11"))
    assert refused.status_code == 422
    assert "0〜10" in refused.get_data(as_text=True)
    assert (
        client.post(url, data=_scores(rubric, motivation="6", clarity="3", comment="論理的")).status_code
        == 302
    )
    db.session.rollback()
    review = db.session.get(Review, review.id)
    assert review.status == ReviewStatus.SUBMITTED and review.comment == "論理的"
    # Revised ten minutes later (the clock only moves forward: sessions are signed with the time).
    after_window.move_to(AFTER + timedelta(minutes=10))
    revised = client.post(url, data=_scores(rubric, motivation="8", clarity="3"))
    assert revised.status_code == 302
    db.session.rollback()
    review = db.session.get(Review, review.id)
    assert services.review_scores(review) == {rubric[0].id: 8, rubric[1].id: 3}
    assert review.submitted_at == AFTER + timedelta(minutes=10)
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("review.submit") == 1 and actions.count("review.revise") == 1
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.submit"))
    assert "論理的" not in str(entry.details) and "水道" not in str(entry.details)
    # Closed: nothing changes any more.
    db.session.rollback()
    services.close_review(cohort, make_user(Role.COORDINATOR))
    closed = client.post(url, data=_scores(rubric, motivation="1", clarity="1"))
    assert closed.status_code == 422
    assert "審査は締め切られています" in closed.get_data(as_text=True)
    db.session.rollback()
    assert services.review_scores(db.session.get(Review, review.id))[rubric[0].id] == 8


def test_the_rubric_is_editable_until_the_first_score(
    app, client, login, cohort, rubric, reviewers, coordinator, applications, assigned
):
    login(client, "coord@example.jp")
    edit = {"name_ja": "志望の動機(改)", "max_score": "10", "weight": "2"}
    url = f"/staff/review/cohorts/{cohort.id}/rubric/{rubric[0].id}"
    assert client.post(url, data=edit).status_code == 302
    person, secret_id = _reviewer_of_secret(assigned, reviewers, applications)
    reviewer = app.test_client()
    login(reviewer, person.email)
    reviewer.post(f"/staff/review/essays/{secret_id}", data=_scores(rubric, action="draft"))
    refused = client.post(url, data=edit | {"max_score": "20"})
    assert refused.status_code == 422
    assert "評価基準は変更できません" in refused.get_data(as_text=True)
    assert client.post(f"/staff/review/cohorts/{cohort.id}/rubric/new", data=edit).status_code == 422
    page = client.get(f"/staff/review/cohorts/{cohort.id}/rubric").get_data(as_text=True)
    assert "評価基準は変更できません" in page


def test_a_reviewer_declares_schools_and_the_next_run_respects_them(
    app, login, cohort, rubric, reviewers, coordinator, applications, schools, after_window
):
    client = app.test_client()
    login(client, reviewers[0].email)
    response = client.post("/staff/review/conflicts", data={"schools": [schools["kokura"]]})
    assert response.status_code == 302
    db.session.rollback()
    assert services.declared_school_ids(reviewers[0]) == {schools["kokura"]}
    services.run_assignment(cohort, coordinator)
    on_secret = {
        r.reviewer_id
        for r in db.session.scalars(sa.select(Review).where(Review.application_id == applications[0].id))
    }
    assert reviewers[0].id not in on_secret
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "review.conflicts.declare"))
    assert entry.details == {"schools": 1}


def test_flagging_a_conflict_from_the_essay_page(app, login, reviewers, applications, assigned):
    person, secret_id = _reviewer_of_secret(assigned, reviewers, applications)
    client = app.test_client()
    login(client, person.email)
    response = client.post(f"/staff/review/essays/{secret_id}/conflict")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/review/")
    assert client.get(f"/staff/review/essays/{secret_id}").status_code == 404
    queue = client.get("/staff/review/").get_data(as_text=True)
    assert "Y-2026-001" not in queue


def _entries(action: str) -> list[AuditEntry]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_opening_an_essay_is_audited_with_its_code_only(
    app, login, reviewers, applications, assigned, rubric
):
    person, secret_id = _reviewer_of_secret(assigned, reviewers, applications)
    client = app.test_client()
    login(client, person.email)
    html = client.get(f"/staff/review/essays/{secret_id}").get_data(as_text=True)
    assert applications[0].essay.splitlines()[0] in html

    [entry] = _entries("review.essay.view")
    assert entry.actor_id == person.id
    assert (entry.subject_type, entry.subject_id) == ("youth_application", str(secret_id))
    assert entry.details == {"code": "Y-2026-001"}

    # Saving a draft is recorded as the review's change, not as another opening.
    client.post(f"/staff/review/essays/{secret_id}", data=_scores(rubric, action="draft"))
    assert len(_entries("review.essay.view")) == 1
