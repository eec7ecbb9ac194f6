"""Builders for the calling side's tests: a running campaign with its sheets, callers of each kind."""

from datetime import timedelta

from django.utils import timezone

from campaigns.models import CallerVetting, Campaign
from campaigns.services import campaign_create, campaign_sheets_split, campaign_start
from tests.accounts.factories import AgentFactory
from tests.campaigns.factories import RegisterEntryFactory, RegisterFactory
from tests.volunteers.factories import VolunteerProfileFactory

SCRIPT = "Bonjour, j'appelle de la part du Département pour prendre de vos nouvelles."


def vetted_volunteer(**profile):
    """A volunteer staff vetted for calls: her account."""
    volunteer = VolunteerProfileFactory(**profile)
    CallerVetting.objects.create(volunteer=volunteer, vetted_by=AgentFactory())
    return volunteer.user


def running_campaign(*, callers, people: int = 4, start: bool = True, **entry) -> Campaign:
    """A campaign over one register of `people` persons, split between `callers` and, unless told, started."""
    register = RegisterFactory()
    RegisterEntryFactory.create_batch(people, register=register, **entry)
    campaign = campaign_create(
        name="Appel des inscrits de Nancy",
        registers=[register],
        deadline=timezone.localdate() + timedelta(days=4),
        script=SCRIPT,
        created_by=AgentFactory(),
    )
    campaign_sheets_split(campaign=campaign, callers=callers)
    if start:
        campaign_start(campaign=campaign)
    return campaign
