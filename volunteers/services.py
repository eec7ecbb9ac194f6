"""The volunteer's suspension. Proposals are the matching's (matching.services); this app tells it, through
`volunteer_withdrawn`, when a volunteer stops helping. The volunteer's data and account deletion read applications
and proposals too, so they are portal's (portal/own_data.py)."""

from django.db import transaction
from django.utils.translation import gettext as _

from volunteers.models import VolunteerProfile
from volunteers.signals import volunteer_withdrawn


@transaction.atomic
def volunteer_suspend(*, volunteer: VolunteerProfile, reason: str) -> None:
    """A suspended volunteer keeps no one's contact details: live proposals go back to staff at once."""
    volunteer_withdrawn.send(
        sender=VolunteerProfile, volunteer=volunteer, note=_("Bénévole suspendu par le département.")
    )
    volunteer.suspend(reason)
