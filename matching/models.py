from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.enums import CONTACT_REVEALING_STATUSES, LIVE_PROPOSAL_STATUSES, TRANSITIONS, ProposalStatus


class ProposalError(Exception):
    """The proposal cannot move that way; the message says why, in French."""


class ProposalQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_PROPOSAL_STATUSES)

    def listed(self):
        """What a volunteer's lists show of each proposal (her dashboard, her history): the request's help type,
        commune, summary and weekly slot, her advance. Only those columns: the whole rows of four tables made the
        dashboard spend more time building its SQL than the database running it."""
        return self.select_related("help_request__help_type", "help_request__commune", "advance").only(
            "status", "created_at", "respond_by", "volunteer_id",
            "help_request__reference", "help_request__volunteer_summary", "help_request__recurring_day",
            "help_request__recurring_period", "help_request__help_type__name", "help_request__commune__name",
            "advance__amount", "advance__status", "advance__repaid_on", "advance__refusal_reason",
        )  # fmt: skip

    def revealing_contact(self):
        """The assignments that let their volunteer see the beneficiary's contact details (requests_app.privacy
        decides with it)."""
        return self.filter(status__in=CONTACT_REVEALING_STATUSES)


class Proposal(models.Model):
    """A help request offered to one volunteer; once accepted it is the assignment."""

    help_request = models.ForeignKey(
        "requests_app.HelpRequest", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("demande")
    )
    # Kept with a NULL volunteer when the volunteer deletes the account: the request's history stays whole.
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("bénévole"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    score = models.IntegerField(_("score"), default=0)
    explanation = models.TextField(_("explication"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposée par"),
    )
    created_at = models.DateTimeField(_("proposée le"), default=timezone.now)
    respond_by = models.DateTimeField(_("réponse attendue avant"))
    responded_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    decline_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    report = models.TextField(_("compte rendu"), max_length=2000, blank=True)
    concern = models.BooleanField(_("inquiétude signalée"), default=False)
    # The version of the health rules (crisis.HealthRules) shown to the volunteer when she accepted.
    health_rules_version = models.PositiveIntegerField(
        _("consignes sanitaires acceptées (version)"), null=True, blank=True
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposition")
        ordering = ["-created_at"]
        constraints = [
            # A request is never offered to two volunteers at once, whatever races happen in Python.
            models.UniqueConstraint(
                fields=["help_request"],
                condition=Q(status__in=LIVE_PROPOSAL_STATUSES),
                name="one_live_proposal_per_request",
            ),
        ]
        indexes = [models.Index(fields=["status", "respond_by"], name="proposal_deadline")]

    def __str__(self):
        return f"{self.help_request} → {self.volunteer or '—'}"

    @property
    def advance_or_none(self):
        """Her advance of money for this help (requests_app.Advance), or None. The reverse relation raises when there
        is none, and a template that catches it then lists every attribute of the proposal to tell why: that cost
        more than drawing the rest of a history line."""
        try:
            return self.advance
        except ObjectDoesNotExist:
            return None

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PROPOSAL_STATUSES

    @property
    def reveals_contact(self) -> bool:
        """The beneficiary's identity, phone and address: only while this volunteer's assignment is live."""
        return self.status in CONTACT_REVEALING_STATUSES

    def can_move_to(self, to: str) -> bool:
        return to in TRANSITIONS[self.status]

    def move(self, to: str, *, refusal: str = "", **fields) -> None:
        """Moves the proposal to another status, with the fields that go with the change, or raises ProposalError
        (with `refusal` as its message) when TRANSITIONS do not allow it. Callers lock the row first."""
        if not self.can_move_to(to):
            raise ProposalError(refusal or _("Cette proposition ne peut plus changer ainsi."))
        self.status = to
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", *fields])
