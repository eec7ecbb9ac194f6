from celery import shared_task

from requests_app.retention import retention_apply


@shared_task
def apply_retention() -> dict[str, int]:
    """Run by beat every night: anonymises old closed requests, purges unverified accounts (see retention.py)."""
    return retention_apply()
