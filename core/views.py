from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core.enums import Domain
from core.models import Commune


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"domains": Domain.choices})


def legal_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "core/legal_notice.html")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.html")


COMMUNE_SUGGESTIONS = 10


def commune_search(request: HttpRequest) -> JsonResponse:
    """Suggestions for the commune field, by name (accents optional) or postal code."""
    text = request.GET.get("q", "")[:60]
    communes = Commune.objects.in_departement(settings.DEPARTEMENT).search(text)[:COMMUNE_SUGGESTIONS] if text else []
    return JsonResponse({"results": [{"insee": c.insee, "label": str(c)} for c in communes]})


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For the container healthcheck and the load balancer: answers only when the database does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
