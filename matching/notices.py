"""Who is told what about a proposal: the volunteer it is offered to, and staff when it needs them. Each writes
outbox rows in the caller's transaction (see notifications.outbox).

No beneficiary's personal data goes into these messages: a reference, a help type, a commune, and a link to the
page where the reader's rights are checked."""

from django.db import transaction

from crisis.models import HealthRules
from matching.enums import ProposalStatus
from notifications.enums import Event
from notifications.outbox import absolute_url, email_add, gathered, sms_add, sms_context_fitting, staff_email_add
from volunteers.models import VolunteerProfile


def proposal_made(proposal) -> None:
    """Email and, when the volunteer gave a number, an SMS: an urgent proposal expires in two hours. Both carry the
    health rules in force, the email in full, the SMS their summary when it fits (before where to find the
    details, which the proposal page gives anyway)."""
    _proposal_made(proposal, HealthRules.objects.current())


def proposals_made(proposals) -> None:
    """`proposal_made` for each of many proposals (the matching's batch): the rules in force read once, the rows
    inserted together."""
    rules = HealthRules.objects.current()
    with gathered():
        for proposal in proposals:
            _proposal_made(proposal, rules)


def _proposal_made(proposal, rules: HealthRules | None) -> None:
    volunteer = proposal.volunteer
    context = {
        "proposal": proposal,
        "help_request": proposal.help_request,
        "url": absolute_url("volunteers:proposal", proposal.pk),
        "rules": rules,
    }
    email_add(Event.PROPOSAL_MADE, to=volunteer.user.email, context=context, help_request=proposal.help_request)
    if volunteer.phone:
        sms_add(Event.PROPOSAL_MADE, to=volunteer.phone, context=_proposal_sms(context, rules),
                help_request=proposal.help_request)  # fmt: skip


def _proposal_sms(context: dict, rules: HealthRules | None) -> dict:
    """An OUI by SMS accepts the rules in force: their summary comes first, where to find the details after when
    there is room. When even the summary alone does not fit (the longest names), the SMS says where the details are
    (the proposal page shows the rules in full before she accepts there)."""
    summary = rules.summary.rstrip(".") if rules else ""
    fitting = sms_context_fitting(
        Event.PROPOSAL_MADE, {**context, "details": True, "rules_summary": summary}, "details", "rules_summary"
    )
    if summary and not fitting["rules_summary"]:
        fitting = sms_context_fitting(
            Event.PROPOSAL_MADE, {**context, "details": True, "rules_summary": ""}, "details"
        )
    return fitting


@transaction.atomic
def health_rules_changed(rules: HealthRules) -> int:
    """Each volunteer with a live assignment (accepted, not yet done) learns of the new rules: an email, and an SMS
    when she gave a number. Once per version, whoever calls first (HealthRules.objects.claim_announcement).
    Returns how many volunteers were told."""
    if not HealthRules.objects.claim_announcement(rules):
        return 0
    volunteers = VolunteerProfile.objects.filter(proposals__status=ProposalStatus.ACCEPTED).select_related("user")
    context = {"rules": rules, "url": absolute_url("crisis:page") + "#consignes"}
    summary = rules.summary.rstrip(".")
    sms_context = sms_context_fitting(
        Event.HEALTH_RULES_CHANGED, {**context, "rules_summary": summary}, "rules_summary"
    )
    told = 0
    for volunteer in volunteers.distinct().order_by("pk"):
        email_add(Event.HEALTH_RULES_CHANGED, to=volunteer.user.email, context=context)
        sms_add(Event.HEALTH_RULES_CHANGED, to=volunteer.phone, context=sms_context)
        told += 1
    return told


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
