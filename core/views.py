from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from core import page_cache
from core.brand import colour_variables
from core.enums import Domain
from core.health import DOWN, OK, dependencies_status
from core.models import Commune


@page_cache.cached_for_visitors()
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"domains": Domain.choices})


@page_cache.cached_for_visitors()
def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal_notice.html")


@page_cache.cached_for_visitors()
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@page_cache.cached_for_visitors()
def privacy(request: HttpRequest) -> HttpResponse:
    # The periods come from the settings the retention task reads: the notice cannot drift from what is done.
    context = {
        "retention_days": settings.RETENTION_DAYS,
        "unverified_days": settings.UNVERIFIED_ACCOUNT_DAYS,
        "access_log_days": settings.ACCESS_LOG_DAYS,
    }
    return render(request, "core/privacy.html", context)


@require_safe
@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
def brand_css(request: HttpRequest) -> HttpResponse:
    """The operator's colours as CSS variables (the strict CSP allows no inline style): its address carries a
    version of the colours (core.brand.colours_version), so a year's cache never serves old ones."""
    return render(request, "core/brand.css", colour_variables(), content_type="text/css; charset=utf-8")


COMMUNE_SUGGESTIONS = 10


def commune_search(request: HttpRequest) -> JsonResponse:
    """Suggestions for the commune field, by name (accents optional) or postal code."""
    text = request.GET.get("q", "")[:60]
    communes = Commune.objects.in_departement(settings.TERRITORY).search(text)[:COMMUNE_SUGGESTIONS] if text else []
    return JsonResponse({"results": [{"insee": c.insee, "label": str(c)} for c in communes]})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For a load balancer and the containers' healthchecks: 200 while this process can take requests, which needs
    the database only; 503 when it cannot. A Redis outage is named ("degraded") but answers 200: it hits every web
    process alike, and taking them all out of the pool would stop the very requests the portal keeps taking."""
    checks = dependencies_status()
    serving = checks["database"] == OK
    status = "down" if not serving else "ok" if DOWN not in checks.values() else "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=200 if serving else 503)


@never_cache
def health_full(request: HttpRequest) -> JsonResponse:
    """For monitoring that reads only status codes: 503 as soon as any dependency fails, naming it."""
    checks = dependencies_status()
    healthy = DOWN not in checks.values()
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)
