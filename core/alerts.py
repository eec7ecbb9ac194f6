"""Messages to the département's staff when something needs a human now (a volunteer's concern)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from accounts.services import STAFF_GROUP_NAME


def staff_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=STAFF_GROUP_NAME)
    return sorted(set(users.values_list("email", flat=True)))


def staff_alert(*, subject: str, body: str) -> int:
    recipients = staff_emails()
    if not recipients:
        return 0
    return send_mail(f"[{settings.PORTAL_NAME}] {subject}", body, None, recipients)
