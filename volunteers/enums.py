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
