import factory
from allauth.account.models import EmailAddress
from django.db.models import F
from django.utils import timezone

from core.enums import Domain, domains_to_mask
from core.models import Commune
from core.slots import ALL_SLOTS
from tests.accounts.factories import UserFactory
from volunteers.enums import LIVE_PROPOSAL_STATUSES, Reach
from volunteers.models import Proposal, VolunteerProfile


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


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal
        skip_postgeneration_save = True

    help_request = factory.SubFactory("tests.requests_app.factories.HelpRequestFactory", status="proposed")
    volunteer = factory.SubFactory(VolunteerProfileFactory)
    respond_by = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(hours=12))

    @factory.post_generation
    def counters(self, create, extracted, **kwargs):
        """What the services would have counted, for proposals made directly in tests."""
        if create and self.volunteer_id and self.status in LIVE_PROPOSAL_STATUSES:
            VolunteerProfile.objects.filter(pk=self.volunteer_id).update(live_count=F("live_count") + 1)


def unverified(profile: VolunteerProfile) -> VolunteerProfile:
    EmailAddress.objects.filter(user=profile.user).update(verified=False)
    profile.save()  # as a changed address would: eligibility is recomputed
    return profile
