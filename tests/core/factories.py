import factory

from core.models import Commune


def commune(insee: str) -> Commune:
    """Real communes come from the reference data loaded in every test database."""
    return Commune.objects.get(insee=insee)


class HelpTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "core.HelpType"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"help-type-{n}")
    name = factory.Sequence(lambda n: f"Aide {n}")
    domain = "local_solidarity"
