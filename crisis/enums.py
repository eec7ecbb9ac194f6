from django.db import models
from django.utils.translation import gettext_lazy as _


class Section(models.TextChoices):
    """The parts of the crisis page staff write, in the order the page shows them. The health rules are the fifth
    part: they are crisis.HealthRules themselves, never a copy (see templates/crisis/page.html)."""

    WHO_TO_CALL = "who_to_call", _("Qui appeler")
    OPENING_HOURS = "opening_hours", _("Horaires d'ouverture")
    WHAT_CHANGED = "what_changed", _("Ce qui a changé")
    USEFUL_NUMBERS = "useful_numbers", _("Numéros utiles")
