from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.enums import ApplicationStatus, AssociationStatus, MissionStatus
from matching.enums import ProposalStatus
from orders.codes import grouped
from orders.enums import OrderState, RevocationReason


class MissionOrderQuerySet(models.QuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)

    def current(self, today: date | None = None):
        """The orders that still vouch for their volunteer today (if their assignment still lives: `state`)."""
        return self.unrevoked().filter(valid_until__gte=today or timezone.localdate())

    def with_assignment(self):
        """What `state` reads of the assignment, in the same query."""
        return self.select_related("proposal", "application__mission__association")

    def revoke(self, reason: str) -> int:
        """Revokes those not revoked yet, in one UPDATE; how many."""
        return self.unrevoked().update(revoked_at=timezone.now(), revocation_reason=reason)


class MissionOrder(models.Model):
    """The paper a volunteer carries on a live assignment (an accepted proposal, or an accepted application to a
    mission), checked by anyone through its code at /verifier/<code>/.

    The volunteer's first name and the issuer are copied when it is issued: the paper says what the page says, even
    if a profile or an organisation is renamed later. It ends on its own when its validity runs out, and is revoked
    as soon as the assignment ends (orders.receivers)."""

    code = models.CharField(_("code"), max_length=10, unique=True, editable=False)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,  # deleting the account takes its orders, first name and all
        related_name="mission_orders",
        verbose_name=_("bénévole"),
        editable=False,
    )
    proposal = models.ForeignKey(
        "matching.Proposal",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mission_orders",
        verbose_name=_("demande suivie"),
        editable=False,
    )
    application = models.ForeignKey(
        "associations.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mission_orders",
        verbose_name=_("candidature acceptée"),
        editable=False,
    )
    first_name = models.CharField(_("prénom du bénévole"), max_length=150, editable=False)
    issuer_name = models.CharField(_("émis par"), max_length=200, editable=False)
    issued_at = models.DateTimeField(_("émis le"), default=timezone.now, editable=False)
    valid_from = models.DateField(_("valable à partir du"), editable=False)
    valid_until = models.DateField(_("valable jusqu'au (inclus)"), editable=False)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)
    revocation_reason = models.CharField(
        _("motif de la révocation"), max_length=30, choices=RevocationReason.choices, blank=True, editable=False
    )

    objects = MissionOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("ordre de mission")
        verbose_name_plural = _("ordres de mission")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, application__isnull=True)
                | Q(proposal__isnull=True, application__isnull=False),
                name="mission_order_covers_one_assignment",
            ),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="mission_order_valid_span"),
            # One order at a time per assignment: a new one only once the last has expired (a later day) or was
            # revoked. The services also lock the assignment's row while they issue.
            models.UniqueConstraint(
                fields=["proposal", "valid_from"],
                condition=Q(revoked_at__isnull=True, proposal__isnull=False),
                name="one_order_per_proposal_and_day",
            ),
            models.UniqueConstraint(
                fields=["application", "valid_from"],
                condition=Q(revoked_at__isnull=True, application__isnull=False),
                name="one_order_per_application_and_day",
            ),
        ]

    def __str__(self):
        return _("Ordre de mission %(code)s") % {"code": self.code}

    @property
    def code_display(self) -> str:
        return grouped(self.code)

    @property
    def assignment_is_live(self) -> bool:
        """Whether the assignment it covers still goes on. The receivers revoke an order when it ends; this is read
        again on each verification, so that a path that forgot to tell never leaves a paper saying "valide"."""
        if self.proposal_id is not None:
            return self.proposal.status == ProposalStatus.ACCEPTED
        mission = self.application.mission
        return (
            self.application.status == ApplicationStatus.ACCEPTED
            and mission.status != MissionStatus.CLOSED
            and mission.association.status == AssociationStatus.VALIDATED
        )

    def state(self, today: date | None = None) -> OrderState:
        if self.revoked_at is not None or not self.assignment_is_live:
            return OrderState.REVOKED
        if (today or timezone.localdate()) > self.valid_until:
            return OrderState.EXPIRED
        return OrderState.VALID

    def revoke(self, reason: str) -> None:
        if self.revoked_at is None:
            self.revoked_at, self.revocation_reason = timezone.now(), reason
            self.save(update_fields=["revoked_at", "revocation_reason"])
