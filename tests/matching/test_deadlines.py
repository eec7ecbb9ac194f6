"""A volunteer is never asked to answer at night: a non-urgent proposal's clock counts only the hours between
08:00 and 20:00, Paris time; an urgent one keeps its plain two hours."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from matching.services import proposal_create, response_deadline
from requests_app.enums import Urgency
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def deadline(urgency: int, at: datetime) -> datetime:
    with time_machine.travel(at, tick=False):
        return timezone.localtime(response_deadline(SimpleNamespace(urgency=urgency)))


def test_a_proposal_sent_in_the_evening_is_answered_the_next_evening_not_at_dawn():
    # 1 h 11 before 20:00, then the 10 h 49 left from 08:00.
    assert deadline(Urgency.NORMAL, paris(2027, 3, 2, 18, 49)) == paris(2027, 3, 3, 18, 49)


def test_a_flexible_proposal_counts_two_days_of_daytime_hours():
    assert deadline(Urgency.FLEXIBLE, paris(2027, 3, 2, 18, 49)) == paris(2027, 3, 4, 18, 49)


def test_a_proposal_made_in_the_night_starts_counting_at_eight():
    assert deadline(Urgency.NORMAL, paris(2027, 3, 2, 23, 0)) == paris(2027, 3, 3, 20, 0)
    assert deadline(Urgency.NORMAL, paris(2027, 3, 3, 5, 30)) == paris(2027, 3, 3, 20, 0)


def test_the_clock_pauses_across_the_change_to_summer_time():
    # The night of 27 to 28 March 2027 loses an hour; the daytime hours are the same.
    assert deadline(Urgency.NORMAL, paris(2027, 3, 27, 18, 0)) == paris(2027, 3, 28, 18, 0)


def test_an_urgent_proposal_keeps_its_two_hours_even_at_night():
    assert deadline(Urgency.URGENT, paris(2027, 3, 2, 23, 0)) == paris(2027, 3, 3, 1, 0)


@pytest.mark.django_db
@time_machine.travel(paris(2027, 3, 2, 18, 49), tick=False)
def test_the_proposal_records_the_daytime_deadline():
    proposal = proposal_create(
        help_request=HelpRequestFactory(triaged=True, urgency=Urgency.NORMAL), volunteer=VolunteerProfileFactory()
    )
    assert proposal.respond_by == paris(2027, 3, 3, 18, 49)
