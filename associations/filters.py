import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from associations.models import Association, Mission
from core.enums import Domain
from core.forms import CommuneField
from core.models import Epci


class CommuneFilter(django_filters.Filter):
    """A commune typed as on the request form: name (accents optional), "Name (postal code)" or postal code."""

    field_class = CommuneField

    def filter(self, qs, value):
        return qs.filter(**{self.field_name: value}) if value else qs


class MissionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Mots-clés"), method="search", max_length=100)
    domain = django_filters.ChoiceFilter(label=_("Domaine"), choices=Domain.choices, empty_label=_("Tous"))
    commune = CommuneFilter(label=_("Commune"), field_name="commune", required=False)
    epci = django_filters.ModelChoiceFilter(
        label=_("Intercommunalité"), field_name="commune__epci", queryset=Epci.objects.all(), empty_label=_("Toutes")
    )
    remote = django_filters.ChoiceFilter(
        label=_("Lieu"),
        choices=[("oui", _("À distance uniquement")), ("non", _("Sur place uniquement"))],
        method="filter_remote",
        empty_label=_("Sur place ou à distance"),
    )
    available_on = django_filters.DateFilter(
        label=_("En cours le"), method="filter_date", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Mission
        fields = ["q", "domain", "commune", "epci", "remote", "available_on"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(association__name__icontains=value)
        )

    def filter_remote(self, queryset, name, value):
        return queryset.filter(is_remote=(value == "oui"))

    def filter_date(self, queryset, name, value):
        return queryset.filter(Q(start_date__lte=value), Q(end_date__isnull=True) | Q(end_date__gte=value))


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Nom"), field_name="name", lookup_expr="icontains", max_length=100)
    domain = django_filters.ChoiceFilter(
        label=_("Domaine"), choices=Domain.choices, method="filter_domain", empty_label=_("Tous")
    )
    commune = CommuneFilter(label=_("Agit à"), method="filter_commune", required=False)

    class Meta:
        model = Association
        fields = ["q", "domain", "commune"]

    def filter_domain(self, queryset, name, value):
        return queryset.with_domain(value)

    def filter_commune(self, queryset, name, value):
        return queryset.covering(value)
