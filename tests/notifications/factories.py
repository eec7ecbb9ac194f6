import factory
from django.utils import timezone

from notifications.enums import InboundKind
from notifications.models import InboundSms


class InboundSmsFactory(factory.django.DjangoModelFactory):
    """An SMS received as the webhooks store it; `waiting` for one the portal handed to staff."""

    class Meta:
        model = InboundSms

    provider = "ovh"
    provider_message_id = factory.Sequence(lambda n: f"msg-{n:06d}")
    sender = factory.Sequence(lambda n: f"+3362{n:07d}")
    body = "Bonjour, qui vient jeudi ?"
    received_at = factory.LazyFunction(timezone.now)
    kind = InboundKind.OTHER

    class Params:
        waiting = factory.Trait(needs_staff=True, outcome="Transmis aux agents : message à lire.")
