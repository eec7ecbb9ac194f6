import factory

from crisis.enums import Section
from crisis.models import CrisisUpdate, HealthRules


class HealthRulesFactory(factory.django.DjangoModelFactory):
    text = factory.Sequence(lambda n: f"Consignes n° {n} : masque, distance, mains lavées.")
    summary = factory.Sequence(lambda n: f"Masque n° {n}")

    class Meta:
        model = HealthRules


class CrisisUpdateFactory(factory.django.DjangoModelFactory):
    section = Section.WHAT_CHANGED
    text = "Les marchés couverts rouvrent le samedi matin."
    change = "Réouverture des marchés"

    class Meta:
        model = CrisisUpdate
