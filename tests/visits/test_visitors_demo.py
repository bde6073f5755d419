"""The demo gives the upcoming JICA group its visitor list, once."""

from __future__ import annotations

import sqlalchemy as sa

from booking.core.tokens import hash_token
from booking.extensions import db
from booking.visits.models import VisitRequest
from booking.visits.services import visitors as service
from booking.visits.visitor_demo import JICA_KEY, TRAINEES
from booking.visits.visitor_models import Visitor


def test_the_jica_group_has_its_visitor_list_once(app, ctx, frozen):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output

    jica = db.session.scalar(
        sa.select(VisitRequest).where(VisitRequest.submission_key_hash == hash_token(JICA_KEY))
    )
    people = service.visitors_of(jica)
    assert len(people) == min(len(TRAINEES), jica.group_size)
    assert len({person.nationality for person in people}) >= 10
    assert db.session.scalar(sa.select(sa.func.count(Visitor.id))) == len(people)
    assert "already there" in second.output
