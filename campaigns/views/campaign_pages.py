"""The staff's campaign pages: the list, a new campaign split into call sheets, one campaign's progress (start,
close, more callers, every sheet printed), and the people nobody reached by phone ("à joindre autrement")."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.roles import can_run_campaigns, power_required
from campaigns.call_forms import CallersForm, CampaignStartForm, OutcomeForm, help_types_listed
from campaigns.calls import CallError, call_recordable
from campaigns.enums import STAFF_FOLLOW_UP_STATES, EntryState, RegisterAccessReason
from campaigns.models import CallAttempt, Campaign, CampaignEntry, TransitionNotAllowed
from campaigns.privacy import register_access_records
from campaigns.services import (
    CampaignError,
    campaign_close,
    campaign_create,
    campaign_sheets_split,
    campaign_start,
)
from campaigns.views.sheets import recorded_message, sheets_printed

FOLLOW_UP_PER_PAGE = 50


def state_counts(prefix: str = "") -> dict:
    """Count() of a campaign's people in each state, for annotate(): `prefix` is the path to the campaign's entries."""
    path = f"{prefix}entries" if prefix else "entries"
    return {
        "total": Count(path),
        **{f"n_{state}": Count(path, filter=Q(**{f"{path}__state": state})) for state in EntryState.values},
    }


@power_required(can_run_campaigns)
@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.annotate(**state_counts()).order_by("-created_at")
    return render(request, "campaigns/calls/campaign_list.html", {"campaigns": campaigns})


@power_required(can_run_campaigns)
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                campaign = campaign_create(
                    name=data["name"],
                    registers=data["registers"],
                    deadline=data["deadline"],
                    script=data["script"],
                    created_by=request.user,
                    communes=data["communes"],
                    epcis=data["epcis"],
                    arrondissements=data["arrondissements"],
                )
                if not campaign.entries.exists():
                    raise CampaignError(_("Personne ne figure sur ces registres dans ce périmètre."))
                campaign_sheets_split(campaign=campaign, callers=list(data["callers"]))
        except CampaignError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, _("Campagne préparée. Vérifiez les fiches, puis lancez-la : les appelants les verront alors.")
            )
            return redirect("campaigns:campaign", pk=campaign.pk)
    return render(request, "campaigns/calls/campaign_new.html", {"form": form}, status=400 if form.errors else 200)


def _campaign_page(request: HttpRequest, campaign: Campaign, *, callers_form=None, status: int = 200):
    counts = Campaign.objects.filter(pk=campaign.pk).aggregate(**state_counts())
    sheets = campaign.sheets.select_related("caller").annotate(
        total=Count("entries"), to_call=Count("entries", filter=Q(entries__state=EntryState.TO_CALL))
    )
    unassigned = campaign.entries.filter(sheet__isnull=True, state=EntryState.TO_CALL).count()
    return render(
        request,
        "campaigns/calls/campaign_detail.html",
        {
            "campaign": campaign,
            "counts": counts,
            "states": [(state, label, counts[f"n_{state}"]) for state, label in EntryState.choices],
            "sheets": sheets,
            "unassigned": unassigned,
            "callers_form": callers_form or CallersForm(),
        },
        status=status,
    )


@power_required(can_run_campaigns)
@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_page(request, get_object_or_404(Campaign, pk=pk))


def _campaign_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        action(campaign=campaign)
    except CampaignError as refusal:
        messages.error(request, str(refusal))
    except TransitionNotAllowed:
        messages.error(
            request,
            _("Ce n'est pas possible : la campagne est %(status)s.")
            % {"status": campaign.get_status_display().lower()},
        )
    else:
        messages.success(request, success)
    return redirect("campaigns:campaign", pk=campaign.pk)


@power_required(can_run_campaigns)
@require_POST
def campaign_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    success = _("Campagne lancée : chaque appelant trouve sa fiche dans « Mes fiches d'appel ».")
    return _campaign_action(request, pk, campaign_start, success)


@power_required(can_run_campaigns)
@require_POST
def campaign_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_action(
        request, pk, campaign_close, _("Campagne close : les fiches ne sont plus visibles des appelants.")
    )


@power_required(can_run_campaigns)
@require_POST
def campaign_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Sheets for the people of the campaign on no sheet yet, between more callers."""
    campaign = get_object_or_404(Campaign, pk=pk)
    form = CallersForm(request.POST)
    if not form.is_valid():
        return _campaign_page(request, campaign, callers_form=form, status=400)
    try:
        campaign_sheets_split(campaign=campaign, callers=list(form.cleaned_data["callers"]))
    except CampaignError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Nouvelles fiches créées."))
    return redirect("campaigns:campaign", pk=campaign.pk)


@power_required(can_run_campaigns)
@require_safe
def campaign_print(request: HttpRequest, pk: int) -> HttpResponse:
    """Every sheet of the campaign for paper, one page per caller."""
    campaign = get_object_or_404(Campaign, pk=pk)
    sheets = list(campaign.sheets.select_related("campaign", "caller").order_by("number"))
    return sheets_printed(request, sheets, back=reverse("campaigns:campaign", args=[campaign.pk]))


def follow_up_people():
    """The people nobody reached by phone in a campaign whose register is not erased yet."""
    return (
        CampaignEntry.objects.for_staff_follow_up()
        .filter(entry__isnull=False)
        .select_related("campaign", "entry__commune", "commune__epci")
        .prefetch_related(Prefetch("attempts", queryset=CallAttempt.objects.order_by("at", "pk")))
        .order_by("commune__name", "entry__last_name", "pk")
    )


def _follow_up_page(request: HttpRequest, *, bound: OutcomeForm | None = None, status: int = 200) -> HttpResponse:
    page = Paginator(follow_up_people(), FOLLOW_UP_PER_PAGE).get_page(request.GET.get("page"))
    people = list(page.object_list)
    register_access_records(request, RegisterAccessReason.STAFF, [p.entry for p in people])
    help_types = help_types_listed()
    for person in people:
        prefix = f"p{person.pk}"
        unbound = OutcomeForm(prefix=prefix, help_types=help_types)
        person.form = bound if bound is not None and bound.prefix == prefix else unbound
    context = {"page": page, "people": people, "MAX_TRIES": settings.CAMPAIGN_MAX_CALL_ATTEMPTS}
    return render(request, "campaigns/calls/follow_up.html", context, status=status)


@power_required(can_run_campaigns)
@require_safe
def follow_up(request: HttpRequest) -> HttpResponse:
    return _follow_up_page(request)


@power_required(can_run_campaigns)
@require_POST
def follow_up_record(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """What the commune's visit or another number found: the same outcomes as a call."""
    person = get_object_or_404(
        CampaignEntry.objects.select_related("campaign", "sheet"), pk=entry_pk, state__in=STAFF_FOLLOW_UP_STATES
    )
    if not call_recordable(person, request.user):
        return redirect("campaigns:follow_up")
    form = OutcomeForm(request.POST, prefix=f"p{person.pk}")
    if not form.is_valid():
        messages.error(request, _("Rien n'est noté : corrigez le formulaire de la personne."))
        return _follow_up_page(request, bound=form, status=400)
    try:
        form.record(person, by=request.user)
    except CallError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, recorded_message(form.cleaned_data["outcome"]))
    return redirect("campaigns:follow_up")
