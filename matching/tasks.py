from celery import shared_task

from matching.services import proposals_expire


@shared_task
def expire_proposals() -> int:
    """Run by beat every five minutes: proposals past their deadline go to the next candidate."""
    return proposals_expire()
