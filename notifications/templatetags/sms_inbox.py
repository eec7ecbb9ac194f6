from django import template

from notifications.models import InboundSms

register = template.Library()


@register.simple_tag
def sms_waiting() -> int:
    """How many SMS received wait for an agent ("SMS reçus"): one COUNT over the inbox's partial index."""
    return InboundSms.objects.for_staff().count()
