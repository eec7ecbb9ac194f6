import factory
from django.utils import timezone

from campaigns.enums import ConsentBasis
from campaigns.models import Register, RegisterEntry
from core.models import Commune


class RegisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Register

    name = "Registre canicule de Nancy"
    source_organisation = "CCAS de Nancy"


class RegisterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterEntry

    register = factory.SubFactory(RegisterFactory)
    line_number = factory.Sequence(lambda n: n + 2)
    last_name = "Martin"
    first_name = factory.Sequence(lambda n: f"Odette{n}")
    phone = factory.Sequence(lambda n: f"+3363{n:07d}")
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee="54395"))
    consent_basis = ConsentBasis.LEGAL_REGISTER
    consent_date = factory.LazyFunction(timezone.localdate)
