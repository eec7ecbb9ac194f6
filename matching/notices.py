"""Who is told what about a proposal: the volunteer it is offered to, and staff when it needs them. Each writes
outbox rows in the caller's transaction (see notifications.outbox).

No beneficiary's personal data goes into these messages: a reference, a help type, a commune, and a link to the
page where the reader's rights are checked."""

from notifications.enums import Event
from notifications.outbox import absolute_url, email_add, sms_add, staff_email_add


def proposal_made(proposal) -> None:
    """Email and, when the volunteer gave a number, an SMS: an urgent proposal expires in two hours."""
    volunteer = proposal.volunteer
    context = {
        "proposal": proposal,
        "help_request": proposal.help_request,
        "url": absolute_url("volunteers:proposal", proposal.pk),
    }
    email_add(Event.PROPOSAL_MADE, to=volunteer.user.email, context=context, help_request=proposal.help_request)
    sms_add(Event.PROPOSAL_MADE, to=volunteer.phone, context=context, help_request=proposal.help_request)


def concern_reported(proposal) -> None:
    help_request = proposal.help_request
    # The volunteer's report may name or describe the person: staff read it on the request's page, not by email.
    context = {
        "help_request": help_request,
        "url": absolute_url("admin:requests_app_helprequest_change", help_request.pk),
    }
    staff_email_add(Event.CONCERN_REPORTED, context=context, help_request=help_request)


def needs_staff(help_request, suggestions) -> None:
    context = {
        "help_request": help_request,
        "suggestions": suggestions,
        "url": absolute_url("admin:requests_app_helprequest_change", help_request.pk),
    }
    staff_email_add(Event.NEEDS_STAFF, context=context, help_request=help_request)
