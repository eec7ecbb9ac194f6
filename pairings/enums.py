from django.db import models
from django.utils.translation import gettext_lazy as _


class PairingStatus(models.TextChoices):
    # Nobody carries it yet, or no longer: the matching looks for a volunteer (first, or a replacement).
    SEEKING = "seeking", _("En attente d'un bénévole")
    ACTIVE = "active", _("En cours")
    PAUSED = "paused", _("En pause")
    ENDED = "ended", _("Terminé")


# The pairings that still concern someone: at most one per request (a database constraint).
OPEN_STATUSES = (PairingStatus.SEEKING, PairingStatus.ACTIVE, PairingStatus.PAUSED)


class VisitOutcome(models.TextChoices):
    """What became of one week's visit. The volunteer records the first three; the daily sweep the last."""

    DONE = "done", _("Appel fait / aide apportée")
    UNREACHABLE = "unreachable", _("Personne injoignable")
    CONCERN = "concern", _("Inquiétude")
    MISSED = "missed", _("Non confirmée")


# What the volunteer may record (a missed visit she confirms late becomes one of these).
RECORDED_OUTCOMES = (VisitOutcome.DONE, VisitOutcome.UNREACHABLE, VisitOutcome.CONCERN)
# Twice in a row, with the same volunteer: staff are alerted and another volunteer is offered.
ALERTING_STREAKS = (VisitOutcome.MISSED, VisitOutcome.UNREACHABLE)


class Side(models.TextChoices):
    """Who asked for a pause or an end: the beneficiary speaks through staff (phone, the hotline)."""

    VOLUNTEER = "volunteer", _("Le bénévole")
    BENEFICIARY = "beneficiary", _("La personne aidée")
    STAFF = "staff", _("Le département")


class PairingAction(models.TextChoices):
    STARTED = "started", _("Bénévole trouvé")
    REPLACED = "replaced", _("Bénévole remplacé")
    PAUSED = "paused", _("Mis en pause")
    RESUMED = "resumed", _("Repris")
    ENDED = "ended", _("Terminé")
    ALERT = "alert", _("Alerte au département")
