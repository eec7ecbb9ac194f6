"""allauth's forms where a person types an address, in the portal's words: an address that is not one is refused as
"adresse électronique" (Django's French says "adresse de courriel"). Named in ACCOUNT_FORMS (settings)."""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

INVALID_ADDRESS = _("Saisissez une adresse électronique valide.")


class AddressWording:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.EmailField):
                field.error_messages["invalid"] = INVALID_ADDRESS


class LoginForm(AddressWording, allauth_forms.LoginForm):
    pass


class SignupForm(AddressWording, allauth_forms.SignupForm):
    pass


class AddEmailForm(AddressWording, allauth_forms.AddEmailForm):
    pass


class ResetPasswordForm(AddressWording, allauth_forms.ResetPasswordForm):
    pass
