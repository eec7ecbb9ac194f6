"""A hotline operator takes a call and enters the request with the keyboard alone, the focus visible at
every step."""

import re

from requests_app.enums import ContactChannel, Source, Status, Urgency
from requests_app.models import HelpRequest
from tests.accounts.factories import PASSWORD, AgentFactory
from tests.e2e.browser import (
    at,
    check_accessibility,
    choose_radio,
    finish,
    focus_on,
    named,
    sign_in_by_keyboard,
    tab_to,
)


def test_a_hotline_operator_enters_a_phone_request_with_the_keyboard_only(pages):
    operator = AgentFactory(email="operateur@departement54.fr")
    page = pages.open("/accueil-telephonique/")
    assert "/comptes/login/" in page.url
    check_accessibility(page, "b-1-login")
    sign_in_by_keyboard(page, operator.email, PASSWORD)
    page.wait_for_url(at("/accueil-telephonique/"))
    check_accessibility(page, "b-2-console")

    focus_on(page, named("telephone"))  # the console opens with the focus on the caller's number
    page.keyboard.type("06 11 22 33 44")
    page.keyboard.press("Enter")
    page.wait_for_url(at("/accueil-telephonique/", "telephone="))
    assert "premier appel" in page.content()

    focus_on(page, named("requester_name"))  # a first call: the focus is on the caller's name
    page.keyboard.type("Robert Lemoine")
    tab_to(page, named("commune"))
    page.keyboard.type("Toul")
    choose_radio(page, "help_type", "Courses")
    tab_to(page, named("description"))
    page.keyboard.type("Courses de la semaine, il ne peut plus marcher jusqu'au magasin.")
    choose_radio(page, "urgency", "^Urgent")
    tab_to(page, named("lives_alone"))
    page.keyboard.press("Space")
    choose_radio(page, "preferred_channel", "appel")
    tab_to(page, named("note"))
    page.keyboard.type("Appelle de la part de son fils.")
    tab_to(page, named("consent"))
    page.keyboard.press("Space")
    tab_to(page, lambda state: state["text"] == "Enregistrer la demande")
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    message = page.locator(".alert-success").inner_text()
    reference = re.search(r"E54-[0-9A-Z]{4}-[0-9A-Z]{4}", message).group(0)
    help_request = HelpRequest.objects.get(reference=reference)
    assert help_request.source == Source.PHONE
    assert help_request.status == Status.NEW
    assert help_request.urgency == Urgency.URGENT
    assert help_request.lives_alone
    assert help_request.preferred_channel == ContactChannel.PHONE
    assert help_request.requester_phone.as_e164 == "+33611223344"
    assert help_request.commune.name == "Toul"
    finish(page, "b-3-console-after-call")
