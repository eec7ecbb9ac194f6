import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from core.models import Commune, search_key

NAME_WITH_POSTAL_CODE = re.compile(r"^(?P<name>.+?)[\s,]*\(?(?P<postal_code>\d{5})\)?\s*$")


def commune_initial_from_instance(form, field_name: str) -> None:
    """A ModelForm's initial value of a foreign key is the INSEE code; show the commune as people read it."""
    commune = getattr(form.instance, field_name, None) if form.instance.pk else None
    if commune is not None:
        form.initial[field_name] = commune


class CommuneField(forms.Field):
    """A commune of the département, typed as a name, "Name (postal code)" or a postal code.

    Not by INSEE code: in a département both are five digits starting alike (54500 is a postal code and
    another commune's INSEE code), and people know their postal code.

    Works without JavaScript; the autocomplete only fills the text in the "Name (postal code)" form.
    """

    default_error_messages = {
        "unknown": _("Commune inconnue dans le département : choisissez-la dans la liste ou donnez son code postal."),
        "ambiguous": _("Plusieurs communes correspondent : %(choices)s. Précisez le nom complet ou le code postal."),
        "shared_postal_code": _(
            "Plusieurs communes ont le code postal %(postal_code)s, dont %(choices)s. Indiquez le nom de la commune."
        ),
    }

    widget = forms.TextInput
    max_length = 120

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Commune"))
        kwargs.setdefault("help_text", _("Nom ou code postal, par exemple « Lunéville » ou « 54000 »."))
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "list": "communes-suggestions",
                "autocomplete": "off",
                "data-commune-search": "",
                "maxlength": self.max_length,
            }
        )

    def prepare_value(self, value):
        return str(value) if isinstance(value, Commune) else value

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > self.max_length or "\x00" in text:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        communes = Commune.objects.in_departement(settings.TERRITORY)
        if text.isdigit() and len(text) == 5:
            found = list(communes.filter(postal_codes__contains=text).order_by("-population", "name")[:6])
            if len(found) > 1:
                choices = ", ".join(c.name for c in found[:5])
                raise ValidationError(
                    self.error_messages["shared_postal_code"],
                    code="ambiguous",
                    params={"postal_code": text, "choices": choices},
                )
        elif match := NAME_WITH_POSTAL_CODE.match(text):
            found = self.by_name(communes.filter(postal_codes__contains=match["postal_code"]), match["name"])
        else:
            found = self.by_name(communes, text)
        if not found:
            raise ValidationError(self.error_messages["unknown"], code="unknown")
        if len(found) > 1:
            choices = ", ".join(str(c) for c in found[:5])
            raise ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"choices": choices})
        return found[0]

    @staticmethod
    def by_name(communes, typed: str) -> list[Commune]:
        """The commune with exactly this name, else the only one whose name starts with it ("vandoeuvre")."""
        key = search_key(typed)
        if not key:
            return []
        exact = list(communes.filter(search_name=key)[:6])
        return exact or list(communes.filter(search_name__startswith=key).order_by("-population", "name")[:6])


class PhoneField(PhoneNumberField):
    default_error_messages = {
        "invalid": _("Numéro de téléphone invalide : saisissez par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("region", "FR")
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})


def status_for(*forms) -> int:
    """A page whose form comes back with errors answers 400, so that a client, a proxy's log or a test tells it from a
    page served as asked; the person sees the form refilled either way."""
    return 400 if any(form.errors for form in forms) else 200
