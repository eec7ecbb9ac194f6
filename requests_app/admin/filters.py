"""The triage queue's filters: what is open, the vulnerabilities, and where (EPCI, arrondissement, commune)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.models import Arrondissement, Commune, Epci


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


class OpenFilter(admin.SimpleListFilter):
    """The queue shows open requests unless staff ask for all of them: closed ones are history, not work."""

    title = _("file d'attente")
    parameter_name = "file"

    def lookups(self, request, model_admin):
        return [
            ("ouvertes", _("Demandes ouvertes")),
            ("doublons", _("Doublons possibles")),
            ("toutes", _("Toutes, closes comprises")),
        ]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "ouvertes") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "toutes":
            return queryset
        if self.value() == "doublons":
            return queryset.open().filter(possible_duplicate_of__isnull=False)
        return queryset.open()
