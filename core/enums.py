from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    """The four domains in which the State allowed volunteers to act in 2020; the codes are stable."""

    FOOD_EMERGENCY = "food_emergency", _("Aide alimentaire et d'urgence")
    CHILDCARE = "childcare", _("Garde exceptionnelle d'enfants")
    ISOLATED_CONTACT = "isolated_contact", _("Lien avec les personnes fragiles isolées")
    LOCAL_SOLIDARITY = "local_solidarity", _("Solidarité de proximité")


class Vetting(models.IntegerChoices):
    """What staff must have checked before a volunteer is offered a help type, from least to most: a help type asks
    for one level, and a volunteer holds every level up to the highest her valid checked documents give."""

    NONE = 0, _("aucune vérification")
    IDENTITY = 1, _("identité vérifiée")
    DOCUMENT = 2, _("justificatif vérifié (extrait de casier judiciaire)")


class Proximity(models.IntegerChoices):
    """How close two communes are, from nearest to farthest; the order is what matching relies on."""

    SAME_COMMUNE = 0, _("même commune")
    SAME_EPCI = 1, _("même intercommunalité")
    SAME_ARRONDISSEMENT = 2, _("même arrondissement")
    SAME_DEPARTEMENT = 3, _("même département")
    ELSEWHERE = 4, _("hors du département")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class DayPeriod(models.IntegerChoices):
    MORNING = 0, _("matin")
    AFTERNOON = 1, _("après-midi")
    EVENING = 2, _("soir")


def domain_bit(code: str) -> int:
    """Each domain is one bit, so a set of domains is one integer the database can test with a bitwise AND."""
    return 1 << Domain.values.index(code)


def domains_to_mask(codes) -> int:
    mask = 0
    for code in codes:
        mask |= domain_bit(code)
    return mask


def mask_to_domains(mask: int) -> list[str]:
    return [code for code in Domain.values if mask & domain_bit(code)]
