"""What the département's staff may do, each power named once. Pages, views, the admin and templates ask these
functions; none of them reads `is_staff` or a permission codename for itself.

Every power starts from the `is_staff` flag (the one Django's admin requires). The others add a permission
that the staff group ("Agents du département", `accounts.services.staff_group_ensure`) holds, so a member of the
group holds them all, and an account with the flag but outside the group holds none of them. Alerts go to the
members of the group.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.services import STAFF_GROUP_NAME

Power = Callable[..., bool]


def is_staff(user) -> bool:
    """Département staff: the admin, the steering dashboard and its statistics, the organisations' news."""
    return user.is_authenticated and user.is_staff


def can_take_calls(user) -> bool:
    """The hotline console: looks a caller up by phone number and files a request for them."""
    return is_staff(user) and user.has_perm("requests_app.add_helprequest")


def can_triage(user) -> bool:
    """Moves requests in the admin: triage, propose to a volunteer, route to an organisation, cancel, merge."""
    return is_staff(user) and user.has_perm("requests_app.change_helprequest")


def can_see_contact_details(user) -> bool:
    """Every beneficiary's identity, address and phone, whoever holds the request (each view is logged)."""
    return is_staff(user) and user.has_perm("requests_app.view_helprequest")


def can_export_personal_data(user) -> bool:
    """Downloads the files of requests, volunteers and organisations (each line is logged)."""
    return is_staff(user) and user.has_perm("pilotage.export_personal_data")


def can_resend_messages(user) -> bool:
    """Sends failed notifications again from the outbox's admin."""
    return is_staff(user) and user.has_perm("notifications.change_notification")


def can_answer_sms(user) -> bool:
    """The "SMS reçus" inbox: reads what people texted to the portal (their number and words, each look logged),
    answers them by SMS and marks them dealt with. The hotline's work, for staff who see contact details."""
    return can_see_contact_details(user) and user.has_perm("notifications.change_inboundsms")


def can_run_campaigns(user) -> bool:
    """Check-in campaigns: imports the communes' registers of vulnerable people, reads them (each look logged),
    starts campaigns and splits them into call sheets, follows the people nobody reached."""
    return can_see_contact_details(user) and user.has_perm("campaigns.change_campaign")


def can_vet_volunteers(user) -> bool:
    """Opens volunteers' identity documents and criminal-record extracts (each opening logged), approves or refuses
    them."""
    return is_staff(user) and user.has_perm("volunteers.change_vettingdocument")


def staff_emails() -> list[str]:
    """Who receives alerts (a volunteer's concern, an urgent request nobody took): the active members of the staff
    group, by email."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True, groups__name=STAFF_GROUP_NAME)
    return sorted(set(users.values_list("email", flat=True)))


def power_required(power: Power) -> Callable[[Callable], Callable]:
    """For a view: signed-in holders of `power` only; others are sent to the login page, or refused (403) once
    signed in."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not power(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


staff_required = power_required(is_staff)


POWERS: dict[str, Power] = {
    "staff": is_staff,
    "take_calls": can_take_calls,
    "triage": can_triage,
    "see_contact_details": can_see_contact_details,
    "export_personal_data": can_export_personal_data,
    "resend_messages": can_resend_messages,
    "answer_sms": can_answer_sms,
    "run_campaigns": can_run_campaigns,
    "vet_volunteers": can_vet_volunteers,
}
