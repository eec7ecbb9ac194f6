from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Register


class RegisterUploadForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du registre"),
        max_length=Register._meta.get_field("name").max_length,
        help_text=_("Par exemple : Registre canicule de Toul, juin."),
    )
    source_organisation = forms.CharField(
        label=_("Organisme qui l'a transmis"),
        max_length=Register._meta.get_field("source_organisation").max_length,
        help_text=_("Par exemple : CCAS de Toul."),
    )
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_(
            "Une ligne de titres puis une personne par ligne. Colonnes : nom, prénom, téléphone, adresse, commune "
            "(nom, code INSEE, ou code postal et nom), base du consentement, date du consentement, notes. "
            "Séparateur point-virgule ou virgule."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class ImportConfirmForm(forms.Form):
    """When some lines are refused, the agent says she read them: only the valid lines are then imported."""

    def __init__(self, *args, invalid_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if invalid_count:
            self.fields["leave_out_invalid"] = forms.BooleanField(
                label=_("J'ai lu les lignes refusées : elles ne seront pas importées, je les corrigerai à part."),
                required=True,
                error_messages={"required": _("Cochez cette case pour importer les lignes valides sans les autres.")},
            )
