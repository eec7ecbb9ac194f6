import re
from datetime import timedelta

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from associations.enums import OrganisationKind
from core.enums import DayPeriod, Domain, Weekday
from core.forms import CommuneField, PhoneField
from core.models import HelpType
from core.slots import days_and_periods, slots_from_days_and_periods
from requests_app.callbacks import CallbackPlan
from requests_app.enums import CallbackOrigin, CarerStatus, ContactChannel, RequesterRelation, Urgency
from requests_app.models import VOLUNTEER_SUMMARY_MAX_LENGTH, HelpRequest

DESCRIPTION_MAX_LENGTH = 2000
MARKUP_CHARACTERS = re.compile(r"[<>{}]")
# Ten digits however spaced or dotted (06 12 34 56 78, +33 6…), or an email address: contact details.
CONTACT_IN_TEXT = re.compile(r"(?:\+?\d[\s.\-/]?){9,}\d|[^\s@]+@[^\s@]+\.\w+")


def is_mobile(phone) -> bool:
    return phonenumbers.number_type(phone) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def validate_no_contact(value: str) -> None:
    if CONTACT_IN_TEXT.search(value):
        raise ValidationError(
            _("N'écrivez ici ni téléphone ni adresse électronique : le bénévole les reçoit s'il accepte."),
            code="contact",
        )


def validate_plain_name(value: str) -> None:
    if MARKUP_CHARACTERS.search(value):
        raise ValidationError(_("Un nom ne peut pas contenir les caractères < > { }."), code="markup")


HONEYPOT_FIELD = "site_web"
# A callback time typed on the console may be this much in the past (the minute it was typed): earlier is a mistake.
CALLBACK_PAST_TOLERANCE = timedelta(minutes=5)


class CallbackTimeField(forms.DateTimeField):
    """When to call someone back, as an agent types it (the browser's picker, or 02/12/2026 10:30); empty for as
    soon as possible. A time already past is a mistake, except the minute being typed."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        due_at = super().clean(value)
        if due_at and due_at < timezone.now() - CALLBACK_PAST_TOLERANCE:
            raise ValidationError(
                _("Cette heure est passée : laissez l'heure vide pour rappeler dès que possible."), code="past"
            )
        return due_at


class HoneypotInput(forms.TextInput):
    """Never shows back what was typed: a person whose browser filled it by mistake can send again."""

    def format_value(self, value):
        return None


class HelpRequestForm(forms.ModelForm):
    """The public form: a person asks for help for themself or someone else, with no account."""

    requester_relation = forms.ChoiceField(
        label=_("Pour qui demandez-vous de l'aide ?"),
        choices=RequesterRelation.choices,
        initial=RequesterRelation.SELF,
        widget=forms.RadioSelect,
    )
    requester_name = forms.CharField(label=_("Votre nom et prénom"), max_length=120, validators=[validate_plain_name])
    requester_phone = PhoneField(label=_("Votre téléphone"), required=False)
    requester_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        required=False,
        max_length=254,
        help_text=_("Téléphone ou adresse électronique : au moins l'un des deux."),
    )
    beneficiary_name = forms.CharField(
        label=_("Nom et prénom de la personne à aider"),
        max_length=120,
        required=False,
        validators=[validate_plain_name],
        help_text=_("Si vous demandez pour quelqu'un d'autre."),
    )
    beneficiary_phone = PhoneField(label=_("Téléphone de la personne à aider"), required=False)
    # The honeypot: hidden from people (CSS, no tab stop, hidden from screen readers), filled by robots.
    site_web = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        max_length=200,
        widget=HoneypotInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    commune = CommuneField()
    address = forms.CharField(
        label=_("Adresse"),
        max_length=250,
        required=False,
        help_text=_("Facultatif pour l'instant : elle ne sera transmise qu'à la personne qui vous aidera."),
    )
    help_type = forms.ModelChoiceField(
        label=_("De quelle aide avez-vous besoin ?"),
        queryset=HelpType.objects.active(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Choisissez le type d'aide dont vous avez besoin."),
            "invalid_choice": _("Choisissez un type d'aide dans la liste."),
        },
    )
    description = forms.CharField(
        label=_("Décrivez le besoin"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Quelques phrases suffisent : ce qu'il faut, quand, toute précision utile (2000 caractères au plus)."
        ),
    )
    volunteer_summary = forms.CharField(
        label=_("Ce que le bénévole peut savoir avant d'accepter"),
        max_length=VOLUNTEER_SUMMARY_MAX_LENGTH,
        required=False,
        validators=[validate_no_contact],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Facultatif mais conseillé : le bénévole décide avec ces quelques mots, avant de recevoir votre "
            "description. N'y écrivez ni nom, ni adresse, ni téléphone. Par exemple : « courses pour une "
            "personne âgée, une dizaine d'articles, le mardi matin » (300 caractères au plus)."
        ),
    )
    # Exceptional childcare is for carers and child-welfare structures (README, "Vetted volunteers"): asked of
    # everyone, required by `check_carer` only when the help type is childcare, so the form works without JavaScript.
    carer_status = forms.ChoiceField(
        label=_("Pour une garde d'enfants seulement : vous êtes…"),
        choices=CarerStatus.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "La garde exceptionnelle est réservée aux soignants, aux personnels indispensables à la gestion de la "
            "crise et aux structures de protection de l'enfance. Un agent le vérifiera avec vous avant de proposer "
            "un bénévole. Dans un autre cas, appelez l'accueil téléphonique du département : un agent cherchera une "
            "solution avec vous."
        ),
    )
    urgency = forms.TypedChoiceField(
        label=_("Urgence"), choices=Urgency.choices, coerce=int, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Jours qui conviennent"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : n'importe quel jour."),
    )
    periods = forms.TypedMultipleChoiceField(
        label=_("Moments de la journée"),
        choices=DayPeriod.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : à tout moment."),
    )
    # A regular help: a select with "no" first rather than a checkbox that reveals fields, which works without
    # JavaScript and reads the same to a screen reader.
    recurring_day = forms.TypedChoiceField(
        label=_("Faut-il cette aide chaque semaine ?"),
        choices=[
            ("", _("Non, une seule fois")),
            *((value, format_lazy(_("Oui, chaque {day}"), day=label)) for value, label in Weekday.choices),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Par exemple un appel chaque semaine, ou les courses chaque mardi : la même personne s'en "
            "chargera chaque semaine."
        ),
    )
    recurring_period = forms.TypedChoiceField(
        label=_("À quel moment de la journée ?"),
        choices=[("", _("Choisissez, si l'aide est chaque semaine")), *DayPeriod.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    preferred_channel = forms.ChoiceField(
        label=_("Comment voulez-vous être tenu informé ?"),
        choices=ContactChannel.choices,
        initial=ContactChannel.SMS,
        widget=forms.RadioSelect,
    )
    callback_periods = forms.TypedMultipleChoiceField(
        label=_("Si vous préférez être rappelé·e : à quel moment de la journée ?"),
        choices=DayPeriod.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : à tout moment de la journée."),
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Votre accord est nécessaire pour que nous puissions traiter la demande.")},
    )

    class Meta:
        model = HelpRequest
        fields = [
            "requester_relation",
            "requester_name",
            "requester_phone",
            "requester_email",
            "beneficiary_name",
            "beneficiary_phone",
            "commune",
            "address",
            "help_type",
            "carer_status",
            "description",
            "volunteer_summary",
            "urgency",
            "lives_alone",
            "aged_70_plus",
            "has_disability",
            "no_internet",
            "recurring_day",
            "recurring_period",
            "preferred_channel",
        ]
        labels = {
            "lives_alone": _("La personne vit seule"),
            "aged_70_plus": _("La personne a 70 ans ou plus"),
            "has_disability": _("La personne est en situation de handicap"),
            "no_internet": _("La personne n'a pas accès à internet"),
        }

    field_order = [
        "requester_relation", "requester_name", "requester_phone", "requester_email", "beneficiary_name",
        "beneficiary_phone", "commune", "address", "help_type", "carer_status", "description", "volunteer_summary",
        "urgency", "lives_alone", "aged_70_plus", "has_disability", "no_internet", "days", "periods", "recurring_day",
        "recurring_period", "preferred_channel", "callback_periods", "consent",
    ]  # fmt: skip
    carer_required = _(
        "Indiquez si vous êtes soignant·e (ou personnel indispensable à la gestion de la crise) ou une structure de "
        "protection de l'enfance. Dans un autre cas, appelez l'accueil téléphonique du département : un agent "
        "cherchera une solution avec vous."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = self.consent_label()
        self.fields["preferred_channel"].choices = self.channel_choices()
        # Without maxlength, a pasted text that is too long is not cut silently: the server says so, keeping it.
        self.fields["description"].widget.attrs.pop("maxlength", None)
        self.fields["volunteer_summary"].widget.attrs.pop("maxlength", None)
        if self.instance.pk or self.instance.preferred_slots:
            days, periods = days_and_periods(self.instance.preferred_slots)
            self.initial.setdefault("days", days)
            self.initial.setdefault("periods", periods)

    def consent_label(self):
        return format_html(
            '{} <a href="{}">{}</a>',
            _("J'accepte que ces informations soient traitées par le département pour organiser l'aide."),
            reverse("core:privacy"),
            _("Voir comment vos données sont protégées."),
        )

    def channel_choices(self):
        """A call is what the person asks for here: to be called back."""
        labels = {ContactChannel.PHONE: _("Par un appel : je préfère être rappelé·e")}
        return [(value, labels.get(value, label)) for value, label in ContactChannel.choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            # Only a robot fills a field nobody sees; it learns nothing more than a person would.
            raise forms.ValidationError(_("Votre demande n'a pas pu être envoyée. Réessayez, ou appelez-nous."))
        self.check_contact(cleaned)
        self.check_recurring(cleaned)
        self.check_carer(cleaned)
        return cleaned

    def check_carer(self, cleaned: dict) -> None:
        """Required for childcare; dropped for any other help, where it would mean nothing."""
        if "carer_status" not in self.fields:
            return
        help_type = cleaned.get("help_type")
        if help_type is None or help_type.domain != Domain.CHILDCARE:
            cleaned["carer_status"] = ""
        elif not cleaned.get("carer_status") and "carer_status" not in self.errors:
            self.add_error("carer_status", self.carer_required)

    def check_contact(self, cleaned: dict) -> None:
        """A way to reach the requester, and the one the channel they chose needs."""
        phone, email = cleaned.get("requester_phone"), cleaned.get("requester_email")
        phone_typed = bool(self.data.get(self.add_prefix("requester_phone"), "").strip())
        email_typed = bool(self.data.get(self.add_prefix("requester_email"), "").strip())
        if not phone and not email and not phone_typed and not email_typed:
            self.add_error("requester_phone", _("Indiquez un téléphone ou une adresse électronique pour le suivi."))
        relation = cleaned.get("requester_relation")
        if relation and relation != RequesterRelation.SELF and not cleaned.get("beneficiary_name"):
            self.add_error("beneficiary_name", _("Indiquez le nom de la personne à aider."))
        channel = cleaned.get("preferred_channel")
        if channel == ContactChannel.EMAIL and not email and not email_typed:
            self.add_error("preferred_channel", _("Pour être informé par courriel, donnez une adresse électronique."))
        if channel in (ContactChannel.SMS, ContactChannel.PHONE) and not phone and not phone_typed:
            self.add_error("preferred_channel", _("Pour être informé par SMS ou téléphone, indiquez un numéro."))
        elif channel == ContactChannel.SMS and phone and not is_mobile(phone):
            self.add_error(
                "preferred_channel", _("Un SMS ne peut être envoyé qu'à un portable : choisissez un appel.")
            )

    def check_recurring(self, cleaned: dict) -> None:
        day, period = cleaned.get("recurring_day"), cleaned.get("recurring_period")
        if day is not None and period is None:
            self.add_error("recurring_period", _("Pour une aide chaque semaine, choisissez le moment de la journée."))
        elif day is None and period is not None:
            cleaned["recurring_period"] = None  # a moment without a day asks for nothing regular

    def contacts(self) -> list[str]:
        """The phone number and the email address given, each counted apart by the rate limit: changing one
        must not reset the count of the other (someone flooding another person's mailbox)."""
        phone, email = self.cleaned_data.get("requester_phone"), self.cleaned_data.get("requester_email")
        return [value for value in (phone and phone.as_e164, email and email.strip().lower()) if value]

    def build(self) -> HelpRequest:
        """The unsaved request; requests_app.services.help_request_create files it."""
        help_request = super().save(commit=False)
        help_request.preferred_slots = slots_from_days_and_periods(
            self.cleaned_data.get("days") or [], self.cleaned_data.get("periods") or []
        )
        return help_request

    def callback_plan(self) -> CallbackPlan | None:
        """Whoever chose a call is called back, any day, in the periods they ticked. The periods are read only
        then: ticked with another choice, they would promise a call nobody asked for."""
        if self.cleaned_data["preferred_channel"] != ContactChannel.PHONE:
            return None
        slots = slots_from_days_and_periods([], self.cleaned_data.get("callback_periods") or [])
        return CallbackPlan(origin=CallbackOrigin.CITIZEN, slots=slots)


class IntakeForm(HelpRequestForm):
    """The hotline operator's version: same checks, consent given orally, a callback and a note.

    The operator asks the questions and types the answers during the call: labels and hints speak to them ("Demandez…",
    "Lisez-lui…") and name the caller and the person helped, where the public form says "vous"."""

    # Field: (label, hint). Only the console's wording: the public form keeps its own.
    OPERATOR_WORDING = {
        "requester_phone": (
            _("Téléphone de l'appelant"),
            _("Le numéro où le joindre : ses demandes déjà reçues s'affichent sous « Qui appelle ? »."),
        ),
        "requester_name": (_("Nom et prénom de l'appelant"), _("Faites-lui épeler son nom s'il le faut.")),
        "requester_email": (
            _("Adresse électronique de l'appelant"),
            _("Facultative s'il a donné un téléphone. Faites-la épeler."),
        ),
        "requester_relation": (_("L'appelant demande"), ""),
        "beneficiary_name": (
            _("Nom et prénom de la personne aidée"),
            _("Si l'appelant demande pour un proche, un voisin ou en tant que professionnel."),
        ),
        "beneficiary_phone": (
            _("Téléphone de la personne aidée"),
            _("Si elle en a un : c'est elle que la personne qui aidera appellera."),
        ),
        "commune": (_("Commune de la personne aidée"), _("Demandez où aider : nom de la commune ou code postal.")),
        "address": (
            _("Adresse de la personne aidée"),
            _("Facultative. Dites-lui qu'elle n'est transmise qu'à la personne qui viendra aider."),
        ),
        "help_type": (_("Type d'aide demandé"), ""),
        "carer_status": (
            _("Garde d'enfants seulement : l'appelant est…"),
            _("Demandez-le-lui ; l'équipe le vérifiera avant toute proposition à un bénévole."),
        ),
        "description": (
            _("Besoin décrit par l'appelant"),
            _("Demandez ce qu'il faut, pour quand, et ce qui aidera sur place (accès, horaires, animaux)."),
        ),
        "volunteer_summary": (
            _("Ce que le bénévole peut savoir avant d'accepter"),
            _(
                "Facultatif mais conseillé : redites le besoin en quelques mots, sans nom, adresse ni téléphone. "
                "Le bénévole le lit avant d'accepter ; la description ne lui est donnée qu'ensuite "
                "(300 caractères au plus)."
            ),
        ),
        "urgency": (_("Urgence"), _("Demandez pour quand il faut l'aide.")),
        # Under the legend "Sa situation", which names the person helped.
        "lives_alone": (_("Vit seule"), ""),
        "aged_70_plus": (_("A 70 ans ou plus"), ""),
        "has_disability": (_("Est en situation de handicap"), ""),
        "no_internet": (_("N'a pas accès à internet"), ""),
        "days": (_("Jours qui conviennent"), _("Aucun coché : n'importe quel jour.")),
        "periods": (_("Moments de la journée"), _("Aucun coché : à tout moment.")),
        "recurring_day": (
            _("Aide chaque semaine ?"),
            _("Un appel ou des courses chaque semaine : la même personne s'en chargera chaque semaine."),
        ),
        "recurring_period": (_("À quel moment ?"), ""),
        "preferred_channel": (
            _("Comment tenir l'appelant informé ?"),
            _("Demandez-lui ce qu'il préfère ; un SMS n'arrive que sur un portable."),
        ),
    }
    # The choices as the operator says them to the caller ("pour soi-même" rather than the public "pour moi-même").
    RELATION_CHOICES = [
        (RequesterRelation.SELF, _("Pour soi-même")),
        (RequesterRelation.RELATIVE, _("Pour un proche")),
        (RequesterRelation.NEIGHBOUR, _("Pour un voisin ou une connaissance")),
        (RequesterRelation.PROFESSIONAL, _("En tant que professionnel (travailleur social, soignant…)")),
    ]

    consent = forms.BooleanField(
        help_text=_("Lisez-lui la notice « À lire à l'appelant », puis demandez-lui s'il est d'accord."),
        error_messages={"required": _("Recueillez l'accord oral de la personne avant d'enregistrer.")},
    )
    callback_periods = None  # the agent agrees a time with the caller instead
    callback = forms.BooleanField(
        label=_("À rappeler"),
        required=False,
        help_text=_("Cochez si vous convenez de le rappeler ; sans heure indiquée : dès que possible."),
    )
    callback_at = CallbackTimeField(
        label=_("Rappel prévu le"), help_text=_("Si vous convenez d'une heure avec lui : le jour et l'heure.")
    )
    note = forms.CharField(
        label=_("Note de l'appel"),
        required=False,
        max_length=2000,
        help_text=_("Pour l'équipe du département, jamais montrée au bénévole : ce qui n'entre pas ailleurs."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # The order of the console's page (templates/requests_app/intake.html), which the error summary follows.
    field_order = [
        "requester_phone", "requester_name", "requester_email", "requester_relation", "beneficiary_name",
        "beneficiary_phone", "commune", "address", "lives_alone", "aged_70_plus", "has_disability", "no_internet",
        "help_type", "carer_status", "description", "volunteer_summary", "urgency", "days", "periods", "recurring_day",
        "recurring_period", "consent", "preferred_channel", "callback", "callback_at", "note",
    ]  # fmt: skip
    carer_required = _("Garde d'enfants : demandez si l'appelant est soignant·e ou une structure de protection.")
    CARER_CHOICES = [
        (CarerStatus.CARER, _("Soignant·e ou personnel indispensable à la gestion de la crise")),
        (CarerStatus.CHILD_WELFARE, _("Structure de protection de l'enfance")),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, hint) in self.OPERATOR_WORDING.items():
            self.fields[name].label, self.fields[name].help_text = label, hint
        self.fields["requester_relation"].choices = self.RELATION_CHOICES
        self.fields["carer_status"].choices = self.CARER_CHOICES
        self.fields["description"].widget.attrs["rows"] = 3
        self.fields["help_type"].error_messages["required"] = _("Choisissez le type d'aide demandé.")
        self.fields["preferred_channel"].initial = ContactChannel.PHONE
        # The operator's browser would fill in the operator's own name, phone and address: the caller's are typed.
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.EmailInput):
                field.widget.attrs["autocomplete"] = "off"
        # static/js/caller-history.js shows this number's earlier requests as it is typed.
        self.fields["requester_phone"].widget.attrs["data-caller-phone"] = True

    def consent_label(self):
        return _("L'appelant a entendu la notice et donne son accord oral au traitement des données")

    def channel_choices(self):
        return ContactChannel.choices

    def callback_plan(self) -> CallbackPlan | None:
        """Ticked without a time: as soon as possible. A time alone asks for a callback too."""
        callback_at = self.cleaned_data.get("callback_at")
        if not (self.cleaned_data.get("callback") or callback_at):
            return None
        return CallbackPlan(origin=CallbackOrigin.AGENT, due_at=callback_at or timezone.now())


class PartnerIntakeForm(HelpRequestForm):
    """An agent of a commune or CCAS, a home-help service or a département service files a request for one of the
    people they look after (requests_app/partners.py): the resident is the person helped, the agent and the
    organisation the requester, which the service records. The agent types, at a desk, what they know from their file
    or their visit: labels speak to them about "la personne"."""

    # Field: (label, hint). The public form and the console keep their own wording.
    PARTNER_WORDING = {
        "commune": (_("Sa commune"), _("Nom ou code postal, par exemple « Lunéville » ou « 54300 ».")),
        "address": (_("Son adresse"), _("Facultative. Elle n'est transmise qu'à qui viendra l'aider.")),
        "help_type": (_("Type d'aide"), ""),
        "description": (
            _("Description du besoin"),
            _(
                "Ce qu'il faut, pour quand, ce qui aidera sur place (accès, horaires, animaux), et qui appeler si "
                "elle ne répond pas (2000 caractères au plus). La personne qui l'aidera le lira une fois la demande "
                "acceptée."
            ),
        ),
        "volunteer_summary": (
            _("Ce que le bénévole peut savoir avant d'accepter"),
            _(
                "Facultatif mais conseillé : le besoin en quelques mots, sans nom, adresse ni téléphone. Par "
                "exemple : « courses pour une personne âgée, une dizaine d'articles, le mardi matin » (300 "
                "caractères au plus)."
            ),
        ),
        "urgency": (_("Urgence"), ""),
        # Under the legend "Sa situation", which names the person helped.
        "lives_alone": (_("Vit seule"), ""),
        "aged_70_plus": (_("A 70 ans ou plus"), ""),
        "has_disability": (_("Est en situation de handicap"), ""),
        "no_internet": (_("N'a pas accès à internet"), ""),
        "days": (_("Jours qui lui conviennent"), _("Aucun coché : n'importe quel jour.")),
        "periods": (_("Moments de la journée"), _("Aucun coché : à tout moment.")),
        "recurring_day": (
            _("Faut-il cette aide chaque semaine ?"),
            _("Un appel ou des courses chaque semaine : la même personne s'en chargera chaque semaine."),
        ),
        "recurring_period": (_("À quel moment ?"), ""),
        "preferred_channel": (
            _("La personne veut-elle être prévenue par SMS ?"),
            _("Vous, vous êtes prévenu·e par courriel quand la demande est prise en charge, puis terminée."),
        ),
    }
    CHANNEL_CHOICES = [
        (ContactChannel.PHONE, _("Non, pas de message : qui l'aidera l'appellera")),
        (ContactChannel.SMS, _("Oui, par SMS sur son portable : la référence, la prise en charge, la fin")),
    ]

    # The requester is the organisation, filled in by the service; nor is there a robot to catch behind a sign-in, or
    # a callback to plan: whoever helps the person calls them.
    requester_relation = requester_name = requester_phone = requester_email = None
    site_web = callback_periods = None

    beneficiary_name = forms.CharField(
        label=_("Nom et prénom de la personne"),
        max_length=120,
        validators=[validate_plain_name],
        help_text=_("La personne que vous accompagnez, qui sera aidée."),
        error_messages={"required": _("Indiquez le nom de la personne à aider.")},
    )
    beneficiary_phone = PhoneField(
        label=_("Son téléphone"),
        help_text=_(
            "Le numéro où la joindre : qui l'aidera l'appellera. Si elle n'a pas de téléphone, celui d'un proche, et "
            "dites-le dans le besoin."
        ),
        error_messages={"required": _("Indiquez un téléphone où joindre la personne, ou celui d'un proche.")},
    )
    consent = forms.BooleanField(
        error_messages={
            "required": _(
                "Recueillez l'accord de la personne avant de déposer la demande : sans lui, rien n'est enregistré."
            )
        },
    )

    # The organisation files for a resident: whether it may ask for childcare is for staff to check (the request
    # waits for their confirmation, HelpRequest.awaits_carer_confirmation).
    carer_status = None

    class Meta(HelpRequestForm.Meta):
        fields = [
            name
            for name in HelpRequestForm.Meta.fields
            if not name.startswith("requester_") and name != "carer_status"
        ]

    field_order = [
        "beneficiary_name", "beneficiary_phone", "commune", "address", "lives_alone", "aged_70_plus",
        "has_disability", "no_internet", "help_type", "description", "volunteer_summary", "urgency", "days",
        "periods", "recurring_day", "recurring_period", "preferred_channel", "consent",
    ]  # fmt: skip

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, hint) in self.PARTNER_WORDING.items():
            self.fields[name].label, self.fields[name].help_text = label, hint
        self.fields["help_type"].error_messages["required"] = _("Choisissez le type d'aide dont la personne a besoin.")
        self.fields["description"].error_messages["required"] = _("Décrivez le besoin de la personne.")
        self.fields["consent"].help_text = format_html(
            '{} <a href="{}">{}</a>',
            _("Demandez-le-lui après lui avoir dit à quoi elles serviront."),
            reverse("core:privacy"),
            _("Comment ses données sont protégées."),
        )
        self.fields["preferred_channel"].initial = ContactChannel.PHONE
        # The agent's browser would fill in the agent's own name, phone and address: the resident's are typed.
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.EmailInput):
                field.widget.attrs["autocomplete"] = "off"
        if organisation is not None and organisation.kind == OrganisationKind.COMMUNE:
            self.initial.setdefault("commune", organisation.commune)  # a commune's residents live there, mostly

    def consent_label(self):
        return _(
            "La personne est d'accord pour que ces informations soient transmises au département et à qui l'aidera"
        )

    def channel_choices(self):
        return self.CHANNEL_CHOICES

    def check_contact(self, cleaned: dict) -> None:
        phone = cleaned.get("beneficiary_phone")
        if cleaned.get("preferred_channel") == ContactChannel.SMS and phone and not is_mobile(phone):
            self.add_error(
                "preferred_channel",
                _("Un SMS ne part que vers un portable, et ce numéro n'en est pas un : choisissez « Non »."),
            )

    def callback_plan(self) -> None:
        return None  # whoever takes the request calls the person: the hotline has no call to make


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Pourquoi annulez-vous ? (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PhoneLookupForm(forms.Form):
    telephone = PhoneField(label=_("Numéro de l'appelant"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["telephone"].widget.attrs["autocomplete"] = "off"  # the caller's number, not the operator's


class HandBackForm(forms.Form):
    """An organisation giving back a request routed to it: the hotline reads why before routing it again."""

    note = forms.CharField(
        label=_("Pourquoi rendez-vous cette demande ?"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CallbackScheduleForm(forms.Form):
    """On a request's admin page: call the person back, at a time or as soon as possible."""

    due_at = CallbackTimeField(label=_("À rappeler le"), help_text=_("Vide : dès que possible."))

    def plan(self) -> CallbackPlan:
        return CallbackPlan(origin=CallbackOrigin.AGENT, due_at=self.cleaned_data["due_at"] or timezone.now())


class AssignForm(forms.Form):
    """On a routed request's page: a member passes it to one of the organisation's people (`people`, from
    requests_app.routing.assignable_people), its members first, then the volunteers it accepted on its missions."""

    assignee = forms.TypedChoiceField(
        label=_("Confier à"),
        coerce=int,
        error_messages={
            "required": _("Choisissez la personne à qui confier la demande."),
            "invalid_choice": _(
                "Cette personne n'est ni membre de votre structure, ni bénévole accepté·e sur l'une de ses missions : "
                "la demande ne peut pas lui être confiée."
            ),
        },
    )
    # Not "note": the hand-back form beside it on the page has one (two fields, one id).
    message = forms.CharField(
        label=_("Un mot pour cette personne"),
        help_text=_(
            "Facultatif : ce qui l'aidera (quand appeler, qui prévenir…). Affiché sur sa page, pas dans le courriel."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        names = [str(person) for person in people]
        # Two Camille Martin: their addresses tell them apart.
        labels = {
            person.pk: f"{name} ({person.email})" if names.count(name) > 1 else name
            for person, name in zip(people, names, strict=True)
        }
        members = [(person.pk, labels[person.pk]) for person in people if person.is_member]
        volunteers = [(person.pk, labels[person.pk]) for person in people if not person.is_member]
        choices = [("", _("Choisir une personne"))]
        if members:
            choices.append((_("Membres de la structure"), members))
        if volunteers:
            choices.append((_("Bénévoles acceptés sur vos missions"), volunteers))
        self.fields["assignee"].choices = choices

    def clean_assignee(self):
        return self.people[self.cleaned_data["assignee"]]


class UnableForm(forms.Form):
    """ "Je ne peux pas", from the person an organisation passed a request to."""

    note = forms.CharField(
        label=_("Pourquoi ?"),
        help_text=_("Facultatif. Lu par la structure, qui confiera la demande à quelqu'un d'autre."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
