"""The forms of a hand-off to a responder outside the portal: staff's, in the admin, and the responder's answer."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneField
from requests_app.enums import HANDOFF_ANSWERS, HandOffAnswer, HandOffStage
from requests_app.forms import CONTACT_IN_TEXT, validate_plain_name
from requests_app.handoffs import HandOffRefused, message_check


def validate_no_contact_for_responder(value: str) -> None:
    if CONTACT_IN_TEXT.search(value):
        raise ValidationError(
            _(
                "N'écrivez ici ni téléphone ni adresse électronique : le relais reçoit les coordonnées de la personne "
                "quand il la prend en charge."
            ),
            code="contact",
        )


class HandOffForm(forms.Form):
    """Staff hand a request to a responder without an account: its name, where its link goes, what it must know."""

    responder_label = forms.CharField(
        label=_("Confier à"),
        max_length=120,
        validators=[validate_plain_name],
        help_text=_("Le service ou la structure, comme ils se présentent : « CCAS de Lunéville »."),
    )
    responder_email = forms.EmailField(
        label=_("Courriel"),
        required=False,
        help_text=_("De préférence la boîte partagée du service : le lien y arrive."),
    )
    responder_phone = PhoneField(
        label=_("Téléphone"),
        required=False,
        help_text=_("Un portable reçoit le lien par SMS ; un fixe est gardé pour vous, pour les rappeler."),
    )
    note = forms.CharField(
        label=_("Note pour le relais"),
        max_length=1000,
        required=False,
        validators=[validate_no_contact_for_responder],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ce qu'il doit savoir pour décider, sans nom, adresse ni téléphone de la personne : il les reçoit s'il "
            "prend la demande en charge (1000 caractères au plus)."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            message_check(email=cleaned.get("responder_email", ""), phone=cleaned.get("responder_phone"))
        except HandOffRefused as refusal:
            field = "responder_email" if not cleaned.get("responder_phone") else "responder_phone"
            self.add_error(field, str(refusal))
        return cleaned


class HandOffAnswerForm(forms.Form):
    """The responder's answer: the button pressed (`reponse`) and, for "impossible", why. A link gives the answers
    of its stage only (HANDOFF_ANSWERS)."""

    # Carried by the button pressed, never drawn as a field.
    reponse = forms.CharField(required=False)  # checked in clean(): its refusal is the form's, not a field's
    raison = forms.CharField(
        label=_("Raison"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("En quelques mots, pour l'agent qui cherchera une autre solution."),
    )

    def __init__(self, *args, stage: HandOffStage, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = HANDOFF_ANSWERS[stage]

    def clean(self):
        cleaned = super().clean()
        answer = cleaned.get("reponse")
        if answer not in self.allowed:
            raise ValidationError(_("Choisissez une des réponses proposées sur cette page."), code="answer")
        if answer == HandOffAnswer.DECLINE and not cleaned.get("raison", "").strip():
            self.add_error("raison", _("Dites en quelques mots pourquoi, pour que l'agent trouve une autre solution."))
        return cleaned

    @property
    def answer(self) -> HandOffAnswer:
        return HandOffAnswer(self.cleaned_data["reponse"])
