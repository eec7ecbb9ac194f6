import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.enums import ApplicationStatus, MemberRole, OrganisationKind
from associations.models import Association, Mission, NewsItem
from associations.validators import normalise_identifier, validate_rna, validate_siret
from core.enums import Domain, domains_to_mask, mask_to_domains
from core.forms import CommuneField, PhoneField, commune_initial_from_instance
from core.models import Commune, Epci, HelpType

MAX_COVERED_COMMUNES = 100


class AssociationForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Type de structure"), choices=OrganisationKind.choices, widget=forms.RadioSelect)
    rna = forms.CharField(
        label=_("Numéro RNA"),
        required=False,
        max_length=20,
        help_text=_("Pour une association : W suivi de 9 caractères."),
    )
    siret = forms.CharField(
        label=_("Numéro SIRET"), required=False, max_length=20, help_text=_("14 chiffres. Le RNA ou le SIRET suffit.")
    )
    commune = CommuneField(help_text=_("Commune du siège."))
    domain_codes = forms.MultipleChoiceField(
        label=_("Domaines d'action"), choices=Domain.choices, widget=forms.CheckboxSelectMultiple
    )
    epcis_covered = forms.ModelMultipleChoiceField(
        label=_("Intercommunalités où vous agissez"),
        queryset=Epci.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communes_text = forms.CharField(
        label=_("Autres communes où vous agissez"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Séparées par des virgules, par exemple « Toul, Écrouves »."),
    )
    contact_phone = PhoneField(label=_("Téléphone de contact"), required=False)

    class Meta:
        model = Association
        fields = [
            "kind", "name", "rna", "siret", "address", "commune", "domain_codes", "covers_whole_departement",
            "epcis_covered", "communes_text", "description", "contact_email", "contact_phone",
        ]  # fmt: skip
        labels = {"name": _("Nom de la structure"), "description": _("Présentation publique")}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["epcis_covered"].queryset = Epci.objects.filter(
            communes__departement=settings.TERRITORY
        ).distinct()
        self.fields["contact_email"].required = True
        if self.instance.pk:
            self.initial["domain_codes"] = mask_to_domains(self.instance.domains)

    def clean_rna(self):
        rna = normalise_identifier(self.cleaned_data["rna"])
        if rna:
            validate_rna(rna)
        return rna

    def clean_siret(self):
        siret = normalise_identifier(self.cleaned_data["siret"])
        if siret:
            validate_siret(siret)
        return siret

    def clean_communes_text(self):
        names = [name.strip() for name in re.split(r"[,;\n]", self.cleaned_data["communes_text"]) if name.strip()]
        if len(names) > MAX_COVERED_COMMUNES:
            raise ValidationError(
                _("%(max)s communes au plus : choisissez plutôt des intercommunalités.")
                % {"max": MAX_COVERED_COMMUNES}
            )
        communes, unknown = [], []
        in_departement = Commune.objects.in_departement(settings.TERRITORY)
        for name in names:
            found = CommuneField.by_name(in_departement, name)
            (communes.append(found[0]) if len(found) == 1 else unknown.append(name))
        if unknown:
            raise ValidationError(
                _("Communes introuvables ou ambiguës : %(names)s. Écrivez le nom complet.")
                % {"names": ", ".join(unknown)}
            )
        return communes

    def clean(self):
        cleaned = super().clean()
        if (
            not self.errors.get("rna")
            and not self.errors.get("siret")
            and not cleaned.get("rna")
            and not cleaned.get("siret")
        ):
            self.add_error("rna", _("Indiquez le numéro RNA ou le numéro SIRET de la structure."))
        if not (
            cleaned.get("covers_whole_departement") or cleaned.get("epcis_covered") or cleaned.get("communes_text")
        ):
            if "communes_text" not in self.errors:
                self.add_error(
                    "covers_whole_departement",
                    _("Dites où vous agissez : tout le département, des intercommunalités ou des communes."),
                )
        return cleaned

    def build(self) -> Association:
        association = super().save(commit=False)
        association.domains = domains_to_mask(self.cleaned_data["domain_codes"])
        return association


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique de la personne à inviter"), max_length=254)
    role = forms.ChoiceField(
        label=_("Rôle"), choices=MemberRole.choices, initial=MemberRole.MEMBER, widget=forms.RadioSelect
    )


UNDECLARED_DOMAIN = _("Votre structure n'a pas déclaré ce domaine : demandez au département de l'ajouter.")


class MissionForm(forms.ModelForm):
    commune = CommuneField(required=False, help_text=_("Laissez vide pour une mission à distance."))

    class Meta:
        model = Mission
        fields = [
            "title", "domain", "help_type", "description", "is_remote", "commune", "start_date", "end_date",
            "volunteers_needed", "skills", "schedule",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"is_remote": _("Mission à distance (appels, aide aux devoirs…)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteers_needed"].widget.attrs.update({"min": 1, "max": 500})
        commune_initial_from_instance(self, "commune")
        # Only the domains the organisation declared (the department validated them): another one, even forged in
        # the request, is refused by the field with the message below.
        declared = mask_to_domains(self.instance.association.domains)
        domain = self.fields["domain"]
        domain.choices = [("", _("Choisissez un domaine")), *((code, Domain(code).label) for code in declared)]
        domain.error_messages["invalid_choice"] = UNDECLARED_DOMAIN
        if len(declared) == 1 and not self.instance.pk:
            domain.initial = declared[0]
        # The kinds of help of those domains: the help type's vetting and minimum age then apply to applications.
        help_type = self.fields["help_type"]
        help_type.queryset = HelpType.objects.active().filter(domain__in=declared)
        help_type.empty_label = _("Aucun en particulier")
        help_type.help_text = _(
            "Facultatif. Si la mission en est un (garde d'enfants, courses…), seuls les bénévoles que le département "
            "a vérifiés comme ce type d'aide le demande pourront candidater."
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_remote") and not cleaned.get("commune") and "commune" not in self.errors:
            self.add_error("commune", _("Indiquez la commune, ou cochez « Mission à distance »."))
        help_type, domain = cleaned.get("help_type"), cleaned.get("domain")
        if help_type and domain and help_type.domain != domain:
            self.add_error(
                "help_type",
                _(
                    "« %(help_type)s » relève du domaine « %(domain)s » : choisissez ce domaine ou un autre type "
                    "d'aide."
                )
                % {"help_type": help_type, "domain": Domain(help_type.domain).label},
            )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("La fin ne peut pas précéder le début."))
        elif end and end < timezone.localdate():
            self.add_error("end_date", _("Cette date est passée : une mission terminée n'a pas à être publiée."))
        needed = cleaned.get("volunteers_needed")
        if self.instance.pk and needed:
            accepted = self.instance.applications.filter(status=ApplicationStatus.ACCEPTED).count()
            if needed < accepted:
                self.add_error(
                    "volunteers_needed",
                    _("%(n)s bénévoles sont déjà acceptés : le nombre recherché ne peut pas être inférieur.")
                    % {"n": accepted},
                )
        return cleaned


class ApplicationForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message à la structure"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vos disponibilités, ce que vous savez faire, comment vous joindre."),
    )


class NewsItemForm(forms.ModelForm):
    class Meta:
        model = NewsItem
        fields = ["title", "domain", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
        labels = {"domain": _("Domaine concerné (facultatif)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An item without a domain is for every organisation, whatever its domains.
        self.fields["domain"].choices = [("", _("Tous les domaines")), *Domain.choices]
