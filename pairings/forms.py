from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import DayPeriod, Weekday
from pairings.enums import RECORDED_OUTCOMES, Side, VisitOutcome


class FutureDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value):
        super().validate(value)
        if value and value <= timezone.localdate():
            raise forms.ValidationError(_("Choisissez une date à venir."), code="past")


class VisitForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(value, VisitOutcome(value).label) for value in RECORDED_OUTCOMES],
        error_messages={
            "required": _("Choisissez ce qui s'est passé."),
            "invalid_choice": _("Choisissez ce qui s'est passé."),
        },
    )
    note = forms.CharField(
        label=_("Un mot pour le département (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("En cas d'inquiétude, dites ce qui vous inquiète : un agent le lira au plus vite."),
    )


class PauseForm(forms.Form):
    paused_until = FutureDateField(label=_("En pause jusqu'au (inclus)"))


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi arrêter ?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Dites en quelques mots pourquoi l'accompagnement s'arrête.")},
    )


# Staff act for the person helped (who called the hotline) or for the département.
STAFF_SIDES = [(Side.BENEFICIARY, Side.BENEFICIARY.label), (Side.STAFF, Side.STAFF.label)]


class StaffPauseForm(PauseForm):
    side = forms.ChoiceField(label=_("À la demande de"), choices=STAFF_SIDES, widget=forms.RadioSelect)


class StaffEndForm(EndForm):
    side = forms.ChoiceField(label=_("À la demande de"), choices=STAFF_SIDES, widget=forms.RadioSelect)


class PairingRequestForm(forms.Form):
    """Staff turn a request into a regular help."""

    reference = forms.CharField(
        label=_("Référence de la demande"), max_length=20, help_text=_("Par exemple E54-7K3Q-9PXD.")
    )
    weekday = forms.TypedChoiceField(label=_("Chaque semaine, le"), choices=Weekday.choices, coerce=int)
    period = forms.TypedChoiceField(label=_("Moment"), choices=DayPeriod.choices, coerce=int)
