"""The forms of the volunteer's space (portal.views.volunteer): answering a proposal, and deleting the account."""

from django import forms
from django.utils.translation import gettext_lazy as _


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


class HandBackForm(forms.Form):
    note = forms.CharField(
        label=_("Pourquoi ne pouvez-vous plus aider ?"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je comprends que mon compte et mes données seront supprimés définitivement"),
        error_messages={"required": _("Cochez la case pour confirmer la suppression.")},
    )
