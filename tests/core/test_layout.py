"""The layout's fixed parts (header, menu, footer) are drawn once per process and kept in memory
(templates/includes/header.html): whatever was drawn for one visitor, the next one sees her own menu, her own account
links and the current settings."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import AgentFactory, UserFactory

pytestmark = pytest.mark.django_db


def current_entries(content: str) -> list[str]:
    return re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page"', content)


def test_the_menu_marks_the_page_shown_whatever_page_was_drawn_before(client):
    home, missions = reverse("core:home"), reverse("missions:list")
    assert current_entries(client.get(home).content.decode()) == [home]
    assert current_entries(client.get(missions).content.decode()) == [missions]
    assert current_entries(client.get(reverse("requests:new")).content.decode()) == [reverse("requests:new")]
    assert current_entries(client.get(home).content.decode()) == [home]


def test_each_kind_of_visitor_gets_her_own_menu_and_account_links(client):
    staff_member, volunteer = AgentFactory(), UserFactory()
    pilotage = reverse("pilotage:dashboard")

    client.force_login(staff_member)
    page = client.get(reverse("missions:list")).content.decode()
    assert pilotage in page and staff_member.email in page

    client.force_login(volunteer)
    page = client.get(reverse("missions:list")).content.decode()
    assert pilotage not in page and staff_member.email not in page
    assert volunteer.email in page and "Se déconnecter" in page and reverse("associations:mine") in page

    client.logout()
    page = client.get(reverse("missions:list")).content.decode()
    assert volunteer.email not in page and "Se déconnecter" not in page and reverse("associations:mine") not in page
    assert "Se connecter" in page and reverse("account_signup") in page


def test_a_changed_setting_shows_in_the_header_and_the_footer_at_once(client, settings):
    client.get(reverse("missions:list"))
    settings.PORTAL_NAME = "Solidarité Lorraine"
    settings.HOTLINE_PHONE = "03 83 11 22 33"
    page = client.get(reverse("missions:list")).content.decode()
    header, footer = page.split("</header>")[0], page.split('id="pied-de-page"')[1]
    assert "Solidarité Lorraine" in header
    assert "03 83 11 22 33" in header and "03 83 11 22 33" in footer


def test_the_english_layout_is_kept_apart_from_the_french(client, settings):
    assert "Menu principal" in client.get(reverse("missions:list")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # as the language selector sets it
    english = client.get(reverse("missions:list")).content.decode()
    assert "Main menu" in english and "Menu principal" not in english
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert "Menu principal" in client.get(reverse("missions:list")).content.decode()


def test_a_drawn_page_reads_the_hotline_and_the_banner_in_one_round_trip(client):
    from unittest import mock

    from django.core.cache import cache

    from core import hotline
    from crisis import banner

    layout_keys = {hotline.CACHE_KEY, banner.CACHE_KEY}
    reads = []

    def recorded(method):
        original = getattr(cache, method)

        def read(keys, *args, **kwargs):
            asked = {keys} if isinstance(keys, str) else set(keys)
            if asked & layout_keys:
                reads.append(asked & layout_keys)
            return original(keys, *args, **kwargs)

        return read

    client.force_login(UserFactory())  # a signed-in visitor: the page is drawn, never taken from the page cache
    with mock.patch.object(cache, "get", recorded("get")), mock.patch.object(cache, "get_many", recorded("get_many")):
        page = client.get(reverse("missions:list")).content.decode()
    assert reads == [layout_keys]
    assert "03 83 94 54 54" in page
