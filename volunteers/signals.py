"""Eligibility depends on a verified email: keep the stored flag right when an address is confirmed or changed."""

from allauth.account.signals import email_changed, email_confirmed
from django.dispatch import receiver

from volunteers.models import VolunteerProfile


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
