from celery import shared_task

from campaigns.retention import registers_erase


@shared_task
def erase_expired_registers() -> int:
    return registers_erase()
