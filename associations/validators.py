import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RNA_PATTERN = re.compile(r"^W[0-9A-Z]{9}$")


def normalise_identifier(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "").upper()


def validate_rna(value: str) -> None:
    """RNA number of an association: W followed by nine characters (digits, or a letter for some prefectures)."""
    if not RNA_PATTERN.match(normalise_identifier(value)):
        raise ValidationError(_("Numéro RNA invalide : il commence par W suivi de 9 caractères (ex. W543001234)."))


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def validate_siret(value: str) -> None:
    siret = normalise_identifier(value)
    if not siret.isdigit():
        raise ValidationError(_("Numéro SIRET invalide : il ne contient que des chiffres."))
    if len(siret) != 14:
        raise ValidationError(_("Numéro SIRET invalide : il compte 14 chiffres, %(n)s saisis.") % {"n": len(siret)})
    # La Poste's establishments escape the Luhn rule: their SIRET digits sum to a multiple of 5.
    if siret.startswith("356000000"):
        if sum(int(d) for d in siret) % 5:
            raise ValidationError(_("Numéro SIRET invalide : la clé de contrôle ne correspond pas."))
        return
    if not luhn_ok(siret):
        raise ValidationError(
            _("Numéro SIRET invalide : la clé de contrôle ne correspond pas (vérifiez une faute de frappe).")
        )
