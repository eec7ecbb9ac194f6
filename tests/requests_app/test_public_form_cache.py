"""The empty public form is rendered once per language and kept in the cache; a help type's change shows at once."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import HelpType
from tests.requests_app.factories import valid_form_data

pytestmark = pytest.mark.django_db
URL = "/demandes/nouvelle/"


def without_tokens(page: str) -> str:
    """The page less what differs per response: the CSRF token and the CSP nonce."""
    return re.sub(r'(value|nonce)="[A-Za-z0-9+/=_-]{20,}"', "", page)


def test_the_empty_form_comes_from_the_cache_after_the_first_visit(client):
    first = client.get(URL).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL).content.decode()
    assert len(queries) == 0  # the help types are not even read
    assert 'name="help_type"' in second
    assert without_tokens(first) == without_tokens(second)


def test_a_help_type_switched_off_by_staff_leaves_the_form_at_once(client):
    shopping = HelpType.objects.get(code="shopping")
    assert f'name="help_type" value="{shopping.pk}"' in client.get(URL).content.decode()
    shopping.is_active = False
    shopping.save()
    assert f'name="help_type" value="{shopping.pk}"' not in client.get(URL).content.decode()


def test_a_form_sent_back_with_errors_is_never_the_cached_one(client):
    client.get(URL)
    page = client.post(URL, valid_form_data(requester_name="", description="Mon texte à garder")).content.decode()
    assert "Mon texte à garder" in page


def test_english_visitors_get_the_english_form(client):
    assert "De quelle aide avez-vous besoin ?" in client.get(URL).content.decode()  # French, now in the cache
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # as the language selector sets it
    page = client.get(URL).content.decode()
    assert '<html lang="en"' in page
    assert "What kind of help do you need?" in page
