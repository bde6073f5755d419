"""Every feature's enums that people read are labelled enums, with one label a member."""

from __future__ import annotations

import enum

import pytest
from flask_babel import force_locale

from booking.core.enums import LabelledEnum
from booking.lectures import models as lectures
from booking.notifications.models import EmailStatus
from booking.review import models as review
from booking.selection import models as selection
from booking.youth import models as youth

# The mappings each module keeps for callers, one for each enum shown to people.
KEPT = {
    lectures: "FORMAT_LABELS PLATFORM_LABELS MEETING_HOST_LABELS GRADE_BAND_LABELS STATUS_LABELS",
    review: "REVIEW_STATUS_LABELS",
    youth: "EVENT_KIND_LABELS APPLICATION_STATUS_LABELS CONSENT_STATUS_LABELS HISTORY_EVENT_LABELS "
    "CHANGED_BY_LABELS",
    selection: "ATTENDANCE_LABELS",
}
LABELLED = [
    (type(next(iter(mapping))), mapping)
    for module, names in KEPT.items()
    for mapping in (getattr(module, name) for name in names.split())
]


@pytest.mark.parametrize(("kind", "mapping"), LABELLED, ids=[kind.__name__ for kind, _ in LABELLED])
def test_a_features_enum_is_labelled_through_the_base(ctx, kind, mapping):
    assert issubclass(kind, LabelledEnum)
    # The label comes from the base, not from a property the class writes again.
    assert "label" not in vars(kind)
    assert kind.labels() == mapping and list(mapping) == list(kind)
    with force_locale("en"):
        assert all(member.label == str(mapping[member]) and member.label for member in kind)


def test_every_enum_with_a_label_uses_the_base():
    written_again = [
        f"{module.__name__}.{name}"
        for module in (lectures, review, selection, youth)
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, enum.Enum)
        and value.__module__ == module.__name__
        and hasattr(value, "label")
        and not issubclass(value, LabelledEnum)
    ]
    assert written_again == []


def test_the_moved_labels_read_the_same_in_japanese(ctx):
    with force_locale("ja"):
        assert lectures.LectureStatus.PROPOSED.label == "日程調整中"
        assert lectures.OnlinePlatform.ZOOM.label == "Zoom"
        assert review.ReviewStatus.DRAFT.label == "下書き保存済み"
        assert youth.ApplicationStatus.SUBMITTED.label == "受付済み"
        assert youth.ChangedBy.GUARDIAN.label == "保護者"
        assert selection.AttendanceStatus.EXCUSED.label == "欠席(届出あり)"


def test_an_emails_state_is_asked_of_its_status():
    assert [s for s in EmailStatus if s.is_sent or s.is_failed or s.is_sending] == [
        EmailStatus.SENDING,
        EmailStatus.SENT,
        EmailStatus.FAILED,
    ]
    assert [s.tone for s in EmailStatus] == ["info", "info", "success", "error"]
