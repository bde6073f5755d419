"""On the teacher's page, the bureau's proposed dates and the school's own are headed apart."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from booking.core.time import jst_to_utc
from booking.lectures import services
from tests.factories.lectures import submit


def heading_of_proposals(html: str) -> str:
    match = re.search(
        r'<fieldset class="fieldset" id="slot_id">\s*<legend class="field__label">(.*?)</legend>', html
    )
    assert match, "no choice of proposed dates"
    return match.group(1)


def heading_of_candidates(html: str) -> str:
    match = re.search(r"<dt>([^<]*)</dt>\s*<dd>\s*<ol class=\"plain-list\">", html)
    assert match, "no list of the school's dates"
    return match.group(1)


@pytest.mark.parametrize(
    ("language", "proposed", "own"),
    [("ja", "事務局からご提案する日程", "ご希望の日程"), ("en", "Dates we propose", "Your preferred dates")],
)
def test_proposed_dates_are_not_headed_like_the_schools_own(
    client, frozen, program, coordinator, lecturer, language, proposed, own
):
    lecture, token = submit(program)
    data = services.ProposalData(
        times=(jst_to_utc(date(2026, 12, 10), time(10, 0)),),
        lecturer_ids=(lecturer.id,),
        message="ご検討ください",
    )
    services.propose_dates(lecture.id, data, coordinator)
    html = client.get(f"/lectures/manage/{token}", headers={"Accept-Language": language}).get_data(
        as_text=True
    )
    assert heading_of_proposals(html) == proposed
    assert heading_of_candidates(html) == own
    assert proposed != own
