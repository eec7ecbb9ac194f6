"""The steering dashboard and its exports, for the département's staff."""

from collections.abc import Callable
from itertools import islice

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import can_export_personal_data, can_run_campaigns, power_required, staff_required
from associations.enums import AssociationStatus
from notifications.outbox import queue_state
from pilotage import exports
from pilotage.charts import dashboard_charts
from pilotage.figures import Scope, dashboard_figures
from pilotage.forms import ScopeForm
from requests_app.enums import AccessReason, Source
from requests_app.privacy import access_logged, access_records


@staff_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.GET or None)
    scope = form.scope()
    figures = dashboard_figures(scope)
    return render(
        request,
        "pilotage/dashboard.html",
        {
            "form": form,
            "scope": scope,
            "figures": figures,
            "message_queue": queue_state(),
            "charts": dashboard_charts(figures),
            "sources": list(Source.choices),
            "association_statuses": [
                (code, label, figures["associations"][code]) for code, label in AssociationStatus.choices
            ],
            "query": request.GET.urlencode(),
            "can_export": can_export_personal_data(request.user),
            "can_run_campaigns": can_run_campaigns(request.user),
            "open_data_min_count": exports.OPEN_DATA_MIN_COUNT,
        },
    )


def _export(
    request: HttpRequest, kind: str, columns, rows: Callable[[Scope], object], *, personal: bool = True
) -> HttpResponse:
    form = ScopeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("Filtres invalides : corrigez-les sur le tableau de bord."))
    scope = form.scope()
    records = rows(scope)
    if personal:  # the open-data file holds no personal field
        # Who took which personal data out of the portal, and with which filters: the trace a data protection
        # officer asks. A line for the export itself, even if the file is empty or the download stops, then one
        # for each record in the file, written as the file is.
        filters = _filters(scope)
        access_records(request, AccessReason.EXPORT, [None], query=filters)
        records = access_logged(request, AccessReason.EXPORT, records, query=filters)
    return exports.csv_response(f"{kind}_{scope.date_from}_{scope.date_to}.csv", columns, records)


def _filters(scope: Scope) -> str:
    """The scope of an export as the access log keeps it, the default period included."""
    chosen = {
        "du": scope.date_from,
        "au": scope.date_to,
        "domaine": scope.domain,
        "epci": scope.epci or "",
        "arrondissement": scope.arrondissement or "",
    }
    return " ; ".join(f"{key}={value}" for key, value in chosen.items() if value)


@power_required(can_export_personal_data)
@require_GET
def export_requests(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "demandes", exports.REQUEST_COLUMNS, exports.requests_rows)


@power_required(can_export_personal_data)
@require_GET
def export_volunteers(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "benevoles", exports.VOLUNTEER_COLUMNS, exports.volunteers_rows)


@power_required(can_export_personal_data)
@require_GET
def export_associations(request: HttpRequest) -> StreamingHttpResponse:
    return _export(request, "structures", exports.ASSOCIATION_COLUMNS, exports.associations_rows)


@staff_required
@require_GET
def export_open_data(request: HttpRequest) -> StreamingHttpResponse:
    """Statistics only, without any personal field: every member of staff may download them to publish them."""
    return _export(request, "demandes-statistiques", exports.OPEN_DATA_COLUMNS, exports.open_data_rows, personal=False)


@power_required(can_export_personal_data)
@require_GET
def export_advances(request: HttpRequest) -> HttpResponse:
    """The accountant's file of shopping advances, declared between two days (the last 30 by default). Volunteers'
    names are personal data: the export and each advance's request are written to the access log."""
    form = ScopeForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("Dates invalides : la période va du premier au dernier jour, un an au plus."))
    scope = form.scope()
    query = f"du={scope.date_from} ; au={scope.date_to}"
    access_records(request, AccessReason.EXPORT, [None], query=query)
    records = _advances_logged(request, scope, query)
    return exports.csv_response(f"avances_{scope.date_from}_{scope.date_to}.csv", exports.ADVANCE_COLUMNS, records)


def _advances_logged(request: HttpRequest, scope: Scope, query: str):
    """The advances, each chunk's requests written to the access log before the chunk is handed on."""
    advances = exports.advances_rows(scope.date_from, scope.date_to)
    while chunk := list(islice(advances, exports.CHUNK_SIZE)):
        access_records(request, AccessReason.EXPORT, [advance.proposal.help_request for advance in chunk], query=query)
        yield from chunk
