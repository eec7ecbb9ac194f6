from django import forms
from django.utils.translation import gettext_lazy as _

from api.enums import Scope
from core.models import HelpType
from requests_app.forms import HelpRequestForm


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=100,
        help_text=_(
            "Pour le reconnaître dans la liste : le logiciel ou le site qui l'utilisera, par exemple « Site de la "
            "mairie »."
        ),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Ce que le logiciel pourra faire"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ne cochez que ce dont le logiciel a besoin."),
        error_messages={"required": _("Cochez au moins une permission.")},
    )


class ApiHelpRequestForm(HelpRequestForm):
    """The public form's rules and messages, fed with the JSON of POST /api/v1/demandes/ (api.help_requests): the
    same fields under the same names, but the help type by its code rather than its row, no honeypot (the caller
    holds a token), and the consent is the resident's, which the organisation collected."""

    site_web = None
    help_type = forms.ModelChoiceField(
        queryset=HelpType.objects.active(),
        to_field_name="code",
        error_messages={
            "required": _("Choisissez le type d'aide dont la personne a besoin."),
            "invalid_choice": _("Type d'aide inconnu : voyez les codes possibles dans la documentation de l'API."),
        },
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _("L'accord de la personne est nécessaire : recueillez-le, puis envoyez « consent » à true.")
        },
    )

    @classmethod
    def from_json(cls, payload: dict) -> "ApiHelpRequestForm":
        """Fields left out or null are absent, as an empty field of the page would be."""
        return cls(data={name: value for name, value in payload.items() if value is not None})
