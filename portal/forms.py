"""The forms of the volunteer's space (portal.views.volunteer): answering a proposal, and deleting the account."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.private_files import validate_upload


class AcceptForm(forms.Form):
    """The "j'accepte" of the proposal page, with the version of the health rules the page showed above it."""

    health_rules_version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi ne pouvez-vous pas ? (facultatif, aide le département)"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(forms.Form):
    report = forms.CharField(
        label=_("Compte rendu"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce qui a été fait, et tout ce que le département doit savoir."),
    )
    concern = forms.BooleanField(
        label=_("Je suis inquiet pour cette personne (elle semblait mal, en danger ou sans nourriture)"),
        required=False,
        help_text=_("Le département est alerté immédiatement."),
    )
    # For help types that allow advances (shopping, medicine); removed otherwise (__init__).
    advanced = forms.BooleanField(label=_("J'ai avancé l'argent des courses"), required=False)
    amount = forms.DecimalField(
        label=_("Montant avancé (en euros)"),
        required=False,
        max_digits=7,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Le montant exact du ticket de caisse."),
        error_messages={"invalid": _("Indiquez le montant en euros, en chiffres : par exemple 23,40.")},
    )
    receipt = forms.FileField(
        label=_("Photo du ticket de caisse"),
        required=False,
        # No `capture`: it would open the camera only, and the photo she took at the till, or a PDF sent from a
        # computer, could not be chosen; the phone still offers the camera among its choices.
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        help_text=_("Photo (JPEG, PNG) ou PDF, lisible, avec le montant et la date."),
    )

    def __init__(self, *args, allows_advances: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allows_advances = allows_advances
        if not allows_advances:
            for name in ("advanced", "amount", "receipt"):
                del self.fields[name]
        else:
            # Written as the field reads it in the page's language: 23,40 in French, 23.40 in English.
            self.fields["amount"].widget.attrs["placeholder"] = formats.number_format(Decimal("23.40"), 2)

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and not Decimal("0") < amount <= settings.ADVANCE_MAX_EUROS:
            raise ValidationError(
                _("Indiquez un montant entre 0,01 € et %(max)s €. Au-delà, appelez le département avant d'avancer.")
                % {"max": settings.ADVANCE_MAX_EUROS}
            )
        return amount

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            validate_upload(receipt)
        return receipt

    def clean(self):
        cleaned = super().clean()
        if not self.allows_advances:
            return cleaned
        if cleaned.get("advanced"):
            if cleaned.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("Indiquez le montant que vous avez avancé."))
            if not cleaned.get("receipt") and "receipt" not in self.errors:
                self.add_error("receipt", _("Joignez la photo du ticket de caisse : elle permet le remboursement."))
        elif cleaned.get("amount") is not None or cleaned.get("receipt"):
            self.add_error(
                "advanced", _("Cochez « J'ai avancé l'argent des courses » pour déclarer ce montant, ou effacez-le.")
            )
        return cleaned

    @property
    def receipt_to_choose_again(self) -> bool:
        """A file was sent with a form that comes back with errors: browsers never fill a file field again, so the
        volunteer is told to choose it again rather than lose it without knowing."""
        return self.is_bound and bool(self.files.get("receipt")) and bool(self.errors)


class HandBackForm(forms.Form):
    note = forms.CharField(
        label=_("Pourquoi ne pouvez-vous plus aider ?"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je comprends que mon compte et mes données seront supprimés définitivement"),
        error_messages={"required": _("Cochez la case pour confirmer la suppression.")},
    )
