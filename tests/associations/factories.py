import factory
from django.utils import timezone

from associations.enums import AssociationStatus, MemberRole, MissionStatus, OrganisationKind
from associations.models import Application, Association, Membership, Mission
from core.enums import Domain, domains_to_mask
from core.models import Commune
from tests.accounts.factories import UserFactory


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    name = factory.Sequence(lambda n: f"Association solidaire {n}")
    kind = OrganisationKind.ASSOCIATION
    rna = factory.Sequence(lambda n: f"W54{n:07d}")
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee="54395"))
    domains = domains_to_mask([Domain.FOOD_EMERGENCY, Domain.LOCAL_SOLIDARITY])
    covers_whole_departement = True
    contact_email = factory.Sequence(lambda n: f"contact{n}@asso.fr")
    status = AssociationStatus.VALIDATED

    class Params:
        pending = factory.Trait(status=AssociationStatus.PENDING)
        suspended = factory.Trait(status=AssociationStatus.SUSPENDED, status_reason="Fraude")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    association = factory.SubFactory(AssociationFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.ADMIN


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission

    association = factory.SubFactory(AssociationFactory)
    title = factory.Sequence(lambda n: f"Distribution de colis {n}")
    description = "Préparer et distribuer des colis alimentaires."
    domain = Domain.FOOD_EMERGENCY
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee="54395"))
    start_date = factory.LazyFunction(timezone.localdate)
    volunteers_needed = 2
    status = MissionStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=MissionStatus.DRAFT, published_at=None)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    mission = factory.SubFactory(MissionFactory)
    volunteer = factory.SubFactory(UserFactory)
    message = "Disponible le samedi."


def member_of(association, client=None, role=MemberRole.ADMIN):
    """A user who belongs to the association, logged in on the client if one is given."""
    membership = MembershipFactory(association=association, role=role)
    if client is not None:
        client.force_login(membership.user)
    return membership.user
