from celery import shared_task
from django.db import OperationalError

from crisis.models import HealthRules
from matching import notices
from matching.services import proposals_expire


@shared_task
def expire_proposals() -> int:
    """Run by beat every five minutes: proposals past their deadline go to the next candidate."""
    return proposals_expire()


@shared_task
def announce_health_rules_in_force() -> int:
    """Run by beat every morning: rules published ahead of their date are announced the day they apply (the
    announcement at publication claims only rules already in force)."""
    rules = HealthRules.objects.current()
    return notices.health_rules_changed(rules) if rules and rules.announced_at is None else 0


@shared_task(acks_late=True, autoretry_for=(OperationalError,), max_retries=5, retry_backoff=True)
def announce_health_rules(rules_id: int) -> int:
    """A new version of the health rules, told to the volunteers with live assignments, once (matching.notices)."""
    rules = HealthRules.objects.filter(pk=rules_id).first()
    return notices.health_rules_changed(rules) if rules else 0
