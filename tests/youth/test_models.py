"""The application workflow table, essay counting and kana, as plain functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.core.errors import InvalidTransition
from booking.youth.models import (
    APPLICATION_WORKFLOW,
    DECISIONS,
    Application,
    ApplicationStatus,
    ChangedBy,
    Cohort,
    HistoryEvent,
    WindowState,
)
from booking.youth.rules import essay_length, is_katakana, normalise_kana

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)

# Each public verb of an application: the status it moves to, who it says made the move, the call.
VERBS = {
    "submit": (
        ApplicationStatus.SUBMITTED,
        ChangedBy.STUDENT,
        lambda a: a.submit("Y-2026-001", "k" * 64, NOW),
    ),
    "take back a decision": (
        ApplicationStatus.SUBMITTED,
        ChangedBy.GUARDIAN,
        lambda a: a.take_back_decision(ChangedBy.GUARDIAN),
    ),
    **{
        f"decide {decision}": (decision, ChangedBy.STAFF, lambda a, d=decision: a.decide(d, None))
        for decision in (ApplicationStatus.SUBMITTED, *DECISIONS)
    },
    "offer a place": (
        ApplicationStatus.ACCEPTED,
        ChangedBy.SYSTEM,
        lambda a: a.offer_place(ChangedBy.SYSTEM),
    ),
    "accept the place": (ApplicationStatus.CONFIRMED, ChangedBy.STUDENT, lambda a: a.accept_place()),
    "decline the place": (ApplicationStatus.DECLINED, ChangedBy.STUDENT, lambda a: a.decline_place()),
    "let the offer expire": (ApplicationStatus.EXPIRED, ChangedBy.SYSTEM, lambda a: a.expire_offer()),
    "withdraw": (ApplicationStatus.WITHDRAWN, ChangedBy.STUDENT, lambda a: a.withdraw(None)),
}
# Every verb from every status (its own included): the workflow table says which are moves.
ALLOWED = [
    (verb, frm)
    for verb, (to, _, _) in VERBS.items()
    for frm in ApplicationStatus
    if APPLICATION_WORKFLOW.can(frm, to)
]
REFUSED = [
    (verb, frm)
    for verb, (to, _, _) in VERBS.items()
    for frm in ApplicationStatus
    if not APPLICATION_WORKFLOW.can(frm, to)
]


def test_every_move_of_the_table_has_a_verb():
    assert {to for _, to in APPLICATION_WORKFLOW.moves()} == {to for to, _, _ in VERBS.values()}


@pytest.mark.parametrize(("verb", "frm"), ALLOWED)
def test_allowed_moves_write_a_history_row(ctx, verb, frm):
    to, by, act = VERBS[verb]
    application = Application(status=frm)
    application.history = []
    act(application)
    assert application.status == to
    [entry] = application.history
    assert (entry.event, entry.from_value, entry.to_value, entry.by) == (
        HistoryEvent.STATUS,
        frm.value,
        to.value,
        by,
    )


@pytest.mark.parametrize(("verb", "frm"), REFUSED)
def test_every_other_move_is_refused(ctx, verb, frm):
    _, _, act = VERBS[verb]
    application = Application(status=frm)
    application.history = []
    with pytest.raises(InvalidTransition):
        act(application)
    assert application.status == frm
    assert application.history == []


def test_a_draft_becomes_an_application_only_by_submitting():
    assert APPLICATION_WORKFLOW.targets(ApplicationStatus.DRAFT) == {ApplicationStatus.SUBMITTED}


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("", 0),
        ("水道", 2),
        ("水　道", 2),  # full-width space
        ("水 道", 2),
        ("水\n道\r\n", 2),
        ("水\t道\u3000\u3000", 2),
        ("カ\u3099", 1),  # カ + combining voiced mark is one character (ガ) after NFC
        ("ガ", 1),
        ("ＳＤＧｓ", 4),
        ("「水」。", 4),  # punctuation counts, as on 原稿用紙
        ("𠮷野家", 3),  # a character outside the BMP is one character
    ],
)
def test_essay_length_counts_as_a_japanese_essay_does(text, count):
    assert essay_length(text) == count


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ヤマダ", "ヤマダ"),
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        (" やまだ　", "ヤマダ"),
        ("ジョン・スミス", "ジョン・スミス"),
        ("ゔぁ", "ヴァ"),
    ],
)
def test_kana_is_normalised_to_full_width_katakana(typed, stored):
    assert normalise_kana(typed) == stored
    assert is_katakana(stored)


@pytest.mark.parametrize("typed", ["山田", "yamada", "ヤマダ1", "ﾔﾏﾀﾞ太郎"])
def test_other_scripts_are_not_kana(typed):
    assert not is_katakana(normalise_kana(typed))


def test_the_window_is_open_from_its_opening_minute_until_its_closing_minute():
    cohort = Cohort(
        opens_at=datetime(2026, 11, 1, 0, 0, tzinfo=UTC), closes_at=datetime(2026, 12, 15, 8, 0, tzinfo=UTC)
    )
    assert cohort.window_state(datetime(2026, 10, 31, 23, 59, tzinfo=UTC)) == WindowState.NOT_YET_OPEN
    assert cohort.window_state(datetime(2026, 11, 1, 0, 0, tzinfo=UTC)) == WindowState.OPEN
    assert cohort.window_state(datetime(2026, 12, 15, 7, 59, 59, tzinfo=UTC)) == WindowState.OPEN
    assert cohort.window_state(datetime(2026, 12, 15, 8, 0, tzinfo=UTC)) == WindowState.CLOSED
