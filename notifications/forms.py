from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.sms import SINGLE_PART, sms_length
from notifications.inbox import non_gsm7_characters, staff_sms_body

STAFF_REPLY_MAX_LENGTH = 500  # far more than an SMS: past 160 the error says by how much to shorten


class HandledForm(forms.Form):
    """ "Marquer comme traité", with when the page showed the message as handled (empty: not handled): a move made
    from a page read before another agent dealt with the message is refused (notifications.inbox.AlreadyHandled)."""

    seen_handled_at = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_seen_handled_at(self) -> datetime | None:
        seen = self.cleaned_data["seen_handled_at"]
        if not seen:
            return None
        try:
            return datetime.fromisoformat(seen)
        except ValueError:
            raise ValidationError(_("La page est trop ancienne : rechargez-la.")) from None


class StaffReplyForm(HandledForm):
    """An agent's answer to an SMS received: one SMS, counted as the phone network counts it, the portal's name
    before it included (templates/notifications/staff_sms/sms.txt)."""

    text = forms.CharField(
        label=_("Répondre par SMS"),
        max_length=STAFF_REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Un seul SMS : 160 caractères, nom du portail compris. Des phrases simples, sans lien si la personne n'a "
            "pas internet."
        ),
        error_messages={"required": _("Écrivez la réponse avant de l'envoyer.")},
    )

    field_order = ["text", "seen_handled_at"]

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        length = sms_length(staff_sms_body(text))
        if length.parts == 1:
            return text
        if length.encoding == "GSM-7":
            limit = SINGLE_PART["GSM-7"]
            raise ValidationError(
                _(
                    "Trop long pour un seul SMS : %(units)s caractères avec « %(prefix)s » placé devant, pour "
                    "%(limit)s au plus. Retirez-en %(over)s."
                )
                % {"units": length.units, "prefix": staff_sms_body(""), "limit": limit, "over": length.units - limit}
            )
        raise ValidationError(
            _(
                "Trop long pour un seul SMS : « %(characters)s » n'existe pas sur tous les téléphones, ce qui "
                "réduit un SMS à %(limit)s caractères, et celui-ci en compte %(units)s. Retirez ce caractère, ou "
                "raccourcissez."
            )
            % {
                "characters": " ".join(non_gsm7_characters(staff_sms_body(text))),
                "limit": SINGLE_PART["UCS-2"],
                "units": length.units,
            }
        )
