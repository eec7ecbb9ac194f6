import re

import pytest
from django.shortcuts import render
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from tests.requests_app.factories import HelpRequestFactory, valid_form_data

pytestmark = pytest.mark.django_db

LINK = '<a class="entraide-hotline" href="tel:+33383945454">03 83 94 54 54</a>'
HOURS = "(7 jours sur 7 de 9 h à 18 h)"


def assert_every_number_is_a_link(page: str) -> None:
    """Each time the number is shown, it is the text of a tel: link, not plain text beside one."""
    shown = page.count("03 83 94 54 54")
    links = len(re.findall(r'href="tel:\+33383945454"[^>]*>03 83 94 54 54</a>', page))
    assert shown and shown == links, f"{shown} numbers shown, {links} of them tappable"


def test_the_tag_renders_the_number_as_an_international_tel_link_with_the_hours():
    html = Template("{% load hotline %}{% hotline %}").render(Context())
    assert html == f'{LINK} <span class="entraide-hotline-hours">{HOURS}</span>'


def test_the_hours_follow_the_setting_and_the_link_any_spacing_of_the_number(settings):
    settings.HOTLINE_PHONE = "0383945454"
    settings.HOTLINE_HOURS = "du lundi au vendredi"
    html = Template("{% load hotline %}{% hotline %}").render(Context())
    assert 'href="tel:+33383945454">0383945454</a>' in html
    assert "(du lundi au vendredi)" in html


@pytest.mark.parametrize(
    "path",
    [
        reverse("core:home"),
        reverse("requests:new"),
        "/page-qui-n-existe-pas/",
        reverse("core:accessibility"),
        reverse("core:privacy"),
        reverse("core:legal_notice"),
    ],
)
def test_every_page_showing_the_number_makes_it_tappable(client, path):
    page = client.get(path).content.decode()
    assert_every_number_is_a_link(page)
    assert LINK in page[page.index('<footer class="entraide-footer" id="pied-de-page"') :]  # the footer's number too


def test_the_tracking_page_says_which_number_to_call_with_the_reference(client):
    help_request = HelpRequestFactory()
    page = client.get(reverse("requests:track", args=[help_request.tracking_token])).content.decode()
    assert_every_number_is_a_link(page)
    assert f"parler de votre demande au téléphone, au {LINK}" in page


def test_the_footer_and_the_request_form_show_the_hours(client):
    page = client.get(reverse("requests:new")).content.decode()
    footer = page[page.index('<footer class="entraide-footer" id="pied-de-page"') :]
    assert f"appelez le {LINK} " in footer and HOURS in footer
    assert page.count(HOURS) >= 2  # the form's introduction too


def test_the_refused_request_page_makes_the_number_tappable(client):
    response = client.post(reverse("requests:new"), {**valid_form_data(), "description": "a\x00b"})
    assert response.status_code == 400
    assert_every_number_is_a_link(response.content.decode())


def test_the_too_many_attempts_page_makes_the_number_tappable():
    request = RequestFactory().get("/comptes/connexion/")
    response = render(request, "429.html", status=429)
    assert_every_number_is_a_link(response.content.decode())
