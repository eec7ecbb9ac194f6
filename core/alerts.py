"""Who, among the département's staff, receives alerts (a volunteer's concern, an urgent request nobody took)."""

from django.contrib.auth import get_user_model

from accounts.services import STAFF_GROUP_NAME


def staff_emails() -> list[str]:
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=STAFF_GROUP_NAME)
    return sorted(set(users.values_list("email", flat=True)))
