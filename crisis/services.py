"""Publishing the crisis page: one version of a section at a time (crisis.models.CrisisUpdate)."""

from django.db import transaction

from core.models import Hotline
from crisis import banner
from crisis.enums import Section
from crisis.models import CrisisUpdate


@transaction.atomic
def update_publish(*, update: CrisisUpdate, by) -> CrisisUpdate:
    """A new version of a section. "Qui appeler" also sets the hotline's number and hours for the whole site
    (core.Hotline, read by core.hotline); an urgent one puts its banner on every page."""
    if update.pk is not None:
        raise ValueError("A published crisis update is never changed: publish a new version instead.")
    if update.section != Section.WHO_TO_CALL:
        update.hotline_phone = update.hotline_hours = ""
    update.published_by = by
    update.full_clean()
    update.save()
    if update.section == Section.WHO_TO_CALL:
        Hotline.objects.update_or_create(
            pk=Hotline.SINGLETON_ID, defaults={"phone": update.hotline_phone, "hours": update.hotline_hours}
        )
    if update.urgent:
        banner.refresh_on_commit()
    return update
