"""A register's people are kept for the campaigns that call them (REGISTER_RETENTION_DAYS, settings): once every
campaign using a register has been closed that long, or the register has waited that long for a campaign that never
came, its entries are deleted, the notes of its calls erased. What remains names nobody: the register's name and
dates, and each campaign's rows (commune, state, outcomes, dates) for its figures."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import CallAttempt, Register, RegisterAccessLog

# As requests_app/retention.py: the trigger refuses to delete a younger line by the database's clock.
ACCESS_LOG_CLOCK_MARGIN_DAYS = 1


def registers_due(now=None):
    now = now or timezone.now()
    limit = now - timedelta(days=settings.REGISTER_RETENTION_DAYS)
    still_used = Q(campaigns__status__in=[CampaignStatus.DRAFT, CampaignStatus.RUNNING]) | Q(
        campaigns__closed_at__gte=limit
    )
    return (
        Register.objects.not_erased()
        .filter(imported_at__lt=limit)
        .exclude(pk__in=Register.objects.filter(still_used).values("pk"))
    )


def registers_erase(now=None) -> int:
    """Erases the registers due; returns how many."""
    now = now or timezone.now()
    erased = 0
    for register in registers_due(now):
        with transaction.atomic():
            CallAttempt.objects.filter(campaign_entry__entry__register=register).update(note="")
            register.entries.all().delete()
            register.erased_at = now
            register.save(update_fields=["erased_at"])
        erased += 1
    return erased


def old_access_lines_delete(now=None) -> int:
    """The registers' access log keeps ACCESS_LOG_DAYS, as the requests' does."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.ACCESS_LOG_DAYS + ACCESS_LOG_CLOCK_MARGIN_DAYS)
    deleted, _ = RegisterAccessLog.objects.filter(at__lt=limit).delete()
    return deleted
