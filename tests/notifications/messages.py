"""What the tests of each app's notices read in the outbox. Tasks run in-process there; test_worker.py proves
the same path through Redis and a real worker."""

from notifications.enums import Event
from notifications.models import Notification
from requests_app.models import HelpRequest
from requests_app.services import help_request_create
from tests.requests_app.factories import HelpRequestFactory

PERSONAL = ["Jeanne Martin", "12 rue des Lilas", "612345678", "12 34 56 78", "clé sous le paillasson"]


def rows(event: Event, **filters) -> list[Notification]:
    return list(Notification.objects.filter(event=event, **filters).order_by("channel", "recipient"))


def sent_to(event: Event) -> list[tuple[str, str]]:
    return [(n.channel, n.recipient) for n in rows(event)]


def assert_no_personal_data(notification: Notification) -> None:
    for secret in PERSONAL:
        assert secret not in notification.subject and secret not in notification.body, secret


def jeanne_s_request() -> HelpRequest:
    """Filed by someone whose every personal detail is in PERSONAL, and who chose SMS."""
    return help_request_create(
        help_request=HelpRequestFactory.build(
            requester_name="Jeanne Martin",
            requester_email="jeanne.martin@exemple.fr",
            requester_phone="+33612345678",
            address="12 rue des Lilas",
            description="Courses, la clé sous le paillasson.",
            preferred_channel="sms",
        )
    )
