"""The caller's pages: her call sheets, one sheet with the people to call and a quick form for each call, the sheet
printed for a day without network, and the paper sheet typed back in.

A volunteer vetted for calls reaches them from her space, a hotline agent from the campaign's page; staff who run
campaigns open any sheet. Anyone else gets a 404 (campaigns.privacy.sheets_visible_to), and every page that shows
the people writes one line per person to the registers' access log.
"""

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import can_run_campaigns
from campaigns.call_forms import OUTCOME_NUMBERS, OutcomeForm, PaperRowForm, PaperSheetForm, help_types_listed
from campaigns.calls import CallError, call_record, call_recordable, sheets_to_call
from campaigns.enums import UNANSWERED_OUTCOMES, CallOutcome, CampaignStatus, EntryState, RegisterAccessReason
from campaigns.models import CallAttempt, CallSheet, CampaignEntry
from campaigns.privacy import register_access_records, sheets_visible_to


def get_sheet_or_404(user, pk: int) -> CallSheet:
    return get_object_or_404(sheets_visible_to(user), pk=pk)


def sheet_people(sheet: CallSheet) -> QuerySet[CampaignEntry]:
    """The people on a sheet in its order, with their calls so far: two queries whatever their number."""
    return (
        sheet.entries.filter(entry__isnull=False)
        .select_related("entry__commune", "help_request")
        .annotate(unanswered=Count("attempts", filter=Q(attempts__outcome__in=UNANSWERED_OUTCOMES)))
        .prefetch_related(Prefetch("attempts", queryset=CallAttempt.objects.order_by("at", "pk")))
        .order_by("position", "pk")
    )


def viewing_reason(user, sheet: CallSheet) -> RegisterAccessReason:
    return RegisterAccessReason.CALLER if sheet.caller_id == user.pk else RegisterAccessReason.STAFF


@login_required
@require_safe
def my_sheets(request: HttpRequest) -> HttpResponse:
    """The signed-in person's sheets of running campaigns, with what is left to call on each. Names no one."""
    sheets = sheets_to_call(request.user)
    return render(request, "campaigns/calls/my_sheets.html", {"sheets": sheets})


def _sheet_page(request: HttpRequest, sheet: CallSheet, *, bound: OutcomeForm | None = None, status: int = 200):
    people = list(sheet_people(sheet))
    register_access_records(request, viewing_reason(request.user, sheet), [p.entry for p in people])
    help_types = help_types_listed()
    for person in people:
        if person.state == EntryState.TO_CALL:
            prefix = f"p{person.pk}"
            unbound = OutcomeForm(prefix=prefix, help_types=help_types)
            person.form = bound if bound is not None and bound.prefix == prefix else unbound
    to_call = sum(1 for p in people if p.state == EntryState.TO_CALL)
    return render(
        request,
        "campaigns/calls/sheet.html",
        {
            "sheet": sheet,
            "campaign": sheet.campaign,
            "people": people,
            "to_call": to_call,
            "is_caller": sheet.caller_id == request.user.pk,
            "can_run_campaigns": can_run_campaigns(request.user),
            "MAX_TRIES": settings.CAMPAIGN_MAX_CALL_ATTEMPTS,
        },
        status=status,
    )


@login_required
@require_safe
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _sheet_page(request, get_sheet_or_404(request.user, pk))


@login_required
@require_POST
def call_record_view(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    """One outcome from the sheet's quick form; back to the sheet at the next person to call."""
    sheet = get_sheet_or_404(request.user, pk)
    person = get_object_or_404(sheet.entries.select_related("campaign", "sheet"), pk=entry_pk)
    if not call_recordable(person, request.user):
        raise Http404
    form = OutcomeForm(request.POST, prefix=f"p{person.pk}")
    if not form.is_valid():
        messages.error(request, _("L'appel n'est pas noté : corrigez le formulaire de la personne."))
        return _sheet_page(request, sheet, bound=form, status=400)
    try:
        form.record(person, by=request.user)
    except CallError as refusal:
        messages.error(request, str(refusal))
        return redirect("campaigns:sheet", pk=sheet.pk)
    messages.success(request, recorded_message(form.cleaned_data["outcome"]))
    following = sheet.entries.filter(state=EntryState.TO_CALL, position__gt=person.position, entry__isnull=False)
    after = following.order_by("position", "pk").values_list("pk", flat=True).first()
    anchor = f"#personne-{after}" if after else ""
    return redirect(reverse("campaigns:sheet", args=[sheet.pk]) + anchor)


def recorded_message(outcome: str) -> str:
    if outcome == CallOutcome.NEEDS_HELP:
        return _("Appel noté. La demande d'aide est transmise aux agents du Département, qui la traitent.")
    return _("Appel noté.")


@login_required
@require_safe
def sheet_print(request: HttpRequest, pk: int) -> HttpResponse:
    sheet = get_sheet_or_404(request.user, pk)
    return sheets_printed(request, [sheet], back=reverse("campaigns:sheet", args=[sheet.pk]))


def sheets_printed(request: HttpRequest, sheets: list[CallSheet], *, back: str) -> HttpResponse:
    """Sheets for paper, one page each: the people still to call, their phone, the script and boxes to tick. Two
    queries for the people of all the sheets."""
    people = (
        CampaignEntry.objects.filter(sheet__in=sheets, state=EntryState.TO_CALL, entry__isnull=False)
        .select_related("entry__commune")
        .annotate(unanswered=Count("attempts", filter=Q(attempts__outcome__in=UNANSWERED_OUTCOMES)))
        .order_by("sheet__number", "position", "pk")
    )
    by_sheet: dict[int, list[CampaignEntry]] = {sheet.pk: [] for sheet in sheets}
    for person in people:
        by_sheet[person.sheet_id].append(person)
    for sheet in sheets:
        sheet.people = by_sheet[sheet.pk]
    register_access_records(request, RegisterAccessReason.PRINT, [p.entry for p in people])
    outcomes = [(OUTCOME_NUMBERS[outcome], outcome.label) for outcome in CallOutcome]
    return render(
        request,
        "campaigns/calls/print.html",
        {"sheets": sheets, "outcomes": outcomes, "back": back, "printed_at": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sheet_type_back(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcomes of a paper sheet, typed back in: one row per person still to call, in the printed order, the
    names already there. Rows left empty are people not called; nothing is saved while a row has an error."""
    sheet = get_sheet_or_404(request.user, pk)
    if sheet.campaign.status != CampaignStatus.RUNNING:
        messages.error(request, _("La campagne n'est pas en cours : aucun appel ne peut être noté."))
        return redirect("campaigns:sheet", pk=sheet.pk)
    people = list(sheet_people(sheet).filter(state=EntryState.TO_CALL))
    data = request.POST if request.method == "POST" else None
    header = PaperSheetForm(data)
    help_types = help_types_listed()
    for person in people:
        person.form = PaperRowForm(data, prefix=f"p{person.pk}", help_types=help_types)
    if data is not None and header.is_valid() and all(person.form.is_valid() for person in people):
        called = [person for person in people if person.form.cleaned_data["outcome"]]
        # The day written on the sheet; its hour is not known, midday says so (and never later than now).
        at = min(timezone.make_aware(datetime.combine(header.cleaned_data["called_on"], time(12))), timezone.now())
        try:
            with transaction.atomic():
                for person in called:
                    row = person.form.cleaned_data
                    call_record(
                        campaign_entry=person,
                        outcome=row["outcome"],
                        by=request.user,
                        note=row["note"],
                        help_type=row["help_type"],
                        at=at,
                        from_paper=True,
                    )
        except CallError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                ngettext("%(count)s appel noté.", "%(count)s appels notés.", len(called)) % {"count": len(called)},
            )
            return redirect("campaigns:sheet", pk=sheet.pk)
    register_access_records(request, viewing_reason(request.user, sheet), [p.entry for p in people])
    errors = [person for person in people if person.form.errors]
    return render(
        request,
        "campaigns/calls/type_back.html",
        {"sheet": sheet, "campaign": sheet.campaign, "people": people, "header": header, "errors": errors},
        status=400 if data is not None else 200,
    )
