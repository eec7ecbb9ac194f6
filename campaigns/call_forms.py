"""The forms of the calling side: starting a campaign, one call's outcome on screen, and the rows of a paper sheet
typed back in."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import STAFF_GROUP_NAME
from campaigns.calls import call_record
from campaigns.enums import CallOutcome
from campaigns.models import CallerVetting, Register, RegisterEntry
from core.models import Arrondissement, Commune, Epci, HelpType

DEFAULT_SCRIPT = _(
    "Bonjour, je m'appelle … et j'appelle de la part du Département. Votre commune vous a inscrit·e sur son registre "
    "des personnes à contacter en cas de crise : nous prenons des nouvelles de chacun.\n"
    "— Comment allez-vous ? Avez-vous quelqu'un près de vous ?\n"
    "— Avez-vous besoin de quelque chose : courses, médicaments, repas, ou simplement quelqu'un à qui parler ?\n"
    "— Si oui : êtes-vous d'accord pour que je transmette votre demande au Département, qui vous rappellera ?\n"
    "En cas de besoin, vous pouvez appeler le numéro du Département."
)

# On screen and on paper, the same number before each outcome: the paper sheet's boxes are numbered so, and typing the
# number in the type-back form's list chooses it.
OUTCOME_NUMBERS = {outcome: index for index, outcome in enumerate(CallOutcome, start=1)}


def numbered_outcomes() -> list[tuple[str, str]]:
    return [(outcome.value, f"{OUTCOME_NUMBERS[outcome]} — {outcome.label}") for outcome in CallOutcome]


def eligible_callers():
    """Who may be given a call sheet, as campaigns.services.caller_eligible says it one by one: hotline agents (the
    staff group holds the power to take calls; a superuser holds every power) and volunteers vetted for calls."""
    vetted = CallerVetting.objects.active().values("volunteer__user")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_staff=True, groups__name=STAFF_GROUP_NAME) | Q(is_staff=True, is_superuser=True) | Q(pk__in=vetted)
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class CallerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        kind = _("agent") if user.is_staff else _("bénévole")
        name = user.get_full_name()
        return f"{name} — {user.email} ({kind})" if name else f"{user.email} ({kind})"


class CampaignStartForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la campagne"),
        max_length=200,
        help_text=_("Par exemple : « Appel des inscrits de l'EPCI de Toul avant vendredi »."),
    )
    registers = forms.ModelMultipleChoiceField(
        label=_("Registres à appeler"), queryset=Register.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    epcis = forms.ModelMultipleChoiceField(
        label=_("Intercommunalités"),
        queryset=Epci.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Laissez intercommunalités, arrondissements et communes vides pour appeler tout le registre."),
    )
    arrondissements = forms.ModelMultipleChoiceField(
        label=_("Arrondissements"),
        queryset=Arrondissement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communes = forms.ModelMultipleChoiceField(
        label=_("Communes"),
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Seules les communes où un registre compte quelqu'un sont proposées."),
    )
    deadline = forms.DateField(
        label=_("À terminer avant le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    script = forms.CharField(
        label=_("Texte lu au téléphone"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        initial=DEFAULT_SCRIPT,
        help_text=_("Il figure en tête de chaque fiche d'appel, à l'écran et sur papier."),
    )
    callers = CallerChoiceField(
        label=_("Appelants"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Agents de l'accueil téléphonique et bénévoles habilités aux appels. Les personnes sont réparties "
            "à parts égales, une fiche par appelant, regroupées par commune."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        registers = Register.objects.not_erased()
        self.fields["registers"].queryset = registers
        listed = RegisterEntry.objects.filter(register__in=registers)
        self.fields["communes"].queryset = Commune.objects.filter(insee__in=listed.values("commune")).order_by("name")
        self.fields["epcis"].queryset = Epci.objects.filter(pk__in=listed.values("commune__epci")).order_by("name")
        self.fields["arrondissements"].queryset = Arrondissement.objects.filter(
            pk__in=listed.values("commune__arrondissement")
        ).order_by("name")
        self.fields["callers"].queryset = eligible_callers()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("La date est passée : choisissez aujourd'hui ou un jour à venir."))
        return deadline


class CallersForm(forms.Form):
    """More callers for the people of a campaign not on a sheet yet."""

    callers = CallerChoiceField(
        label=_("Appelants pour les personnes sans fiche"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["callers"].queryset = eligible_callers()


class OutcomeForm(forms.Form):
    """One call, noted while on the phone or just after."""

    outcome = forms.ChoiceField(label=_("Résultat de l'appel"), choices=CallOutcome.choices, widget=forms.RadioSelect)
    help_type = forms.ModelChoiceField(
        label=_("Si besoin d'aide : de quoi ?"), queryset=HelpType.objects.none(), required=False
    )
    urgent = forms.BooleanField(label=_("C'est urgent (aujourd'hui ou demain)"), required=False)
    agreed = forms.BooleanField(
        label=_("Si besoin d'aide : la personne accepte que sa demande soit transmise au Département"), required=False
    )
    note = forms.CharField(
        label=_("Note sur l'appel"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ce qu'il faut savoir : son besoin, le meilleur moment pour rappeler…"),
    )

    def __init__(self, *args, help_types: list[HelpType] | None = None, **kwargs):
        """`help_types`: the catalogue read once for a page of many forms, which would each read it again."""
        super().__init__(*args, **kwargs)
        field = self.fields["help_type"]
        field.queryset = HelpType.objects.active().order_by("position", "name")
        field.empty_label = _("— choisir —")
        if help_types is not None:
            field.choices = [("", field.empty_label), *((help_type.pk, help_type.name) for help_type in help_types)]

    def clean(self):
        data = super().clean()
        if data.get("outcome") == CallOutcome.NEEDS_HELP:
            if not data.get("help_type"):
                self.add_error("help_type", _("Indiquez de quelle aide la personne a besoin."))
            if not data.get("agreed"):
                self.add_error(
                    "agreed",
                    _(
                        "Sans son accord, aucune demande n'est créée : notez « Jointe : va bien » et son besoin "
                        "en note."
                    ),
                )
        return data

    def record(self, campaign_entry, *, by):
        """The call as the form says it, through the one service that records calls (its CallError: a refusal)."""
        data = self.cleaned_data
        return call_record(
            campaign_entry=campaign_entry,
            outcome=data["outcome"],
            by=by,
            note=data["note"],
            help_type=data["help_type"],
            urgent=data["urgent"],
        )


class PaperRowForm(OutcomeForm):
    """One line of a paper sheet typed back in: left empty when the person was not called."""

    outcome = forms.ChoiceField(label=_("Résultat"), choices=[("", _("— pas appelée —"))], required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    help_type = forms.ModelChoiceField(label=_("Aide"), queryset=HelpType.objects.none(), required=False)
    agreed = forms.BooleanField(label=_("Accord"), required=False)

    field_order = ["outcome", "help_type", "agreed", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", _("— pas appelée —")), *numbered_outcomes()]
        del self.fields["urgent"]


class PaperSheetForm(forms.Form):
    called_on = forms.DateField(
        label=_("Appels passés le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )

    def clean_called_on(self):
        called_on = self.cleaned_data["called_on"]
        if called_on > timezone.localdate():
            raise forms.ValidationError(_("Cette date est à venir : indiquez le jour où les appels ont été passés."))
        return called_on


def help_types_listed() -> list[HelpType]:
    return list(HelpType.objects.active().order_by("position", "name"))
