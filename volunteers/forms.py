from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.enums import DayPeriod, Domain, Weekday, domains_to_mask, mask_to_domains
from core.forms import CommuneField, PhoneField, commune_initial_from_instance
from core.slots import slot_bit
from volunteers.enums import DocumentKind, Reach
from volunteers.models import Skill, VettingDocument, VolunteerProfile

SLOT_CHOICES = [
    (f"{day}-{period}", f"{Weekday(day).label} {DayPeriod(period).label}")
    for day in Weekday.values
    for period in DayPeriod.values
]
MAX_PAUSE = timedelta(days=365)


class ProfileForm(forms.ModelForm):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    phone = PhoneField(label=_("Téléphone"), help_text=_("Pour que la personne aidée ou le département vous joigne."))
    home_commune = CommuneField(label=_("Commune où vous habitez"))
    reach = forms.ChoiceField(label=_("Où pouvez-vous aider ?"), choices=Reach.choices, widget=forms.RadioSelect)
    domain_codes = forms.MultipleChoiceField(
        label=_("Dans quels domaines ?"),
        choices=Domain.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un domaine.")},
    )
    slots = forms.MultipleChoiceField(
        label=_("Quand êtes-vous disponible ?"),
        choices=SLOT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : vous recevrez surtout des demandes sans horaire précis."),
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Compétences"), queryset=Skill.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.TypedChoiceField(
        label=_("Combien de demandes pouvez-vous suivre en même temps ?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        initial=2,
    )
    is_adult = forms.BooleanField(
        label=_("J'atteste avoir 18 ans ou plus"),
        error_messages={"required": _("Il faut être majeur pour être bénévole.")},
    )
    birth_year = forms.IntegerField(
        label=_("Année de naissance (facultatif)"),
        required=False,
        help_text=_(
            "À partir de 70 ans, pour vous protéger, on vous proposera les aides à distance (appels, aide aux "
            "devoirs). Certaines aides, comme la garde d'enfants, demandent aussi un âge minimum."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
    )
    health_risk = forms.BooleanField(
        label=_("J'ai un facteur de risque de forme grave (maladie chronique, grossesse, traitement…)"),
        required=False,
        help_text=_(
            "Vous restez bénévole : vous pourrez aider à distance, sans vous exposer. Le département peut lever cette "
            "précaution avec vous, par exemple sur avis de votre médecin."
        ),
    )
    no_symptoms = forms.BooleanField(
        label=_("J'atteste n'avoir aucun symptôme"),
        error_messages={"required": _("Cette attestation protège les personnes fragiles que vous aiderez.")},
    )
    charter = forms.BooleanField(
        error_messages={"required": _("Acceptez la charte du bénévole pour recevoir des propositions.")},
    )

    class Meta:
        model = VolunteerProfile
        fields = ["phone", "home_commune", "reach", "skills", "other_skills", "has_vehicle", "capacity", "birth_year",
                  "health_risk", "is_adult", "no_symptoms"]  # fmt: skip
        labels = {"has_vehicle": _("J'ai un véhicule et je peux m'en servir pour aider")}

    field_order = [
        "first_name", "last_name", "phone", "home_commune", "reach", "domain_codes", "slots", "skills",
        "other_skills", "has_vehicle", "capacity", "birth_year", "health_risk", "is_adult", "no_symptoms", "charter",
    ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.initial.setdefault("first_name", user.first_name)
        self.initial.setdefault("last_name", user.last_name)
        self.fields["charter"].label = format_html(
            '{} <a href="{}">{}</a>',
            _("J'ai lu et j'accepte la charte du bénévole"),
            reverse("volunteers:charter"),
            _("(lire la charte)"),
        )
        commune_initial_from_instance(self, "home_commune")
        profile = self.instance
        if profile.pk:
            self.initial["domain_codes"] = mask_to_domains(profile.domains)
            self.initial["slots"] = [code for code, _label in SLOT_CHOICES if profile.availability & self.bit(code)]
            self.initial["charter"] = profile.charter_accepted_at is not None

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if year is not None and not 1900 <= year <= this_year - 18:
            raise ValidationError(
                _("Indiquez votre année de naissance en quatre chiffres, par exemple 1965 (il faut être majeur).")
            )
        return year

    @staticmethod
    def bit(code: str) -> int:
        day, period = code.split("-")
        return slot_bit(int(day), int(period))

    def save(self, commit=True):
        profile = super().save(commit=False)
        profile.user = self.user
        profile.domains = domains_to_mask(self.cleaned_data["domain_codes"])
        profile.availability = sum(self.bit(code) for code in self.cleaned_data["slots"])
        if profile.charter_accepted_at is None:
            profile.charter_accepted_at = timezone.now()
        self.user.first_name, self.user.last_name = self.cleaned_data["first_name"], self.cleaned_data["last_name"]
        if commit:
            self.user.save(update_fields=["first_name", "last_name"])
            profile.save()
            self.save_m2m()
        return profile


class PauseForm(forms.Form):
    paused_until = forms.DateField(
        label=_("Indisponible jusqu'au (inclus)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_paused_until(self):
        date = self.cleaned_data["paused_until"]
        today = timezone.localdate()
        if date < today:
            raise ValidationError(_("Choisissez une date à partir d'aujourd'hui."))
        if date > today + MAX_PAUSE:
            raise ValidationError(_("Une pause dure un an au plus."))
        return date


class VettingDocumentForm(forms.ModelForm):
    """A document for staff to check; the rules on the file and the extract's date are the model's (full_clean)."""

    kind = forms.ChoiceField(
        label=_("Quel document envoyez-vous ?"), choices=DocumentKind.choices, widget=forms.RadioSelect
    )
    issued_on = forms.DateField(
        label=_("Date du document"),
        required=False,
        help_text=_("Pour l'extrait de casier judiciaire : la date imprimée en haut du bulletin (obligatoire)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = VettingDocument
        fields = ["kind", "issued_on", "file"]
        labels = {"file": _("Le document (scan ou photo)")}
        error_messages = {"file": {"required": _("Choisissez le fichier à envoyer.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].required = True
        self.fields["file"].widget = forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"})
        self.fields["file"].help_text = _(
            "PDF, JPEG ou PNG, %(size)s Mo au plus. Une photo nette prise avec un téléphone convient."
        ) % {"size": settings.PRIVATE_UPLOAD_MAX_BYTES // (1024 * 1024)}
