"""The check-in campaigns' figures on the steering dashboard: reached, needing help, unreachable, by EPCI and commune,
for the campaigns that ran during the period; bounded queries."""

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.calls import call_record
from campaigns.enums import CallOutcome
from campaigns.services import campaign_close
from core.enums import Domain
from core.models import Commune, HelpType
from pilotage.figures import Scope, campaign_figures
from tests.campaigns.calling import running_campaign, vetted_volunteer

pytestmark = pytest.mark.django_db

NANCY, TOUL = "54395", "54528"


def today_scope(**place) -> Scope:
    today = timezone.localdate()
    return Scope(date_from=today - timedelta(days=7), date_to=today, **place)


@pytest.fixture
def calls(settings):
    """Nancy: one well, one needing help, one unreachable, one to call; Toul: one refused, one wrong number."""
    settings.CAMPAIGN_MAX_CALL_ATTEMPTS = 1
    caller = vetted_volunteer()
    nancy = running_campaign(callers=[caller], people=4, commune_id=NANCY)
    toul = running_campaign(callers=[caller], people=2, commune_id=TOUL)
    outcomes = {
        nancy: [CallOutcome.WELL, CallOutcome.NEEDS_HELP, CallOutcome.NO_ANSWER, None],
        toul: [CallOutcome.REFUSED, CallOutcome.WRONG_NUMBER],
    }
    for campaign, results in outcomes.items():
        for person, outcome in zip(campaign.entries.order_by("position"), results, strict=True):
            if outcome:
                call_record(
                    campaign_entry=person, outcome=outcome, by=caller, help_type=HelpType.objects.get(code="shopping")
                )
    return nancy, toul


def counts(row):
    return (row.total, row.reached, row.needs_help, row.unreachable, row.to_call)


def test_reached_needing_help_and_unreachable_by_epci_and_commune(calls):
    figures = campaign_figures(today_scope())
    assert counts(figures.total) == (6, 3, 1, 2, 1)
    by_epci = {row.code: counts(row) for row in figures.per_epci}
    assert by_epci == {
        Commune.objects.get(insee=NANCY).epci_id: (4, 2, 1, 1, 1),
        Commune.objects.get(insee=TOUL).epci_id: (2, 1, 0, 1, 0),
    }
    assert [(row.label, counts(row)) for row in figures.top_communes] == [
        ("Nancy", (4, 2, 1, 1, 1)),
        ("Toul", (2, 1, 0, 1, 0)),
    ]


def test_the_scope_s_place_and_domain_narrow_the_figures(calls):
    toul = Commune.objects.get(insee=TOUL)
    assert counts(campaign_figures(today_scope(epci=toul.epci)).total) == (2, 1, 0, 1, 0)
    childcare = Scope(date_from=date.today(), date_to=date.today(), domain=Domain.CHILDCARE)
    assert campaign_figures(childcare).total.total == 0
    isolated = Scope(date_from=date.today(), date_to=date.today(), domain=Domain.ISOLATED_CONTACT)
    assert campaign_figures(isolated).total.total == 6


def test_only_campaigns_that_ran_during_the_period_count(calls):
    nancy, _toul = calls
    campaign_close(campaign=nancy)
    type(nancy).objects.filter(pk=nancy.pk).update(closed_at=timezone.now() - timedelta(days=30))
    assert campaign_figures(today_scope()).total.total == 2
    long_ago = Scope(date_from=date(2020, 3, 1), date_to=date(2020, 3, 31))
    assert campaign_figures(long_ago).total.total == 0


def test_a_draft_campaign_counts_nobody():
    running_campaign(callers=[vetted_volunteer()], people=3, start=False)
    assert campaign_figures(today_scope()).total.total == 0


def test_two_queries_whatever_the_number_of_people(calls, django_assert_num_queries):
    with django_assert_num_queries(2):  # by EPCI, by commune
        campaign_figures(today_scope())


def test_the_dashboard_shows_them(client, staff, calls):
    page = html.unescape(client.get(reverse("pilotage:dashboard")).content.decode())
    assert "Campagnes d'appels (sur la période)" in page
    assert "6 personnes inscrites sur les campagnes : 3 jointes, dont 1 avec un besoin d" in page
    assert reverse("campaigns:campaign_list") in page
