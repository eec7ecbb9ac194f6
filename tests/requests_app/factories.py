import factory
from django.utils import timezone

from core.models import Commune, HelpType
from requests_app.enums import CallbackOrigin, Status
from requests_app.models import Callback, HelpRequest
from requests_app.references import new_reference, new_tracking_token


class HelpRequestFactory(factory.django.DjangoModelFactory):
    """A request as stored; the status is set directly, so tests can start from any point of the machine."""

    class Meta:
        model = HelpRequest

    reference = factory.LazyFunction(new_reference)
    tracking_token = factory.LazyFunction(new_tracking_token)
    requester_name = "Monique Petit"
    requester_phone = factory.Sequence(lambda n: f"+3361{n:07d}")
    requester_email = ""
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee="54395"))
    help_type = factory.LazyFunction(lambda: HelpType.objects.get(code="shopping"))
    domain = factory.SelfAttribute("help_type.domain")
    description = "Courses de la semaine."
    consent_at = factory.LazyFunction(timezone.now)

    class Params:
        triaged = factory.Trait(status=Status.TRIAGED)
        cancelled = factory.Trait(status=Status.CANCELLED)
        done = factory.Trait(status=Status.DONE)


class CallbackFactory(factory.django.DjangoModelFactory):
    """A call owed, due now unless told otherwise."""

    class Meta:
        model = Callback

    help_request = factory.SubFactory(HelpRequestFactory)
    due_at = factory.LazyFunction(timezone.now)
    origin = CallbackOrigin.AGENT


def valid_form_data(**overrides) -> dict:
    """What a person fills in on the public form, field by field."""
    data = {
        "requester_relation": "self",
        "requester_name": "Monique Petit",
        "requester_phone": "06 12 34 56 78",
        "requester_email": "monique.petit@exemple.fr",
        "beneficiary_name": "",
        "beneficiary_phone": "",
        "commune": "Vandœuvre-lès-Nancy (54500)",
        "address": "12 rue des Lilas",
        "help_type": str(HelpType.objects.get(code="shopping").pk),
        "description": "Courses de la semaine : pain, lait, légumes.",
        "urgency": "1",
        "lives_alone": "on",
        "aged_70_plus": "on",
        "days": ["0", "2"],
        "periods": ["0"],
        "preferred_channel": "sms",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
