import factory
from django.db.models import F
from django.utils import timezone

from matching.enums import LIVE_PROPOSAL_STATUSES
from matching.models import Proposal
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.models import VolunteerProfile


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


# Paulette's request: what a volunteer must not see before accepting, and may see while her assignment lives.
PERSONAL = ("Paulette Petit", "12 rue des Lilas", "06 99 88 77 66", "+33699887766")


def paulette_s_request():
    return HelpRequestFactory(
        triaged=True,
        requester_name="Jean Petit",
        beneficiary_name="Paulette Petit",
        beneficiary_phone="+33699887766",
        address="12 rue des Lilas",
        description="Courses pour la semaine",
    )
