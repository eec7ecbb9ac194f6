"""The privacy notice's summary, one text for the two places that show it: the privacy page, and the console where
a hotline operator reads it to the caller before asking for their consent. They cannot drift apart."""

from django import template
from django.conf import settings

from core.brand import brand

register = template.Library()


@register.inclusion_tag("core/_privacy_summary.html")
def privacy_summary() -> dict:
    # The period comes from the setting the retention task reads, as on the rest of the privacy page.
    return {"operator": brand().name, "retention_days": settings.RETENTION_DAYS}
