from core.enums import DayPeriod, Weekday
from matching.services import proposal_accept, proposal_create
from pairings.models import Pairing
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory


def regular_request(*, day: int = Weekday.TUESDAY, period: int = DayPeriod.MORNING, **fields):
    """A request for help every week (Tuesday morning unless told), triaged, from someone who chose SMS."""
    fields.setdefault("preferred_channel", "sms")
    return HelpRequestFactory(triaged=True, recurring_day=day, recurring_period=period, **fields)


def pairing_with(volunteer=None, help_request=None, **request_fields) -> Pairing:
    """A pairing as the matching makes it: the regular request proposed to the volunteer, who accepts."""
    help_request = help_request or regular_request(**request_fields)
    proposal = proposal_create(help_request=help_request, volunteer=volunteer or VolunteerProfileFactory())
    proposal_accept(proposal=proposal)
    return Pairing.objects.get(help_request=help_request)
