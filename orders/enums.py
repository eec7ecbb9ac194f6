from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderState(models.TextChoices):
    """What the verification page says, in the words an officer reads at a glance."""

    VALID = "valid", _("Valide")
    EXPIRED = "expired", _("Expiré")
    REVOKED = "revoked", _("Révoqué")


class RevocationReason(models.TextChoices):
    DONE = "done", _("Mission terminée")
    HANDED_BACK = "handed_back", _("Demande rendue par le bénévole")
    CANCELLED = "cancelled", _("Demande annulée ou reprise par le département")
    WITHDRAWN = "withdrawn", _("Candidature retirée")
    MISSION_CLOSED = "mission_closed", _("Mission close par la structure")
    ORGANISATION_SUSPENDED = "organisation_suspended", _("Structure suspendue")
    VOLUNTEER_WITHDRAWN = "volunteer_withdrawn", _("Bénévole suspendu ou compte supprimé")
    STAFF = "staff", _("Révoqué par un agent")
