from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import Domain
from core.models import Arrondissement, Epci
from pilotage.figures import Scope

DEFAULT_DAYS = 30
# A year of days is the longest time series drawn; exports follow the same bound.
MAX_DAYS = 366


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ScopeForm(forms.Form):
    """The dashboard's filters, read from the query string; a bad value falls back to the default with a message."""

    du = forms.DateField(label=_("Du"), required=False, widget=DateInput)
    au = forms.DateField(label=_("Au"), required=False, widget=DateInput)
    domaine = forms.ChoiceField(label=_("Domaine"), choices=[("", _("Tous")), *Domain.choices], required=False)
    epci = forms.ModelChoiceField(
        label=_("Intercommunalité"), queryset=Epci.objects.none(), required=False, empty_label=_("Toutes")
    )
    arrondissement = forms.ModelChoiceField(
        label=_("Arrondissement"), queryset=Arrondissement.objects.all(), required=False, empty_label=_("Tous")
    )

    def __init__(self, data=None, *, today: date | None = None):
        self.today = today or timezone.localdate()
        super().__init__(data)
        self.fields["epci"].queryset = Epci.objects.filter(communes__departement=settings.TERRITORY).distinct()
        self.fields["du"].widget.attrs["max"] = self.fields["au"].widget.attrs["max"] = self.today.isoformat()

    def clean(self):
        cleaned = super().clean()
        date_to = cleaned.get("au") or self.today
        date_from = cleaned.get("du") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        if (date_to - date_from).days >= MAX_DAYS:
            raise forms.ValidationError(
                _("La période est limitée à %(days)s jours.") % {"days": MAX_DAYS}, code="too_long"
            )
        cleaned["du"], cleaned["au"] = date_from, date_to
        return cleaned

    def scope(self) -> Scope:
        """The scope asked for when the filters are valid, else the last DEFAULT_DAYS days everywhere."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return Scope(
                date_from=data["du"],
                date_to=data["au"],
                domain=data["domaine"],
                epci=data["epci"],
                arrondissement=data["arrondissement"],
            )
        return Scope(date_from=self.today - timedelta(days=DEFAULT_DAYS - 1), date_to=self.today)
