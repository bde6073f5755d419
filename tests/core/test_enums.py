"""Labelled enums: every member has a label, read in the reader's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from booking.core.auth import ROLE_LABELS, Role
from booking.core.enums import LabelledEnum
from booking.notifications.models import EmailStatus
from booking.schools.models import SCHOOL_TYPE_LABELS, SchoolType


class Colour(LabelledEnum):
    RED = "red"
    BLUE = "blue"


COLOUR_LABELS = Colour.set_labels({Colour.BLUE: _l("Blue"), Colour.RED: _l("Red")})


def test_a_label_is_read_in_the_current_language(ctx):
    with force_locale("ja"):
        assert Role.ADMIN.label == "管理者"
        assert SchoolType.SPECIAL_NEEDS.label == "特別支援学校"
        assert EmailStatus.QUEUED.label == "送信待ち"
    with force_locale("en"):
        assert Role.ADMIN.label == "Administrator"
        assert EmailStatus.FAILED.label == "Failed"


def test_labels_follow_the_order_of_the_members(ctx):
    assert list(COLOUR_LABELS) == [Colour.RED, Colour.BLUE]
    assert list(Colour.labels()) == list(Colour)
    assert Colour.RED.label == "Red"


def test_the_module_mappings_are_the_enums_labels():
    assert Role.labels() == ROLE_LABELS
    assert SchoolType.labels() == SCHOOL_TYPE_LABELS


@pytest.mark.parametrize("labels", [{}, {"green": "Green"}], ids=["missing", "not_a_member"])
def test_labels_must_name_every_member_and_only_members(labels):
    class Shade(LabelledEnum):
        GREEN = "green"

    with pytest.raises(ValueError, match="Shade labels"):
        Shade.set_labels(labels)


def test_a_labelled_member_is_still_its_plain_string():
    assert Role("admin") is Role.ADMIN
    assert str(SchoolType.HIGH) == "high" and SchoolType.HIGH == "high"
