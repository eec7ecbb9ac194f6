"""A small crisis whose every figure is counted by hand in test_figures.py.

Now is Friday 10 April 2020, 12:00 in Paris; the dashboard looks at 1–10 April.

| request | filed (Paris)  | source  | commune   | domain | urgency  | status      | taken in charge               |
|---------|----------------|---------|-----------|--------|----------|-------------|-------------------------------|
| r1      | 2 April 10:00  | web     | Nancy     | local  | normal   | assigned    | after 4 h                     |
| r2      | 3 April 09:00  | phone   | Nancy     | local  | normal   | done        | after 1 h (routed)            |
| r3      | 5 April 08:00  | web     | Nancy     | local  | normal   | assigned    | after 24 h, handed back later |
| r4      | 8 April 10:00  | partner | Nancy     | local  | urgent   | new         | no: overdue (2 days > 1)      |
| r5      | 9 April 23:30  | web     | Nancy     | local  | urgent   | triaged     | no: in time (12 h 30 < 1 day) |
| r6      | 20 March 10:00 | web     | Nancy     | local  | normal   | needs_staff | no: overdue (21 days > 7)     |
| r7      | 4 April 15:00  | phone   | Nancy     | local  | normal   | cancelled   | no                            |
| r8      | 6 April 11:00  | web     | Lunéville | food   | flexible | proposed    | no: in time (4 days < 14)     |

Volunteers: v1 (Nancy, every domain, follows r8), v2 (Lunéville, food, paused), v3 (suspended), v4 (childcare, no
attestation). Organisations: one validated, one pending (Lunéville), one suspended; two published missions.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from associations.enums import ApplicationStatus
from core.enums import Domain, domains_to_mask
from core.models import HelpType
from matching.enums import ProposalStatus
from pilotage.figures import Scope
from requests_app.enums import Source, Status, Urgency
from requests_app.models import StatusChange
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory
from tests.core.factories import commune
from tests.matching.factories import ProposalFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.enums import VolunteerStatus

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2020, 4, 10, 12, 0, tzinfo=PARIS)


def paris(day: int, hour: int, minute: int = 0, month: int = 4) -> datetime:
    return datetime(2020, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def request_with_history(*, created_at, history=(), **fields):
    """A request and its status changes, each (to_status, when); statuses follow one another from "new"."""
    help_request = HelpRequestFactory(created_at=created_at, **fields)
    previous = Status.NEW
    for to_status, when in history:
        StatusChange.objects.create(
            help_request=help_request, from_status=previous, to_status=to_status, changed_at=when
        )
        previous = to_status
    return help_request


@pytest.fixture
def crisis(frozen_now):
    nancy, luneville = commune("54395"), commune("54329")
    food = HelpType.objects.get(code="food_parcel")
    r = {}
    r[1] = request_with_history(
        created_at=paris(2, 10), source=Source.WEB, status=Status.ASSIGNED,
        history=[(Status.TRIAGED, paris(2, 11)), (Status.PROPOSED, paris(2, 12)), (Status.ASSIGNED, paris(2, 14))],
    )  # fmt: skip
    r[2] = request_with_history(
        created_at=paris(3, 9), source=Source.PHONE, status=Status.DONE,
        history=[(Status.ROUTED, paris(3, 10)), (Status.DONE, paris(4, 10))],
    )  # fmt: skip
    r[3] = request_with_history(
        created_at=paris(5, 8), source=Source.WEB, status=Status.ASSIGNED,
        history=[(Status.PROPOSED, paris(5, 9)), (Status.ASSIGNED, paris(6, 8)), (Status.TRIAGED, paris(6, 20)),
                 (Status.PROPOSED, paris(7, 8)), (Status.ASSIGNED, paris(7, 9))],
    )  # fmt: skip
    r[4] = request_with_history(created_at=paris(8, 10), source=Source.PARTNER, urgency=Urgency.URGENT)
    r[5] = request_with_history(
        created_at=paris(9, 23, 30), source=Source.WEB, urgency=Urgency.URGENT, status=Status.TRIAGED,
        history=[(Status.TRIAGED, paris(10, 9))],
    )  # fmt: skip
    r[6] = request_with_history(
        created_at=paris(20, 10, month=3), source=Source.WEB, status=Status.NEEDS_STAFF,
        history=[(Status.NEEDS_STAFF, paris(21, 10, month=3))],
    )  # fmt: skip
    r[7] = request_with_history(
        created_at=paris(4, 15), source=Source.PHONE, status=Status.CANCELLED,
        history=[(Status.CANCELLED, paris(4, 16))],
    )  # fmt: skip
    r[8] = request_with_history(
        created_at=paris(6, 11), source=Source.WEB, commune=luneville, help_type=food, urgency=Urgency.FLEXIBLE,
        status=Status.PROPOSED, history=[(Status.PROPOSED, paris(6, 12))],
    )  # fmt: skip

    all_domains = domains_to_mask(Domain.values)
    v1 = VolunteerProfileFactory(home_commune=nancy, domains=all_domains)
    food_only = domains_to_mask([Domain.FOOD_EMERGENCY])
    v2 = VolunteerProfileFactory(
        home_commune=luneville, domains=food_only, paused_until=NOW.date() + timedelta(days=3)
    )
    VolunteerProfileFactory(home_commune=nancy, domains=all_domains, status=VolunteerStatus.SUSPENDED)
    VolunteerProfileFactory(home_commune=nancy, domains=domains_to_mask([Domain.CHILDCARE]), without_attestations=True)

    # Concerns: one in the period (r1), one before it (r6); r3's report has none. v1 follows r8 now.
    ProposalFactory(
        help_request=r[1], volunteer=v1, status=ProposalStatus.DONE, completed_at=paris(7, 18), concern=True
    )
    ProposalFactory(
        help_request=r[6], volunteer=v1, status=ProposalStatus.DONE, completed_at=paris(25, 18, month=3), concern=True
    )  # fmt: skip
    ProposalFactory(help_request=r[3], volunteer=v1, status=ProposalStatus.DONE, completed_at=paris(9, 18))
    ProposalFactory(help_request=r[8], volunteer=v1, status=ProposalStatus.PROPOSED)

    validated = AssociationFactory(commune=nancy)
    pending = AssociationFactory(commune=luneville, pending=True)
    AssociationFactory(commune=nancy, suspended=True)
    full = MissionFactory(association=validated, volunteers_needed=2)
    ApplicationFactory.create_batch(2, mission=full, status=ApplicationStatus.ACCEPTED)
    half = MissionFactory(association=validated, volunteers_needed=3, commune=luneville)
    ApplicationFactory(mission=half, status=ApplicationStatus.ACCEPTED)
    ApplicationFactory(mission=half, status=ApplicationStatus.PENDING)
    MissionFactory(association=validated, draft=True)
    MissionFactory(association=pending)  # not shown to the public: the organisation is not validated
    return {"requests": r, "v1": v1, "v2": v2}


@pytest.fixture
def april() -> Scope:
    return Scope(date_from=NOW.date().replace(day=1), date_to=NOW.date())
