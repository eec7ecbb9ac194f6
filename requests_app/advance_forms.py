"""The forms of the advances' pages (requests_app/views/advances.py): the person's answer taken on the phone, the
refusal's reason, the day of the repayment. The rules they lead to are requests_app/advances.py's."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.enums import AdvanceStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AdvanceFilterForm(forms.Form):
    etat = forms.ChoiceField(
        label=_("État"), required=False, choices=[("", _("Toutes les avances à traiter")), *AdvanceStatus.choices]
    )


class AnswerForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("Ce que la personne dit au téléphone"),
        choices=[
            ("1", _("Elle confirme : l'aide est arrivée et le montant est juste")),
            ("0", _("Elle conteste le montant ou l'aide")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez ce que la personne a dit.")},
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (lu par le bénévole)"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Donnez le motif du refus : le bénévole le lira.")},
    )


class RepaidForm(forms.Form):
    repaid_on = forms.DateField(
        label=_("Remboursée le"),
        widget=DateInput,
        error_messages={
            "required": _("Indiquez la date du remboursement."),
            "invalid": _("Indiquez une date valide, par exemple 02/12/2026."),
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"repaid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["repaid_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_repaid_on(self):
        repaid_on = self.cleaned_data["repaid_on"]
        if repaid_on > timezone.localdate():
            raise forms.ValidationError(_("La date du remboursement ne peut pas être dans le futur."))
        return repaid_on
