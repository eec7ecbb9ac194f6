"""Filters of the portal's lists of requests (the admin's are in admin/filters.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from requests_app.enums import TAKEN_IN_CHARGE_STATUSES, WAITING_STATUSES, Status
from requests_app.models import HelpRequest

# Where a request filed by an organisation stands, in the steps an agent follows: the statuses the département works
# through are one step to them ("on s'en occupe"), as are the two ways someone takes it in charge.
FILED_STEPS = {
    "en-attente": (_("En attente d'une prise en charge"), WAITING_STATUSES),
    "prises-en-charge": (_("Prises en charge"), TAKEN_IN_CHARGE_STATUSES),
    "terminees": (_("Terminées"), frozenset({Status.DONE})),
    "annulees": (_("Annulées"), frozenset({Status.CANCELLED})),
}


class FiledRequestFilter(django_filters.FilterSet):
    etat = django_filters.ChoiceFilter(
        label=_("Où en est la demande ?"),
        choices=[(key, label) for key, (label, _statuses) in FILED_STEPS.items()],
        method="filter_step",
        empty_label=_("Toutes"),
    )

    class Meta:
        model = HelpRequest
        fields = ["etat"]

    def filter_step(self, queryset, name, value):
        return queryset.filter(status__in=FILED_STEPS[value][1])
