from celery import shared_task

from volunteers.vetting import vetting_documents_expire


@shared_task
def expire_vetting_documents() -> int:
    """Run by beat every night: documents past their date expire and end their level; volunteers are told before
    and on the day (volunteers/vetting.py)."""
    return vetting_documents_expire()
