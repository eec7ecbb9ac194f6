from django import forms
from django.utils.translation import gettext_lazy as _

from api.enums import Scope


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
