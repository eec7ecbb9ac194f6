from celery import shared_task

from campaigns.retention import old_access_lines_delete, registers_erase


@shared_task
def erase_expired_registers() -> dict[str, int]:
    return {"erased_registers": registers_erase(), "deleted_access_lines": old_access_lines_delete()}
