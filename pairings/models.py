from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import DayPeriod, Weekday
from matching.enums import ProposalStatus
from pairings.enums import OPEN_STATUSES, PairingAction, PairingStatus, Side, VisitOutcome


class PairingError(Exception):
    """The pairing cannot change that way; the message says why, in French."""


class PairingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def carried(self):
        """Active or paused, with a volunteer whose assignment lives: those that have visits."""
        return self.filter(
            status__in=(PairingStatus.ACTIVE, PairingStatus.PAUSED),
            volunteer__isnull=False,
            proposal__status=ProposalStatus.ACCEPTED,
        )

    def for_volunteer_user(self, user):
        return self.filter(volunteer__user=user)


class Pairing(models.Model):
    """A regular help: one request, one volunteer at a time, one slot every week. It lives on the volunteer's
    accepted proposal (her assignment, which shows her the person's details and counts in her capacity); each week
    is a Visit."""

    help_request = models.ForeignKey(
        "requests_app.HelpRequest", on_delete=models.CASCADE, related_name="pairings", verbose_name=_("demande")
    )
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairings",
        verbose_name=_("bénévole"),
    )
    # The assignment that carries the pairing now; a replacement brings a new one.
    proposal = models.ForeignKey(
        "matching.Proposal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("proposition"),
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    period = models.PositiveSmallIntegerField(_("moment"), choices=DayPeriod.choices)
    start_date = models.DateField(_("début"), default=timezone.localdate)
    status = models.CharField(
        _("statut"), max_length=10, choices=PairingStatus.choices, default=PairingStatus.SEEKING, editable=False
    )
    paused_until = models.DateField(_("en pause jusqu'au"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("terminé le"), null=True, blank=True, editable=False)
    end_reason = models.CharField(_("motif de fin"), max_length=300, blank=True, editable=False)
    # Who last paused or ended it, and for whom.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        editable=False, verbose_name=_("mis en pause ou terminé par"),
    )  # fmt: skip
    changed_for = models.CharField(_("à la demande de"), max_length=12, choices=Side.choices, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("accompagnement régulier")
        verbose_name_plural = _("accompagnements réguliers")
        ordering = ["weekday", "period", "pk"]
        constraints = [
            # One regular help per request at a time: a replacement keeps the same pairing and its history.
            models.UniqueConstraint(
                fields=["help_request"], condition=~Q(status=PairingStatus.ENDED), name="one_open_pairing_per_request"
            ),
            models.CheckConstraint(
                condition=~Q(status=PairingStatus.PAUSED) | Q(paused_until__isnull=False),
                name="pairing_paused_has_end_date",
            ),
        ]

    def __str__(self):
        return f"{self.help_request} — {self.slot_display}"

    @property
    def slot_display(self) -> str:
        return f"{Weekday(self.weekday).label} {DayPeriod(self.period).label}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == PairingStatus.PAUSED

    def dates_between(self, first: date, last: date) -> list[date]:
        """The pairing's weekdays from `first` to `last` included, none before its start nor during a pause."""
        first = max(first, self.start_date)
        if self.paused_until:
            first = max(first, self.paused_until + timedelta(days=1))
        day = first + timedelta(days=(self.weekday - first.weekday()) % 7)
        dates = []
        while day <= last:
            dates.append(day)
            day += timedelta(days=7)
        return dates

    def record(self, action: str, *, by=None, side: str = "", note: str = "") -> "PairingChange":
        return self.changes.create(action=action, by=by, side=side, note=note)


class PairingChange(models.Model):
    """The pairing's history: who carried it, pauses, ends, alerts. Kept when the volunteer changes."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("le"), default=timezone.now)
    action = models.CharField(_("étape"), max_length=10, choices=PairingAction.choices)
    side = models.CharField(_("à la demande de"), max_length=12, choices=Side.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("par"),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("étape d'un accompagnement")
        verbose_name_plural = _("historique")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} ({timezone.localtime(self.at):%d/%m/%Y})"


class VisitQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(outcome="")

    def to_record(self, today: date):
        """Due and not yet recorded: today's, and the past ones left unconfirmed."""
        return self.filter(Q(outcome="") | Q(outcome=VisitOutcome.MISSED), date__lte=today)


class Visit(models.Model):
    """One week's call or visit of a pairing, generated ahead (pairings.services.visits_generate)."""

    pairing = models.ForeignKey(
        Pairing, on_delete=models.CASCADE, related_name="visits", verbose_name=_("accompagnement")
    )
    date = models.DateField(_("date"))
    # Who was to make it: the history stays right when the pairing changes hands.
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits",
        verbose_name=_("bénévole"),
    )  # fmt: skip
    outcome = models.CharField(_("résultat"), max_length=12, choices=VisitOutcome.choices, blank=True)
    # What the volunteer adds: it may describe the person, so staff read it on the pairing's page, never by email.
    note = models.CharField(_("note du bénévole"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("noté le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visite")
        verbose_name_plural = _("visites")
        ordering = ["date", "pk"]
        constraints = [
            # Generating twice creates nothing: a week has one visit.
            models.UniqueConstraint(fields=["pairing", "date"], name="one_visit_per_pairing_and_date"),
        ]
        indexes = [models.Index(fields=["date"], condition=Q(outcome=""), name="visit_pending_date")]

    def __str__(self):
        return f"visite n° {self.pk} du {self.date:%d/%m/%Y}"
