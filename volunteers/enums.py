from django.db import models
from django.utils.translation import gettext_lazy as _


class Reach(models.TextChoices):
    """How far a volunteer goes; each tier contains the previous one."""

    COMMUNE = "commune", _("Dans ma commune")
    EPCI = "epci", _("Dans mon intercommunalité")
    ARRONDISSEMENT = "arrondissement", _("Dans mon arrondissement")
    DEPARTEMENT = "departement", _("Dans tout le département")
    REMOTE_ONLY = "remote_only", _("Seulement à distance (appels, aide aux devoirs)")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    SUSPENDED = "suspended", _("Suspendu par le département")


class DocumentKind(models.TextChoices):
    """What a volunteer sends for staff to check (volunteers/vetting.py says which level each one gives)."""

    IDENTITY = "identity", _("Pièce d'identité")
    CRIMINAL_RECORD = "criminal_record", _("Extrait de casier judiciaire (bulletin n° 3)")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("En attente de vérification")
    APPROVED = "approved", _("Vérifié")
    REFUSED = "refused", _("Refusé")
    EXPIRED = "expired", _("Expiré")
    WITHDRAWN = "withdrawn", _("Retiré")


# Once a document is in one of these, it no longer counts and its file goes after VETTING_DOCUMENT_RETENTION_DAYS.
CLOSED_DOCUMENT_STATUSES = (DocumentStatus.REFUSED, DocumentStatus.EXPIRED, DocumentStatus.WITHDRAWN)
