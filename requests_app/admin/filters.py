"""The triage queue's saved views (SAVED_VIEWS) and filters: the vulnerabilities, and where (EPCI, arrondissement,
commune)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.enums import Domain
from core.models import Arrondissement, Commune, Epci
from requests_app.enums import WAITING_STATUSES, Status
from requests_app.handoffs import unanswered_hand_off
from requests_app.models import HelpRequest, callback_due, live_hold


class VulnerabilityFilter(admin.SimpleListFilter):
    title = _("vulnérabilité")
    parameter_name = "vulnerabilite"
    FLAGS = {
        "seule": ("lives_alone", _("vit seule")),
        "70ans": ("aged_70_plus", _("70 ans ou plus")),
        "handicap": ("has_disability", _("handicap")),
        "sans-internet": ("no_internet", _("sans internet")),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (_field, label) in self.FLAGS.items()]

    def queryset(self, request, queryset):
        if self.value() in self.FLAGS:
            return queryset.filter(**{self.FLAGS[self.value()][0]: True})
        return queryset


class EpciFilter(admin.SimpleListFilter):
    """From the reference table, not from the requests: a DISTINCT over 100,000 rows on every page load."""

    title = _("intercommunalité")
    parameter_name = "epci"

    def lookups(self, request, model_admin):
        return list(Epci.objects.values_list("siren", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(commune__epci=self.value()) if self.value() else queryset


class ArrondissementFilter(admin.SimpleListFilter):
    title = _("arrondissement")
    parameter_name = "arrondissement"

    def lookups(self, request, model_admin):
        return list(Arrondissement.objects.values_list("code", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(commune__arrondissement=self.value()) if self.value() else queryset


class CommuneFilter(admin.SimpleListFilter):
    """Offered once an intercommunality is chosen: 591 communes in one list would help nobody."""

    title = _("commune")
    parameter_name = "commune"

    def lookups(self, request, model_admin):
        epci = request.GET.get(EpciFilter.parameter_name)
        if not epci:
            return []
        return list(Commune.objects.filter(epci=epci).order_by("name").values_list("insee", "name"))

    def queryset(self, request, queryset):
        return queryset.filter(commune=self.value()) if self.value() else queryset


@dataclass(frozen=True)
class SavedView:
    """One of the queue's saved views: the requests it lists (a condition on open requests, or on all of them) and,
    when the queue's priority is not the order it needs, its own order."""

    label: str
    condition: Callable[[HttpRequest], Q]
    closed_too: bool = False
    ordering: tuple[str, ...] = ()


def _everything(request: HttpRequest) -> Q:
    return Q()


# The saved views, above the queue with their counts, in this order; "file" in the address chooses one, the first by
# default. Another view is one more entry here.
SAVED_VIEWS: dict[str, SavedView] = {
    "ouvertes": SavedView(_("Toute la file"), _everything),
    "a-trier": SavedView(_("À trier"), lambda request: Q(status=Status.NEW)),
    "mes-demandes": SavedView(_("Mes demandes"), lambda request: live_hold() & Q(held_by=request.user)),
    "rappels-dus": SavedView(_("Rappels dus"), lambda request: callback_due(), ordering=("callback_due_at", "pk")),
    "attente-agent": SavedView(_("En attente d'un agent"), lambda request: Q(status=Status.NEEDS_STAFF)),
    # Childcare not proposed to anyone until staff confirm who asks (HelpRequest.awaits_carer_confirmation).
    "garde-a-confirmer": SavedView(
        _("Garde : qualité à confirmer"),
        lambda request: Q(domain=Domain.CHILDCARE, carer_confirmed_at__isnull=True, status__in=WAITING_STATUSES),
    ),
    "doublons": SavedView(_("Doublons possibles"), lambda request: Q(possible_duplicate_of__isnull=False)),
    # Handed to a responder outside the portal who has not answered in HANDOFF_ANSWER_HOURS (requests_app/handoffs.py).
    "relais-sans-reponse": SavedView(_("Relais sans réponse"), lambda request: unanswered_hand_off()),
    "toutes": SavedView(_("Toutes, closes comprises"), _everything, closed_too=True),
}
DEFAULT_VIEW = "ouvertes"


def saved_view(params) -> tuple[str, SavedView]:
    """The saved view the list's parameters (request.GET) choose, and its key."""
    key = params.get(SavedViewFilter.parameter_name)
    return (key, SAVED_VIEWS[key]) if key in SAVED_VIEWS else (DEFAULT_VIEW, SAVED_VIEWS[DEFAULT_VIEW])


class SavedViewFilter(admin.SimpleListFilter):
    """The saved views, drawn above the list rather than among the filters (the template picks it out by
    `is_saved_view`), each with the number of requests it holds: one aggregate query for all of them, whatever
    the number of rows. The counts are of the whole queue, before the other filters. The view over closed requests
    too has no count: counting the whole table on every look at the queue would cost more than it tells."""

    title = _("vue")
    parameter_name = "file"
    template = "admin/requests_app/helprequest/saved_views.html"
    is_saved_view = True

    def lookups(self, request, model_admin):
        counted = {key: view for key, view in SAVED_VIEWS.items() if not view.closed_too}
        self.counts = HelpRequest.objects.open().aggregate(
            **{key: Count("pk", filter=view.condition(request) or None) for key, view in counted.items()}
        )
        return [(key, view.label) for key, view in SAVED_VIEWS.items()]

    def choices(self, changelist):
        chosen, _view = saved_view({self.parameter_name: self.value()})
        for key, label in self.lookup_choices:
            yield {
                "selected": key == chosen,
                # Another view starts again from its whole list: the other filters and the search do not follow.
                "query_string": f"?{self.parameter_name}={key}",
                "display": label,
                "count": self.counts.get(key),
            }

    def queryset(self, request, queryset):
        _key, view = saved_view({self.parameter_name: self.value()})
        listed = queryset if view.closed_too else queryset.open()
        return listed.filter(view.condition(request))
