"""The triage queue's order (HelpRequestQuerySet.with_priority): urgency, vulnerability and waiting time together."""

from datetime import timedelta

import pytest
from django.utils import timezone

from requests_app.enums import Status, Urgency
from requests_app.models import HelpRequest
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


def filed(hours_ago: float, urgency=Urgency.URGENT, **fields) -> HelpRequest:
    return HelpRequestFactory(urgency=urgency, created_at=timezone.now() - timedelta(hours=hours_ago), **fields)


def queue() -> list[HelpRequest]:
    return list(HelpRequest.objects.triage_queue())


def test_a_person_living_alone_waiting_2_hours_comes_before_another_waiting_3_hours_at_the_same_urgency():
    other = filed(3)
    alone = filed(2, lives_alone=True)
    assert queue() == [alone, other]


def test_at_the_same_urgency_and_vulnerability_the_longest_waiting_comes_first():
    recent, older = filed(1, aged_70_plus=True), filed(5, aged_70_plus=True)
    assert queue() == [older, recent]


def test_living_alone_does_not_make_up_for_a_long_wait():
    """A quarter of an urgent request's day is 6 h: someone who has waited 8 h more still comes first."""
    alone = filed(1, lives_alone=True)
    waiting_long = filed(9)
    assert queue() == [waiting_long, alone]


def test_each_vulnerability_brings_the_request_forward_and_they_add_up():
    none = filed(10)
    seventy = filed(8, aged_70_plus=True)  # due 24 - 8 - 3.6 = 12.4 h from now; `none` in 14 h
    alone_seventy_offline = filed(2, lives_alone=True, aged_70_plus=True, no_internet=True)  # 24 - 2 - 12 = 10 h
    assert queue() == [alone_seventy_offline, seventy, none]


def test_a_fresh_urgent_request_comes_before_a_this_week_one_filed_three_days_ago():
    normal = filed(72, urgency=Urgency.NORMAL)  # due in 4 days
    urgent = filed(0.1)  # due in a day
    assert queue() == [urgent, normal]


def test_a_this_week_request_about_to_be_late_comes_before_a_fresh_urgent_one():
    urgent = filed(0.1)  # due in a day
    normal = filed(6.5 * 24, urgency=Urgency.NORMAL)  # due in 12 h
    assert queue() == [normal, urgent]


def test_vulnerability_weighs_in_proportion_to_the_time_the_urgency_allows():
    """A week for "dans la semaine": living alone brings it forward by 42 h, enough to pass a request filed a day
    earlier without flags."""
    filed_earlier = filed(48, urgency=Urgency.NORMAL)
    alone = filed(24, urgency=Urgency.NORMAL, lives_alone=True)
    assert queue() == [alone, filed_earlier]


def test_requests_someone_has_taken_in_charge_come_after_those_still_waiting_whatever_their_age():
    assigned = filed(30, status=Status.ASSIGNED)
    routed = filed(40, status=Status.ROUTED)
    waiting = filed(0.5, urgency=Urgency.FLEXIBLE)
    back_to_staff = filed(0.5, status=Status.NEEDS_STAFF)
    assert queue() == [back_to_staff, waiting, routed, assigned]


def test_closed_requests_are_not_in_the_queue():
    filed(1, status=Status.DONE)
    filed(1, status=Status.CANCELLED)
    assert queue() == []


def test_the_due_time_is_the_filing_time_plus_the_allowed_time_less_the_headstarts():
    help_request = filed(0, lives_alone=True, has_disability=True)
    due = HelpRequest.objects.with_priority().get(pk=help_request.pk).queue_due_at
    assert due == help_request.created_at + timedelta(hours=24 * (1 - 0.25 - 0.15))
