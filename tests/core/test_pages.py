import pytest
from django.urls import reverse

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def test_the_home_page_explains_the_three_ways_in_in_french(client):
    response = client.get(reverse("core:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr"' in content
    for way in ["Demander de l'aide", "Devenir bénévole", "Inscrire une association"]:
        assert way in content
    assert "03 83 94 54 54" in content
    assert "Lien avec les personnes fragiles isolées" in content


def test_the_home_page_has_skip_links_and_links_to_the_legal_pages(client):
    content = client.get(reverse("core:home")).content.decode()
    assert 'href="#contenu"' in content and 'id="contenu"' in content
    for name in ["core:legal_notice", "core:accessibility", "core:privacy"]:
        assert f'href="{reverse(name)}"' in content


def test_the_home_page_makes_no_query_for_a_visitor(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(reverse("core:home"))


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("core:legal_notice", "Mentions légales"),
        ("core:accessibility", "Déclaration d'accessibilité"),
        ("core:privacy", "Vos données personnelles"),
    ],
)
def test_legal_pages_are_served(client, name, title):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert title in response.content.decode()


def test_the_language_switch_serves_the_portal_in_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    content = response.content.decode()
    assert '<html lang="en"' in content
    assert "Ask for help" in content
    assert "Become a volunteer" in content


def test_an_english_speaking_browser_still_gets_french_until_the_switch_is_used(client):
    response = client.get(reverse("core:home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="fr"' in response.content.decode()
    assert response["Content-Language"] == "fr"


def test_the_health_endpoint_answers_when_the_database_does(client):
    response = client.get(reverse("core:health"))
    assert response.json()["status"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_an_unknown_page_is_a_plain_404_in_french_with_a_way_back(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert 'href="/demandes/nouvelle/"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["/demandes/suivi/abc%00def/", "/missions/?q=a%00b", "/associations/invitation/%00/", "/admin/?q=%00"],
)
def test_a_nul_byte_anywhere_in_the_url_is_a_bad_request_not_a_server_error(client, url):
    assert client.get(url).status_code == 400


def test_french_plurals_follow_the_french_rule(client):
    # "0 mission", as French says, not "0 missions": the French catalogue carries the plural rule.
    content = client.get("/missions/").content.decode()
    assert "0 mission<" in content or "0 mission\n" in content


def test_every_page_and_the_admin_name_the_portal_s_own_icon_so_browsers_never_ask_for_a_missing_favicon(
    client, staff
):
    for url in (reverse("core:home"), reverse("admin:index")):
        content = client.get(url).content.decode()
        assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in content, url
    assert (ROOT / "static" / "img" / "favicon.svg").read_text().startswith("<svg")


def operator_settings(settings, address: str = "1 rue de la Préfecture, 88000 Épinal") -> None:
    settings.OPERATOR_NAME = "Département des Vosges"
    settings.OPERATOR_ADDRESS = address
    settings.LEGAL_PUBLISHER = "Département des Vosges, directeur de la publication : le président"
    settings.PRIVACY_CONTACT = "dpo@vosges.example"


def test_the_legal_notice_names_the_operator_s_publisher_address_and_contact_from_the_settings(client, settings):
    operator_settings(settings)
    page = client.get(reverse("core:legal_notice")).content.decode()
    publisher = page[page.index('id="editeur"') :]
    publisher = publisher[: publisher.index("</address>")]
    assert "Département des Vosges, directeur de la publication : le président" in publisher
    assert "1 rue de la Préfecture, 88000 Épinal" in publisher
    assert "serveurs de l'opérateur du portail (Département des Vosges)" in page
    assert '<a href="mailto:dpo@vosges.example">dpo@vosges.example</a>' in page
    assert "Meurthe-et-Moselle" not in page[page.index("<h1>") : page.index("</main>")]


def test_the_legal_notice_shows_no_address_line_when_none_is_set(client, settings):
    operator_settings(settings, address="")
    page = client.get(reverse("core:legal_notice")).content.decode()
    publisher = page[page.index('id="editeur"') :]
    publisher = publisher[: publisher.index("</address>")]
    assert "<br>" not in publisher and "Épinal" not in page


def test_the_privacy_notice_names_the_operator_as_controller_and_its_contact(client, settings):
    operator_settings(settings)
    page = client.get(reverse("core:privacy")).content.decode()
    assert "Département des Vosges est responsable du traitement des données" in page
    contact = page[page.index('id="contact-donnees"') :]
    contact = contact[: contact.index("</address>")]
    assert '<a href="mailto:dpo@vosges.example">dpo@vosges.example</a>' in contact
    assert "1 rue de la Préfecture, 88000 Épinal" in contact
    assert "Meurthe-et-Moselle" not in page[page.index("<h1>") : page.index("</main>")]

    settings.OPERATOR_ADDRESS = ""
    page = client.get(reverse("core:privacy")).content.decode()
    assert "Épinal" not in page


def test_the_accessibility_statement_names_the_operator_and_not_the_state_s_design_system(client, settings):
    operator_settings(settings)
    page = client.get(reverse("core:accessibility")).content.decode()
    assert "Département des Vosges s'engage à rendre ce portail accessible" in page
    assert "système de design de l'État" not in page


def test_the_admin_header_shows_the_portal_s_name_in_the_operator_s_colours(client, staff, settings):
    settings.PORTAL_NAME = "Entraide 88"
    page = client.get(reverse("admin:index")).content.decode()
    assert '<div id="site-name"><a href="/admin/">Entraide 88 — administration</a></div>' in page
    assert "| Entraide 88 — administration</title>" in page
    assert 'href="/static/css/admin.css"' in page and f'href="{reverse("core:brand_css")}?v=' in page
    assert "#000091" not in (ROOT / "static" / "css" / "admin.css").read_text().lower()
