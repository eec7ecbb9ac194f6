"""What anyone can see: the published missions and the directory of validated organisations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations import listing
from associations.enums import ApplicationStatus
from associations.filters import DirectoryFilter, MissionFilter
from associations.forms import ApplicationForm
from associations.models import Application, Association, Mission
from associations.services import AssociationError, application_withdraw
from core import page_cache

PAGE_SIZE = 20
# What a mission's card reads: its title, dates, place, domain, description, organisation and whether it is full.
MISSION_CARD_FIELDS = [
    "title", "description", "domain", "is_remote", "start_date", "end_date", "volunteers_needed", "association__name",
    "commune__name",
]  # fmt: skip


def filtered(filters):
    """Nothing rather than everything when a criterion cannot be understood: the form says which one."""
    return filters.qs if not filters.is_bound or filters.is_valid() else filters.queryset.none()


@page_cache.cached_for_visitors(page_cache.MISSIONS, cacheable=lambda request: listing.cacheable(request.GET))
def mission_list(request: HttpRequest) -> HttpResponse:
    cache_key = listing.key(request.GET) if listing.cacheable(request.GET) else None
    results = cache.get(cache_key) if cache_key else None
    if results is None:
        # Only the columns a card shows (templates/associations/_mission_card.html), as on a mission's page.
        missions = (
            Mission.objects.published()
            .select_related("association", "commune")
            .only(*MISSION_CARD_FIELDS)
            .with_accepted_count()
            .order_by("-published_at", "-pk")
        )
        filters = MissionFilter(request.GET or None, queryset=missions)
        page = Paginator(filtered(filters), PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"filter": filters, "page": page}
        results = render_to_string("associations/_mission_list_results.html", context, request=request)
        if cache_key:
            cache.set(cache_key, results, listing.TIMEOUT)
    return render(request, "associations/mission_list.html", {"results": mark_safe(results)})  # our own render


@page_cache.cached_for_visitors(page_cache.MISSIONS, page_cache.HELP_TYPES)
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the columns the page shows: the four tables' whole rows cost more to compose and read than the query.
    shown = (
        Mission.objects.published()
        .select_related("association", "commune", "help_type")
        .only(
            *MISSION_CARD_FIELDS,
            "skills",
            "schedule",
            "help_type__name",
            "help_type__vetting",
            "help_type__minimum_age",
        )
    )
    mission = get_object_or_404(shown.with_accepted_count(), pk=pk)
    own_application = None
    if request.user.is_authenticated:
        # The latest one, whatever its status: a declined volunteer must see the answer, not a blank form.
        own_application = (
            Application.objects.filter(mission=mission, volunteer=request.user)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .only("pk", "status")
            .order_by("-created_at")
            .first()
        )
    return render(
        request,
        "associations/mission_detail.html",
        {"mission": mission, "form": ApplicationForm(), "own_application": own_application},
    )


@login_required
@require_POST
def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("mission"), pk=pk, volunteer=request.user)
    try:
        application_withdraw(application=application)
    except AssociationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Votre candidature est retirée."))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("missions:list")


@page_cache.cached_for_visitors(page_cache.ORGANISATIONS, cacheable=page_cache.only_filters("domain", "commune"))
def directory(request: HttpRequest) -> HttpResponse:
    filters = DirectoryFilter(
        request.GET or None, queryset=Association.objects.validated().select_related("commune").order_by("name", "pk")
    )
    page = Paginator(filtered(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "associations/directory.html", {"filter": filters, "page": page})


@page_cache.cached_for_visitors(page_cache.ORGANISATIONS, page_cache.MISSIONS)
def association_public(request: HttpRequest, pk: int) -> HttpResponse:
    association = get_object_or_404(Association.objects.validated().select_related("commune"), pk=pk)
    missions = Mission.objects.published().filter(association=association).select_related("commune")
    return render(request, "associations/association_public.html", {"association": association, "missions": missions})
