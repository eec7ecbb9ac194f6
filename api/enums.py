from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do. A route names the one it needs (api.auth.TokenAuth); the values are the API's own words,
    kept stable for the software that holds a token."""

    REQUESTS_WRITE = "requests:write", _("Déposer des demandes d'aide pour des habitants")
    REQUESTS_READ = "requests:read", _("Suivre les demandes déposées par la structure")
    MISSIONS_WRITE = "missions:write", _("Publier, modifier et clore les missions de la structure")
    MISSIONS_READ = "missions:read", _("Lire les missions de la structure, brouillons compris")
