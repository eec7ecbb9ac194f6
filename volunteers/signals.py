"""Eligibility depends on a verified email: keep the stored flag right when an address is confirmed or changed.
And what this app tells the apps above it."""

from allauth.account.signals import email_changed, email_confirmed
from django.dispatch import Signal, receiver

from volunteers.models import VolunteerProfile

# Sent inside the transaction when a volunteer stops helping (suspended, or deleting the account), with volunteer=
# and note=: the matching hands back every request they hold (matching.receivers).
volunteer_withdrawn = Signal()
# Sent inside the transaction when a volunteer's checks fall to a lower level (an approval taken back, a document
# expired), with volunteer=: the matching hands back what she may no longer do (matching.receivers).
vetting_lowered = Signal()


def _refresh(user) -> None:
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is not None:
        profile.save(update_fields=["updated_at"])


@receiver(email_confirmed)
def email_confirmed_refresh(request, email_address, **kwargs):
    _refresh(email_address.user)


@receiver(email_changed)
def email_changed_refresh(request, user, from_email_address, to_email_address, **kwargs):
    _refresh(user)
