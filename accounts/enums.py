from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Personnel du département")
    ASSOCIATION_MEMBER = "association_member", _("Membre d'une structure")
    VOLUNTEER = "volunteer", _("Bénévole")
