"""Each figure of the dashboard against the values counted by hand from the table in conftest.py."""

import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.enums import Domain
from core.models import Arrondissement
from pilotage import figures
from requests_app.enums import Source, Status, Urgency
from requests_app.models import StatusChange
from tests.core.factories import commune
from tests.pilotage.conftest import paris
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

LOCAL, FOOD = Domain.LOCAL_SOLIDARITY, Domain.FOOD_EMERGENCY


def test_open_requests_are_counted_by_status_and_domain_whenever_filed(crisis, april):
    table = figures.open_requests_by_status_and_domain(april)

    assert table.cells == {
        (Status.ASSIGNED, LOCAL): 2,  # r1, r3
        (Status.NEW, LOCAL): 1,  # r4
        (Status.TRIAGED, LOCAL): 1,  # r5
        (Status.NEEDS_STAFF, LOCAL): 1,  # r6, filed before the period but still open
        (Status.PROPOSED, FOOD): 1,  # r8
    }
    assert table.total == 6  # r2 done and r7 cancelled are closed
    assert table.column_totals == {FOOD: 1, Domain.CHILDCARE: 0, Domain.ISOLATED_CONTACT: 0, LOCAL: 5}
    assert table.row_totals[Status.ROUTED] == 0 and Status.DONE not in table.row_totals


def test_requests_per_day_are_counted_by_source_on_the_paris_calendar(crisis, april):
    per_day = figures.requests_per_day_by_source(april)

    assert per_day.days[0] == date(2020, 4, 1) and per_day.days[-1] == date(2020, 4, 10)
    assert per_day.series[Source.WEB] == [0, 1, 0, 0, 1, 1, 0, 0, 1, 0]  # r1, r3, r8, and r5 at 23:30 on the 9th
    assert per_day.series[Source.PHONE] == [0, 0, 1, 1, 0, 0, 0, 0, 0, 0]  # r2, r7
    assert per_day.series[Source.PARTNER] == [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]  # r4
    assert per_day.total == 7  # r6 was filed in March


def test_median_and_90th_percentile_of_the_time_to_take_a_request_in_charge(crisis, april):
    delays = figures.assignment_delays(april)

    # r2 after 1 h (routed), r1 after 4 h, r3 after 24 h (its first assignment; the second one does not count).
    assert delays.count == 3
    assert delays.median == timedelta(hours=4)
    # percentile_cont: rank (3 - 1) × 0.9 = 1.8, so 4 h + 0.8 × (24 h - 4 h) = 20 h.
    assert delays.p90 == timedelta(hours=20)


def test_the_fallback_for_databases_without_percentiles_gives_the_same_delays(crisis, april):
    assert figures.delays_by_rank(figures.taken_in_charge_delays(april)) == figures.assignment_delays(april)


def test_the_percentile_fallback_interpolates_as_postgresql_does_on_many_values(frozen_now, april):
    rng = random.Random(54)
    for _ in range(40):
        filed = paris(rng.randrange(1, 10), rng.randrange(0, 24))
        help_request = HelpRequestFactory(created_at=filed, status=Status.ASSIGNED)
        taken = filed + timedelta(minutes=rng.randrange(1, 5000))
        StatusChange.objects.create(help_request=help_request, to_status=Status.ASSIGNED, changed_at=taken)

    in_database = figures.assignment_delays(april)
    by_rank = figures.delays_by_rank(figures.taken_in_charge_delays(april))

    assert in_database.count == by_rank.count == 40
    assert abs(in_database.median - by_rank.median) < timedelta(milliseconds=1)
    assert abs(in_database.p90 - by_rank.p90) < timedelta(milliseconds=1)


def test_no_delay_without_requests_taken_in_charge(frozen_now, april):
    assert figures.assignment_delays(april) == figures.Delays(count=0, median=None, p90=None)
    assert figures.delays_by_rank(figures.taken_in_charge_delays(april)).median is None


def test_requests_nobody_holds_past_the_delay_their_urgency_allows(crisis, april):
    overdue = figures.requests_overdue(april)

    # r4 urgent for 2 days; r6 normal for 21 days. r5 (urgent, 12 h 30) and r8 (flexible, 4 days) are in time;
    # r1 and r3 are held by a volunteer.
    assert overdue.by_urgency == {Urgency.URGENT: 1, Urgency.NORMAL: 1, Urgency.FLEXIBLE: 0}
    assert overdue.total == 2


def test_requests_are_ranked_by_epci_with_their_rate_per_inhabitants(crisis, april):
    ranked = figures.requests_per_epci(april)

    assert len(ranked) == 20  # every EPCI of the département, even without request
    first, second = ranked[0], ranked[1]
    assert (first.code, first.count) == (commune("54395").epci_id, 6)  # Grand Nancy: r1 r2 r3 r4 r5 r7
    assert (second.code, second.count) == (commune("54329").epci_id, 1)  # r8 in Lunéville
    assert all(row.count == 0 for row in ranked[2:])
    assert first.per_10000 == pytest.approx(6 * 10000 / first.population)


def test_communes_with_most_requests(crisis, april):
    top = figures.requests_top_communes(april)

    assert [(row.label, row.count) for row in top] == [("Nancy", 6), ("Lunéville", 1)]
    assert top[0].per_10000 == pytest.approx(6 * 10000 / 103671)


def test_volunteers_by_state_and_by_domain(crisis, april):
    volunteers = figures.volunteers_summary(april)

    assert (volunteers.total, volunteers.active, volunteers.paused, volunteers.suspended) == (4, 2, 1, 1)
    assert volunteers.ready == 1  # v1 only: v4 gave no attestation, v2 is paused
    assert volunteers.helping == 1  # v1 follows r8
    # Suspended volunteers are left out; each counts in every domain chosen.
    assert {code: n for code, _label, n in volunteers.by_domain} == {
        FOOD: 2,  # v1, v2
        Domain.CHILDCARE: 2,  # v1, v4
        Domain.ISOLATED_CONTACT: 1,
        LOCAL: 1,
    }


def test_organisations_by_status(crisis, april):
    assert figures.associations_by_status(april) == {"pending": 1, "validated": 1, "suspended": 1}


def test_missions_published_and_filled(crisis, april):
    missions = figures.missions_summary(april)

    # The draft and the pending organisation's mission are not published to the public.
    assert (missions.published, missions.filled, missions.places, missions.accepted) == (2, 1, 5, 3)
    assert missions.fill_rate == pytest.approx(0.6)


def test_concerns_reported_in_the_period(crisis, april):
    assert figures.concerns_reported(april) == 1  # on r1; r6's was in March, r3's report has none
    assert figures.concerns_reported(replace(april, domain=FOOD)) == 0


def test_a_domain_narrows_every_figure(crisis, april):
    food = replace(april, domain=FOOD)

    assert figures.open_requests_by_status_and_domain(food).total == 1
    assert figures.requests_per_day_by_source(food).total == 1
    assert figures.assignment_delays(food).count == 0
    assert figures.requests_overdue(food).total == 0
    volunteers = figures.volunteers_summary(food)
    assert (volunteers.total, volunteers.active, volunteers.paused) == (3, 1, 1)  # v1, v2, the suspended one
    assert figures.associations_by_status(food) == {"pending": 1, "validated": 1, "suspended": 1}  # all act in food
    assert figures.missions_summary(food).published == 2  # both are food missions


def test_an_epci_or_an_arrondissement_narrows_every_figure(crisis, april):
    grand_nancy = replace(april, epci=commune("54395").epci)
    luneville = replace(april, arrondissement=Arrondissement.objects.get(code="542"))

    assert figures.requests_per_day_by_source(grand_nancy).total == 6
    assert figures.requests_per_day_by_source(luneville).total == 1
    assert figures.open_requests_by_status_and_domain(luneville).total == 1
    assert figures.assignment_delays(grand_nancy).count == 3
    assert figures.requests_overdue(luneville).total == 0
    assert [row.count for row in figures.requests_per_epci(grand_nancy)] == [6]
    assert figures.volunteers_summary(luneville).total == 1  # v2
    assert figures.associations_by_status(luneville) == {"pending": 1, "validated": 0, "suspended": 0}
    assert figures.missions_summary(grand_nancy).published == 1
    assert figures.concerns_reported(luneville) == 0


def test_the_period_bounds_the_flows_but_not_the_present(crisis, april):
    first_days = replace(april, date_to=date(2020, 4, 3))

    assert figures.requests_per_day_by_source(first_days).total == 2  # r1, r2
    assert figures.assignment_delays(first_days).median == timedelta(hours=2, minutes=30)  # 1 h and 4 h
    assert figures.concerns_reported(first_days) == 0
    assert figures.open_requests_by_status_and_domain(first_days).total == 6
    assert figures.requests_overdue(first_days).total == 2


def test_the_dashboard_figures_take_a_fixed_number_of_queries(crisis, april):
    with CaptureQueriesContext(connection) as queries:
        figures.dashboard_figures(april)
    # open requests, per day, delays, overdue, per EPCI (2), top communes, volunteers, organisations, missions,
    # concerns, answers to "did help arrive?", messages, today's SMS against the budget, the check-in campaigns'
    # people by EPCI and by commune (2)
    assert len(queries) == 16


def test_messages_are_counted_by_channel_and_fate_with_their_delivery_rate(frozen_now, april):
    from notifications.enums import Channel, DeliveryStatus
    from notifications.models import Notification

    food_request = HelpRequestFactory(domain=FOOD)

    def messages(channel, status, count, *, day=5, help_request=None):
        for _ in range(count):
            Notification.objects.create(
                event="request_received", channel=channel, recipient="x", body="-", status=status,
                created_at=paris(day, 10), help_request=help_request,
            )  # fmt: skip

    messages(Channel.EMAIL, DeliveryStatus.SENT, 3)  # taken by the mail server: as far as email goes
    messages(Channel.EMAIL, DeliveryStatus.FAILED, 1)
    messages(Channel.SMS, DeliveryStatus.DELIVERED, 5, help_request=food_request)  # the operator reported them
    messages(Channel.SMS, DeliveryStatus.FAILED, 1)  # refused, or reported not delivered
    messages(Channel.SMS, DeliveryStatus.SENT, 2)  # no report yet
    messages(Channel.SMS, DeliveryStatus.PENDING, 1)
    messages(Channel.SMS, DeliveryStatus.WITHHELD, 4)  # the number answered STOP: the portal kept them back
    messages(Channel.SMS, DeliveryStatus.DELIVERED, 4, day=20, help_request=food_request)  # after the period

    email, sms = figures.messages_delivery(april)
    assert (email.code, email.reached, email.failed, email.waiting, email.rate) == ("email", 3, 1, 0, 0.75)
    assert (sms.code, sms.reached, sms.failed, sms.waiting, sms.withheld) == ("sms", 5, 1, 3, 4)
    assert sms.rate == 5 / 6  # among the messages whose fate is known: the withheld are not failures

    email, sms = figures.messages_delivery(replace(april, domain=FOOD))  # only the messages about its requests
    assert (email.reached, email.rate) == (0, None)
    assert (sms.reached, sms.failed, sms.waiting, sms.rate) == (5, 0, 0, 1.0)


def test_today_s_sms_are_counted_against_the_budget_from_midnight_in_paris(frozen_now, settings):
    from notifications.enums import Channel, DeliveryStatus
    from notifications.models import Notification

    def sms(sent_at, status=DeliveryStatus.DELIVERED):
        Notification.objects.create(
            event="proposal_made", channel=Channel.SMS, recipient="x", body="-", status=status, sent_at=sent_at,
            created_at=paris(9, 8),
        )  # fmt: skip

    sms(paris(10, 0, 10))  # 9 April 22:10 in UTC, already the 10th in Paris
    sms(paris(10, 11), DeliveryStatus.FAILED)  # handed over, then reported undelivered: spent all the same
    sms(paris(9, 23, 50))  # yesterday
    sms(None, DeliveryStatus.PENDING)
    settings.SMS_DAILY_BUDGET = 8

    budget = figures.sms_budget_today()
    assert (budget.spent, budget.budget, budget.share) == (2, 8, 0.25)
    settings.SMS_DAILY_BUDGET = 0
    assert figures.sms_budget_today().share is None


def test_the_answers_to_did_help_arrive_are_counted_for_the_questions_asked_in_the_period(april):
    def asked(day: int, arrived: bool | None, **fields):
        HelpRequestFactory(arrival_asked_at=paris(day, 10), help_arrived=arrived, status=Status.DONE, **fields)

    asked(2, True), asked(3, True), asked(4, True), asked(5, False), asked(6, None), asked(7, None)
    HelpRequestFactory(arrival_asked_at=paris(28, 10, month=3), help_arrived=False)  # asked in March
    HelpRequestFactory(status=Status.DONE)  # never asked (no SMS chosen)

    arrivals = figures.arrivals_answered(april)

    assert (arrivals.asked, arrivals.confirmed, arrivals.not_arrived, arrivals.unanswered) == (6, 3, 1, 2)
    assert arrivals.confirmed_rate == 0.75
    assert figures.arrivals_answered(replace(april, domain=FOOD)).asked == 0  # every one is about shopping
