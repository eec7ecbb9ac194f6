from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from core.enums import Domain, domains_to_mask
from core.models import Commune
from core.slots import ALL_SLOTS
from tests.accounts.factories import UserFactory
from volunteers.enums import DocumentKind, Reach
from volunteers.models import VettingDocument, VolunteerProfile


class VolunteerProfileFactory(factory.django.DjangoModelFactory):
    """A volunteer ready to receive proposals: verified email, attestations, available all week."""

    class Meta:
        model = VolunteerProfile

    user = factory.SubFactory(UserFactory)
    phone = factory.Sequence(lambda n: f"+3362{n:07d}")
    home_commune = factory.LazyFunction(lambda: Commune.objects.get(insee="54395"))
    reach = Reach.DEPARTEMENT
    domains = domains_to_mask(Domain.values)
    availability = ALL_SLOTS
    is_adult = True
    no_symptoms = True
    charter_accepted_at = factory.LazyFunction(timezone.now)

    class Params:
        without_attestations = factory.Trait(is_adult=False, no_symptoms=False, charter_accepted_at=None)


def unverified(profile: VolunteerProfile) -> VolunteerProfile:
    EmailAddress.objects.filter(user=profile.user).update(verified=False)
    profile.save()  # as a changed address would: eligibility is recomputed
    return profile


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class VettingDocumentFactory(factory.django.DjangoModelFactory):
    """A criminal-record extract of last week, waiting for staff, its file in the private storage."""

    class Meta:
        model = VettingDocument

    volunteer = factory.SubFactory(VolunteerProfileFactory)
    kind = DocumentKind.CRIMINAL_RECORD
    issued_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    file = factory.django.FileField(data=PDF, filename="extrait.pdf")

    class Params:
        identity = factory.Trait(kind=DocumentKind.IDENTITY, issued_on=None)
