"""The volunteer's history: the dashboard shows her latest past proposals and links to the rest, on a page of her own
(portal.views.volunteer.history), a page at a time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.enums import ProposalStatus
from portal.views.volunteer import HISTORY_PER_PAGE, HISTORY_SHOWN
from tests.accounts.factories import UserFactory
from tests.matching.factories import ProposalFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(client):
    profile = VolunteerProfileFactory()
    client.force_login(profile.user)
    return profile


def past(volunteer, count: int, start: int = 0) -> list:
    """`count` done proposals, the `start`-th the latest, each a day older than the one before; their references
    tell them apart on the pages."""
    now = timezone.now()
    return [
        ProposalFactory(volunteer=volunteer, status=ProposalStatus.DONE, created_at=now - timedelta(days=start + i))
        for i in range(count)
    ]


def test_the_dashboard_shows_the_latest_past_proposals_and_links_to_the_rest(client, volunteer):
    proposals = past(volunteer, HISTORY_SHOWN + 2)
    response = client.get(reverse("volunteers:dashboard"))
    assert list(response.context["history"]) == proposals[:HISTORY_SHOWN]
    assert reverse("volunteers:history") in response.content.decode()


def test_the_dashboard_lists_every_live_proposal_however_old_beside_the_latest_past_ones(client, volunteer):
    # Read in one query with the history: the history's limit must not cut the live ones, nor they the history.
    proposals = past(volunteer, HISTORY_SHOWN + 2)
    long_ago = timezone.now() - timedelta(days=90)
    accepted = ProposalFactory(volunteer=volunteer, status=ProposalStatus.ACCEPTED, created_at=long_ago)
    waiting = ProposalFactory(volunteer=volunteer, status=ProposalStatus.PROPOSED, created_at=long_ago)
    response = client.get(reverse("volunteers:dashboard"))
    assert list(response.context["pending"]) == [waiting]
    assert list(response.context["assignments"]) == [accepted]
    assert list(response.context["history"]) == proposals[:HISTORY_SHOWN]
    assert response.context["history_more"]


def test_no_link_when_the_dashboard_shows_the_whole_history(client, volunteer):
    proposals = past(volunteer, HISTORY_SHOWN)
    response = client.get(reverse("volunteers:dashboard"))
    assert list(response.context["history"]) == proposals
    assert reverse("volunteers:history") not in response.content.decode()


def test_the_history_page_lists_every_past_proposal_a_page_at_a_time(client, volunteer):
    proposals = past(volunteer, HISTORY_PER_PAGE + 3)
    live = ProposalFactory(volunteer=volunteer)
    first = client.get(reverse("volunteers:history"))
    assert list(first.context["page"]) == proposals[:HISTORY_PER_PAGE]
    assert "page=2" in first.content.decode()
    second = client.get(reverse("volunteers:history"), {"page": 2})
    assert list(second.context["page"]) == proposals[HISTORY_PER_PAGE:]
    assert live not in list(first.context["page"]) + list(second.context["page"])
    # A page past the last shows the last, rather than an error.
    beyond = client.get(reverse("volunteers:history"), {"page": 99})
    assert list(beyond.context["page"]) == proposals[HISTORY_PER_PAGE:]


def test_the_history_page_shows_only_her_own(client, volunteer):
    mine = past(volunteer, 2)
    others = past(VolunteerProfileFactory(), 2)
    listed = list(client.get(reverse("volunteers:history")).context["page"])
    assert listed == mine and not set(listed) & set(others)


def test_the_history_page_is_for_signed_in_volunteers(client):
    response = client.get(reverse("volunteers:history"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(reverse("volunteers:history"))["Location"] == reverse("volunteers:profile")


@pytest.mark.parametrize("rows", [1, 3 * HISTORY_PER_PAGE])
def test_the_history_page_makes_a_fixed_number_of_queries(client, volunteer, rows, django_assert_num_queries):
    past(volunteer, rows)
    # Her user (the session), her profile, the count, and the page of proposals with what each line shows.
    with django_assert_num_queries(4):
        assert client.get(reverse("volunteers:history")).status_code == 200
