"""Demo data: the visitor list of the upcoming JICA training group (booking.visits.demo), so
the organiser's list page and the staff's export for site access have something to show.

The trainees are invented, from the kind of utilities JICA's water supply courses bring to
Kitakyushu. A list sent once is kept: running the seeder again adds nothing.
"""

from __future__ import annotations

import sqlalchemy as sa

from booking.core.tokens import hash_token
from booking.extensions import db
from booking.visits.models import VisitRequest
from booking.visits.services import visitors as service
from booking.visits.visitors import VisitorRow

# The key booking.visits.demo gives the JICA group's request.
JICA_KEY = "demo-visit-jica-upcoming"

TRAINEES = [
    VisitorRow("SOK VANNA", "Phnom Penh Water Supply Authority", "KH"),
    VisitorRow("CHEA SREYMOM", "Siem Reap Water Supply Authority", "KH"),
    VisitorRow("NGUYEN THI HOA", "Hai Phong Water Supply JSC", "VN"),
    VisitorRow("TRAN VAN MINH", "Hue Water Supply JSC", "VN"),
    VisitorRow("AUNG KYAW MIN", "Yangon City Development Committee", "MM"),
    VisitorRow("PHONEPASEUTH SOUVANNAVONG", "Nam Papa Vientiane", "LA"),
    VisitorRow("SITI RAHMAWATI", "PDAM Tirta Pakuan Bogor", "ID"),
    VisitorRow("MARIA CRISTINA REYES", "Metropolitan Waterworks and Sewerage System", "PH"),
    VisitorRow("THABO MOKOENA", "Rand Water", "ZA"),
    VisitorRow("GRACE WANJIKU KAMAU", "Nairobi City Water and Sewerage Company", "KE"),
    VisitorRow("MD RAFIQUL ISLAM", "Dhaka WASA", "BD"),
    VisitorRow("NIMALI PERERA", "National Water Supply and Drainage Board", "LK"),
    VisitorRow("SUNITA SHRESTHA", "Kathmandu Upatyaka Khanepani Limited", "NP"),
    VisitorRow("BATBAYAR GANBOLD", "Ulaanbaatar Water Supply and Sewerage Authority", "MN"),
    VisitorRow("JOAO DA COSTA", "Bee Timor-Leste", "TL"),
]


def seed() -> list[str]:
    visit = db.session.scalar(
        sa.select(VisitRequest).where(VisitRequest.submission_key_hash == hash_token(JICA_KEY))
    )
    if visit is None or not service.can_edit_list(visit):
        return ["Visitor lists: no demo list (the JICA group's upcoming visit is not there)."]
    if service.summary(visit).sent:
        return [f"Visitor lists: the JICA group's list is already there ({visit.reference})."]
    count = service.replace_list(visit, TRAINEES[: visit.group_size])
    export = f"/staff/visits/{visit.id}/visitors.xlsx"
    return [f"Visitor lists: the JICA group's list of {count} trainees (exported at {export})."]
