"""One call of a check-in campaign and what follows from it: the person's state in the campaign (the rule is
CampaignEntry.state_after), and for "besoin d'aide" a request in the normal triage queue, with the campaign as its
source.

A call is recorded by the caller of the person's sheet while the campaign runs, on screen or typed back from a paper
sheet; staff who run campaigns may also record one for a person on the "à joindre autrement" list (the commune's
visit, another number), which moves her out of it.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.roles import can_run_campaigns
from campaigns.enums import STAFF_FOLLOW_UP_STATES, UNANSWERED_OUTCOMES, CallOutcome, CampaignStatus, EntryState
from campaigns.models import CallAttempt, CallSheet, CampaignEntry
from core.models import HelpType
from requests_app.enums import ContactChannel, RequesterRelation, Source, Urgency
from requests_app.models import HelpRequest
from requests_app.services import help_request_create


def running_sheets_of(user):
    """A caller's sheets of running campaigns; `user` may be an OuterRef (a page asks in one query whether there are
    any before listing them)."""
    return CallSheet.objects.filter(caller=user, campaign__status=CampaignStatus.RUNNING)


def sheets_to_call(user):
    """A caller's sheets of running campaigns, each with its number of people (`total`) and of people still to call
    (`to_call`): one query. Names no one."""
    return (
        running_sheets_of(user)
        .select_related("campaign")
        .annotate(
            total=Count("entries", filter=Q(entries__entry__isnull=False)),
            to_call=Count("entries", filter=Q(entries__state=EntryState.TO_CALL, entries__entry__isnull=False)),
        )
        .order_by("campaign__deadline", "number")
    )


class CallError(Exception):
    """The call cannot be recorded; the message, in French, says why."""


def call_recordable(campaign_entry: CampaignEntry, by) -> bool:
    """Whether `by` may record a call for this person now: the caller of her sheet while the campaign runs and she is
    still to call; staff who run campaigns, also for the people nobody reached."""
    if campaign_entry.entry_id is None:  # erased with its register
        return False
    if can_run_campaigns(by):
        return campaign_entry.state == EntryState.TO_CALL or campaign_entry.state in STAFF_FOLLOW_UP_STATES
    return (
        campaign_entry.state == EntryState.TO_CALL
        and campaign_entry.campaign.status == CampaignStatus.RUNNING
        and campaign_entry.sheet_id is not None
        and campaign_entry.sheet.caller_id == by.pk
    )


@transaction.atomic
def call_record(
    *,
    campaign_entry: CampaignEntry,
    outcome: CallOutcome,
    by,
    note: str = "",
    at: datetime | None = None,
    from_paper: bool = False,
    help_type: HelpType | None = None,
    urgent: bool = False,
) -> CallAttempt:
    """Records one call and moves the person on. "Besoin d'aide" needs the kind of help (`help_type`) and files the
    request; the person's register entry gives its name, phone, commune and address."""
    # Locked: two callers typing back the same paper sheet, or a double click, must not count one try twice.
    campaign_entry = (
        CampaignEntry.objects.select_for_update(of=("self",))
        .select_related("campaign", "sheet", "entry__register", "entry__commune")
        .get(pk=campaign_entry.pk)
    )
    if not call_recordable(campaign_entry, by):
        raise CallError(_("Cet appel ne peut plus être noté : la personne n'est plus à appeler sur cette fiche."))
    if outcome == CallOutcome.NEEDS_HELP and help_type is None:
        raise CallError(_("Indiquez de quelle aide la personne a besoin."))
    attempt = CallAttempt(
        campaign_entry=campaign_entry,
        sheet=campaign_entry.sheet,
        outcome=outcome,
        note=note,
        at=at or timezone.now(),
        by=by,
        from_paper=from_paper,
    )
    attempt.full_clean(exclude=["campaign_entry", "sheet", "by"])
    attempt.save()
    unanswered = campaign_entry.attempts.filter(outcome__in=UNANSWERED_OUTCOMES).count()
    campaign_entry.state = campaign_entry.state_after(outcome, unanswered)
    campaign_entry.state_changed_at = timezone.now()
    fields = ["state", "state_changed_at"]
    if outcome == CallOutcome.NEEDS_HELP:
        campaign_entry.help_request = help_request_from_call(
            campaign_entry=campaign_entry, help_type=help_type, urgent=urgent, note=note, by=by
        )
        fields.append("help_request")
    campaign_entry.save(update_fields=fields)
    return attempt


def help_request_from_call(*, campaign_entry: CampaignEntry, help_type: HelpType, urgent: bool, note: str, by):
    """The request a "besoin d'aide" files in the triage queue. The person was called, so the hotline calls her back
    rather than texting her; the note for staff says which register listed her and on what basis."""
    person, campaign = campaign_entry.entry, campaign_entry.campaign
    register = person.register
    description = note or _("Besoin d'aide signalé lors d'un appel de la campagne « %(campaign)s ».") % {
        "campaign": campaign.name
    }
    help_request = HelpRequest(
        source=Source.CAMPAIGN,
        requester_relation=RequesterRelation.SELF,
        requester_name=person.full_name[:120],
        requester_phone=person.phone,
        preferred_channel=ContactChannel.PHONE,
        commune=person.commune,
        address=person.address,
        help_type=help_type,
        description=description,
        urgency=Urgency.URGENT if urgent else Urgency.NORMAL,
    )
    provenance = _(
        "Campagne d'appels « %(campaign)s » : besoin signalé par %(caller)s. Inscrite au registre « %(register)s » "
        "(%(organisation)s) ; base : %(basis)s, le %(date)s. La personne a accepté que sa demande soit transmise."
    ) % {
        "campaign": campaign.name,
        "caller": by.get_full_name() or by.email,
        "register": register.name,
        "organisation": register.source_organisation,
        "basis": person.get_consent_basis_display(),
        "date": date_format(person.consent_date, "SHORT_DATE_FORMAT"),
    }
    return help_request_create(help_request=help_request, created_by=by, note=provenance)
