"""The steering figures, each from one or two aggregate queries whatever the number of rows.

Figures "à ce jour" describe the present (open requests, volunteers, organisations, missions); figures "sur la
période" count what happened between two dates (requests filed, delays, concerns). Every figure honours the
scope's domain and place; only the second kind honours its dates.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.enums import AssociationStatus
from associations.models import Association, Mission
from campaigns.enums import REACHED_STATES, STAFF_FOLLOW_UP_STATES, CampaignStatus, EntryState
from campaigns.models import Campaign, CampaignEntry
from core.enums import Domain, domain_bit
from core.models import Arrondissement, Commune, Epci
from matching.models import Proposal
from notifications.enums import REACHED, Channel, DeliveryStatus
from notifications.guards import parts_spent_today
from notifications.models import Notification
from requests_app.enums import (
    CLOSED_STATUSES,
    TAKE_IN_CHARGE_WITHIN,
    TAKEN_IN_CHARGE_STATUSES,
    WAITING_STATUSES,
    Source,
    Status,
    Urgency,
)
from requests_app.models import HelpRequest, StatusChange
from volunteers.enums import VolunteerStatus
from volunteers.models import VolunteerProfile

OPEN_STATUSES = [s for s in Status if s not in CLOSED_STATUSES]
RANKED_COMMUNES = 15


@dataclass(frozen=True)
class Scope:
    """What the dashboard looks at: a period (both days included), and optionally a domain and a place."""

    date_from: date
    date_to: date
    domain: str = ""
    epci: Epci | None = None
    arrondissement: Arrondissement | None = None

    @property
    def domain_label(self) -> str:
        return str(Domain(self.domain).label) if self.domain else ""

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    @property
    def days(self) -> list[date]:
        return [self.date_from + timedelta(days=n) for n in range((self.date_to - self.date_from).days + 1)]

    def place_filter(self, commune_path: str) -> Q:
        condition = Q()
        if self.epci:
            condition &= Q(**{f"{commune_path}__epci": self.epci})
        if self.arrondissement:
            condition &= Q(**{f"{commune_path}__arrondissement": self.arrondissement})
        return condition

    def requests(self) -> QuerySet[HelpRequest]:
        """Requests of the domain and place, whenever filed."""
        queryset = HelpRequest.objects.filter(self.place_filter("commune"))
        return queryset.filter(domain=self.domain) if self.domain else queryset

    def requests_filed(self) -> QuerySet[HelpRequest]:
        """Requests of the domain and place filed during the period."""
        return self.requests().filter(created_at__gte=self.start, created_at__lt=self.end)

    def volunteers(self) -> QuerySet[VolunteerProfile]:
        condition = Q()
        if self.epci:
            condition &= Q(home_epci=self.epci)
        if self.arrondissement:
            condition &= Q(home_arrondissement=self.arrondissement)
        queryset = VolunteerProfile.objects.filter(condition)
        return queryset.with_domain(self.domain) if self.domain else queryset

    def associations(self) -> QuerySet[Association]:
        queryset = Association.objects.filter(self.place_filter("commune"))
        return queryset.with_domain(self.domain) if self.domain else queryset

    def missions(self) -> QuerySet[Mission]:
        queryset = Mission.objects.published().filter(self.place_filter("commune"))
        return queryset.filter(domain=self.domain) if self.domain else queryset


# --- Requests -------------------------------------------------------------------------------------


@dataclass
class Crosstab:
    """Counts by row and column, with the totals the table and the chart show."""

    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    cells: dict[tuple[str, str], int]
    row_totals: dict[str, int] = field(default_factory=dict)
    column_totals: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def __post_init__(self):
        row_codes, column_codes = [r for r, _label in self.rows], [c for c, _label in self.columns]
        self.row_totals = {r: sum(self.cells.get((r, c), 0) for c in column_codes) for r in row_codes}
        self.column_totals = {c: sum(self.cells.get((r, c), 0) for r in row_codes) for c in column_codes}
        self.total = sum(self.row_totals.values())

    def table(self) -> list[dict]:
        return [
            {
                "code": code,
                "label": label,
                "cells": [self.cells.get((code, c), 0) for c, _label in self.columns],
                "total": self.row_totals[code],
            }
            for code, label in self.rows
        ]


def open_requests_by_status_and_domain(scope: Scope) -> Crosstab:
    """Requests open today (neither done nor cancelled), whenever filed. One query."""
    counts = scope.requests().filter(status__in=OPEN_STATUSES).values_list("status", "domain").annotate(n=Count("pk"))
    return Crosstab(
        rows=[(s.value, s.label) for s in OPEN_STATUSES],
        columns=list(Domain.choices),
        cells={(status, domain): n for status, domain, n in counts.order_by()},
    )


@dataclass
class DailySeries:
    days: list[date]
    series: dict[str, list[int]]  # by source code, one count per day
    labels: dict[str, str]

    @property
    def totals(self) -> dict[str, int]:
        return {code: sum(values) for code, values in self.series.items()}

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    def table(self) -> list[dict]:
        return [
            {"day": day, "cells": [self.series[code][i] for code in self.series], "total": sum(
                self.series[code][i] for code in self.series)}
            for i, day in enumerate(self.days)
        ]  # fmt: skip


def requests_per_day_by_source(scope: Scope) -> DailySeries:
    """Requests filed each day of the period (in the portal's time zone), by channel. One query."""
    counts = (
        scope.requests_filed()
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", "source")
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = scope.days
    index = {day: i for i, day in enumerate(days)}
    series = {code: [0] * len(days) for code in Source.values}
    for day, source, n in counts:
        if day in index and source in series:
            series[source][index[day]] = n
    return DailySeries(days=days, series=series, labels=dict(Source.choices))


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile, e.g. the median of delays: percentile_cont(0.5) WITHIN GROUP (…)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        # A float of our own, never user input: it goes into the SQL as a literal.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


@dataclass
class Delays:
    count: int
    median: timedelta | None
    p90: timedelta | None


def taken_in_charge_delays(scope: Scope) -> QuerySet:
    """For each request filed in the period and taken in charge since: the time between its filing and the first
    time it went into a volunteer's or a partner's hands."""
    return (
        StatusChange.objects.filter(
            to_status__in=TAKEN_IN_CHARGE_STATUSES, help_request__in=scope.requests_filed().values("pk")
        )
        .values("help_request")
        .annotate(delay=Min("changed_at") - F("help_request__created_at"))
        .order_by()
    )


def assignment_delays(scope: Scope) -> Delays:
    """Median and 90th percentile of the time to take a request in charge, for requests filed in the period.

    PostgreSQL computes both in one query. Other databases (the embedded SQLite) have no percentile function: the
    same interpolation is done from the two neighbouring ranks, read by offset (three queries, no row list in memory).
    """
    delays = taken_in_charge_delays(scope)
    if connection.vendor == "postgresql":
        result = delays.aggregate(
            count=Count("help_request"),
            median=PercentileCont("delay", 0.5, output_field=DurationField()),
            p90=PercentileCont("delay", 0.9, output_field=DurationField()),
        )
        return Delays(count=result["count"], median=result["median"], p90=result["p90"])
    return delays_by_rank(delays)


def delays_by_rank(delays: QuerySet) -> Delays:
    count = delays.count()
    if not count:
        return Delays(count=0, median=None, p90=None)
    median, p90 = (_percentile_by_rank(delays, count, fraction) for fraction in (0.5, 0.9))
    return Delays(count=count, median=median, p90=p90)


def _percentile_by_rank(delays: QuerySet, count: int, fraction: float) -> timedelta:
    """percentile_cont's definition: linear interpolation between the values at ranks floor(h) and floor(h) + 1,
    where h = (n - 1) × fraction, counting from 0."""
    position = (count - 1) * fraction
    low = math.floor(position)
    values = list(delays.order_by("delay", "help_request").values_list("delay", flat=True)[low : low + 2])
    if len(values) == 1:
        return values[0]
    return values[0] + (values[1] - values[0]) * (position - low)


@dataclass
class Overdue:
    by_urgency: dict[int, int]
    deadlines: dict[int, timedelta]
    labels: dict[int, str]

    @property
    def total(self) -> int:
        return sum(self.by_urgency.values())

    def table(self) -> list[dict]:
        return [
            {"urgency": u, "label": self.labels[u], "within": self.deadlines[u], "count": self.by_urgency[u]}
            for u in self.by_urgency
        ]


def requests_overdue(scope: Scope, *, now: datetime | None = None) -> Overdue:
    """Open requests nobody holds yet and filed longer ago than their urgency allows, whenever filed. One query."""
    now = now or timezone.now()
    counts = (
        scope.requests()
        .filter(status__in=WAITING_STATUSES)
        .aggregate(
            **{
                str(urgency): Count("pk", filter=Q(urgency=urgency, created_at__lt=now - within))
                for urgency, within in TAKE_IN_CHARGE_WITHIN.items()
            }
        )
    )
    return Overdue(
        by_urgency={u.value: counts[str(u.value)] for u in Urgency},
        deadlines={u.value: TAKE_IN_CHARGE_WITHIN[u] for u in Urgency},
        labels=dict(Urgency.choices),
    )


@dataclass
class Ranked:
    code: str
    label: str
    count: int
    population: int | None = None

    @property
    def per_10000(self) -> float | None:
        return self.count * 10000 / self.population if self.population else None


def requests_per_epci(scope: Scope) -> list[Ranked]:
    """Requests filed in the period in each EPCI, most first, with the rate per 10,000 inhabitants of the EPCI's
    communes in the département. Every EPCI of the département is listed, even with none. Two queries."""
    counts = dict(
        scope.requests_filed().values_list("commune__epci").annotate(n=Count("pk")).order_by().values_list(
            "commune__epci", "n")
    )  # fmt: skip
    epcis = Commune.objects.in_departement(settings.TERRITORY).filter(epci__isnull=False)
    if scope.epci:
        epcis = epcis.filter(epci=scope.epci)
    if scope.arrondissement:
        epcis = epcis.filter(arrondissement=scope.arrondissement)
    rows = epcis.values_list("epci", "epci__name").annotate(population=Sum("population")).order_by()
    ranked = [Ranked(siren, name, counts.get(siren, 0), population) for siren, name, population in rows]
    return sorted(ranked, key=lambda r: (-r.count, r.label))


def requests_top_communes(scope: Scope, limit: int = RANKED_COMMUNES) -> list[Ranked]:
    """The communes with most requests filed in the period. One query."""
    rows = (
        scope.requests_filed()
        .values_list("commune", "commune__name", "commune__population")
        .annotate(n=Count("pk"))
        .order_by("-n", "commune__name")[:limit]
    )
    return [Ranked(insee, name, n, population) for insee, name, population, n in rows]


# --- People and organisations -------------------------------------------------------------------------


@dataclass
class Volunteers:
    total: int
    active: int
    paused: int
    suspended: int
    ready: int
    helping: int
    by_domain: list[tuple[str, str, int]]


def volunteers_summary(scope: Scope, *, today: date | None = None) -> Volunteers:
    """Volunteer profiles today, by state and by domain (a volunteer counts in each domain they chose). One query.

    "Disponibles" are active, not paused, with the attestations and a verified email: those matching may propose to.
    """
    today = today or timezone.localdate()
    paused = Q(paused_until__gte=today)
    not_suspended = ~Q(status=VolunteerStatus.SUSPENDED)
    result = scope.volunteers().aggregate(
        total=Count("pk"),
        active=Count("pk", filter=not_suspended & ~paused),
        paused=Count("pk", filter=not_suspended & paused),
        suspended=Count("pk", filter=Q(status=VolunteerStatus.SUSPENDED)),
        ready=Count("pk", filter=Q(is_eligible=True, user__is_active=True) & ~paused),
        helping=Count("pk", filter=Q(live_count__gt=0)),
        **{
            f"domain_{code}": Count("pk", filter=not_suspended & GreaterThan(F("domains").bitand(domain_bit(code)), 0))
            for code in Domain.values
        },
    )
    return Volunteers(
        total=result["total"],
        active=result["active"],
        paused=result["paused"],
        suspended=result["suspended"],
        ready=result["ready"],
        helping=result["helping"],
        by_domain=[(code, label, result[f"domain_{code}"]) for code, label in Domain.choices],
    )


def associations_by_status(scope: Scope) -> dict[str, int]:
    """Organisations today by status (pending validation, validated, suspended). One query."""
    counts = dict(scope.associations().values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in AssociationStatus.values}


@dataclass
class Missions:
    published: int
    filled: int
    places: int
    accepted: int

    @property
    def fill_rate(self) -> float | None:
        return self.accepted / self.places if self.places else None


def missions_summary(scope: Scope) -> Missions:
    """Missions the public sees today, how many have all the volunteers they asked for, places filled. One query."""
    result = (
        scope.missions()
        .with_accepted_count()
        .aggregate(
            published=Count("pk"),
            filled=Count("pk", filter=Q(accepted_count__gte=F("volunteers_needed"))),
            places=Sum("volunteers_needed"),
            accepted=Sum("accepted_count"),
        )
    )
    return Missions(
        published=result["published"],
        filled=result["filled"],
        places=result["places"] or 0,
        accepted=result["accepted"] or 0,
    )


def concerns_reported(scope: Scope) -> int:
    """Assignments completed in the period on which the volunteer reported a concern for the person. One query."""
    requests = scope.requests().values("pk")
    return Proposal.objects.filter(
        concern=True, completed_at__gte=scope.start, completed_at__lt=scope.end, help_request__in=requests
    ).count()


@dataclass
class Arrivals:
    """ "L'aide est-elle bien arrivée ?" asked by SMS during the period (requests_app/arrival.py), and the answers."""

    asked: int
    confirmed: int
    not_arrived: int
    unanswered: int

    @property
    def confirmed_rate(self) -> float | None:
        """Help confirmed among the answers given."""
        answered = self.confirmed + self.not_arrived
        return self.confirmed / answered if answered else None


def arrivals_answered(scope: Scope) -> Arrivals:
    """Requests of the scope asked during the period whether help arrived: confirmed (1), not arrived (2), and still
    unanswered (waiting, or reopened for want of an answer). One query."""
    result = (
        scope.requests()
        .filter(arrival_asked_at__gte=scope.start, arrival_asked_at__lt=scope.end)
        .aggregate(
            asked=Count("pk"),
            confirmed=Count("pk", filter=Q(help_arrived=True)),
            not_arrived=Count("pk", filter=Q(help_arrived=False)),
            unanswered=Count("pk", filter=Q(help_arrived__isnull=True)),
        )
    )
    return Arrivals(**result)


# --- Messages ---------------------------------------------------------------------------------------------


@dataclass
class ChannelDelivery:
    """The messages of one channel written during the period: how many reached the person, failed, or wait for
    news (still in the outbox, or an SMS the operator has not reported on yet), and the SMS withheld because their
    number answered STOP."""

    code: str
    label: str
    reached: int
    failed: int
    waiting: int
    withheld: int = 0

    @property
    def rate(self) -> float | None:
        """Reached among the messages whose fate is known. A withheld SMS is neither: the portal kept it back, as the
        person asked, and no delivery was tried."""
        known = self.reached + self.failed
        return self.reached / known if known else None


NOT_WAITING = {DeliveryStatus.FAILED, DeliveryStatus.WITHHELD}  # their fate is settled, reached or not


def messages_delivery(scope: Scope) -> list[ChannelDelivery]:
    """Emails and SMS written during the period, by channel and fate, "reached" meaning what notifications.enums says
    for each channel (an SMS's delivery report, an email taken by the mail server). With a domain or a place, only
    the messages about the scope's requests. One query."""
    messages = Notification.objects.filter(created_at__gte=scope.start, created_at__lt=scope.end)
    if scope.domain or scope.epci or scope.arrondissement:
        messages = messages.filter(help_request__in=scope.requests().values("pk"))
    rows = messages.values_list("channel", "status").annotate(n=Count("pk")).order_by()
    counts = {(channel, status): n for channel, status, n in rows}

    def count(channel: str, statuses) -> int:
        return sum(counts.get((channel, status), 0) for status in statuses)

    return [
        ChannelDelivery(
            code=channel.value,
            label=channel.label,
            reached=count(channel, REACHED[channel]),
            failed=count(channel, [DeliveryStatus.FAILED]),
            waiting=count(channel, set(DeliveryStatus) - REACHED[channel] - NOT_WAITING),
            withheld=count(channel, [DeliveryStatus.WITHHELD]),
        )
        for channel in Channel
    ]


@dataclass(frozen=True)
class SmsBudget:
    """Today's SMS (Paris) against the daily budget, whatever the period, domain or place looked at: the budget is
    the portal's."""

    spent: int
    budget: int  # 0: none set

    @property
    def share(self) -> float | None:
        return self.spent / self.budget if self.budget else None


def sms_budget_today(now: datetime | None = None) -> SmsBudget:
    """One query."""
    return SmsBudget(spent=parts_spent_today(now), budget=settings.SMS_DAILY_BUDGET)


# --- Check-in campaigns ------------------------------------------------------------------------------


@dataclass
class CampaignCount:
    code: str
    label: str
    total: int = 0
    reached: int = 0
    needs_help: int = 0
    unreachable: int = 0
    to_call: int = 0


@dataclass
class CampaignFigures:
    total: CampaignCount
    per_epci: list[CampaignCount]
    top_communes: list[CampaignCount]


def campaign_counts() -> dict:
    return {
        "total": Count("pk"),
        "reached": Count("pk", filter=Q(state__in=REACHED_STATES)),
        "needs_help": Count("pk", filter=Q(state=EntryState.NEEDS_HELP)),
        "unreachable": Count("pk", filter=Q(state__in=STAFF_FOLLOW_UP_STATES)),
        "to_call": Count("pk", filter=Q(state=EntryState.TO_CALL)),
    }


def campaign_figures(scope: Scope, limit: int = RANKED_COMMUNES) -> CampaignFigures:
    """The people of the campaigns that ran during the period, in the scope's place, by where they stand: reached,
    needing help, unreachable, still to call; by EPCI and for the communes with most people. Two queries. Campaigns
    call isolated people: a scope on another domain counts none."""
    campaigns = Campaign.objects.exclude(status=CampaignStatus.DRAFT).filter(started_at__lt=scope.end)
    campaigns = campaigns.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=scope.start))
    people = CampaignEntry.objects.filter(campaign__in=campaigns).filter(scope.place_filter("commune"))
    if scope.domain and scope.domain != Domain.ISOLATED_CONTACT:
        people = people.none()
    per_epci = [
        CampaignCount(code or "", name or _("Sans intercommunalité"), **counts)
        for code, name, counts in (
            (row.pop("commune__epci"), row.pop("commune__epci__name"), row)
            for row in people.values("commune__epci", "commune__epci__name").annotate(**campaign_counts()).order_by()
        )
    ]
    per_epci.sort(key=lambda row: (-row.total, row.label))
    communes = (
        people.values("commune", "commune__name")
        .annotate(**campaign_counts())
        .order_by("-total", "commune__name")[:limit]
    )
    top_communes = [CampaignCount(row.pop("commune"), row.pop("commune__name"), **row) for row in communes]
    total = CampaignCount("", _("Ensemble"))
    for row in per_epci:
        for name in ("total", "reached", "needs_help", "unreachable", "to_call"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return CampaignFigures(total=total, per_epci=per_epci, top_communes=list(top_communes))


# --- Everything the dashboard shows -----------------------------------------------------------------


def dashboard_figures(scope: Scope) -> dict:
    """Every figure of the dashboard: a fixed number of queries (sixteen), whatever the volume."""
    per_day = requests_per_day_by_source(scope)
    return {
        "open_requests": open_requests_by_status_and_domain(scope),
        "per_day": per_day,
        "delays": assignment_delays(scope),
        "overdue": requests_overdue(scope),
        "per_epci": requests_per_epci(scope),
        "top_communes": requests_top_communes(scope),
        "volunteers": volunteers_summary(scope),
        "associations": associations_by_status(scope),
        "missions": missions_summary(scope),
        "concerns": concerns_reported(scope),
        "arrivals": arrivals_answered(scope),
        "messages": messages_delivery(scope),
        "sms_budget": sms_budget_today(),
        "campaigns": campaign_figures(scope),
    }
