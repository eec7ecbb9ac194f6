"""Cached template fragments and what makes them stale."""

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key

PUBLIC_FORM = "public_request_form"


def public_form_forget(**kwargs) -> None:
    """The empty public form lists the active help types: a change of one renders it again, in every language."""
    codes = {settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)}
    cache.delete_many([make_template_fragment_key(PUBLIC_FORM, [code]) for code in codes])
