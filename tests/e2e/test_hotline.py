"""A hotline operator takes a call and enters the request with the keyboard alone, the focus visible at
every step; the console beside the caller's history and the notice to read them, at 1280, 1024 and 390 px. The time
the journey takes is a benchmark, not a test: bench/hotline_typing.py (`make bench-hotline`)."""

import json
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from requests_app.enums import ContactChannel, RequesterRelation, Source, Status, Urgency
from requests_app.models import HelpRequest
from tests.accounts.factories import PASSWORD, AgentFactory
from tests.e2e.browser import (
    ARTEFACTS,
    at,
    check_accessibility,
    choose_radio,
    finish,
    focus_on,
    focused,
    labelled,
    named,
    sign_in_by_keyboard,
    tab_to,
)
from tests.e2e.conftest import PHONE
from tests.e2e.test_volunteer import sign_in
from tests.requests_app.factories import HelpRequestFactory

CALLER = "+33612345678"


def open_console(pages, path: str = "/accueil-telephonique/", **device):
    page = pages.open(path, **device)
    sign_in(page, AgentFactory().email)
    page.wait_for_url(at("/accueil-telephonique/"))
    return page


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


IN_VIEW = """(selector) => {
    const rect = document.querySelector(selector).getBoundingClientRect();
    return rect.top >= 0 && rect.bottom <= window.innerHeight;
}"""


def in_view(page, selector: str) -> bool:
    """Whether the element is wholly on the screen, once the page's smooth scrolling (Bootstrap's) has settled."""
    try:
        page.wait_for_function(IN_VIEW, arg=selector, timeout=2000)
    except PlaywrightTimeoutError:
        return False
    return True


def enter_callback(page, when: datetime) -> None:
    """The callback, typed in the console's one field for it today (callback_at, a datetime-local input): the step
    to change when callbacks get their own fields. Chromium lays the input's parts out in its own language; Debian's
    build without chromium-l10n is American: month, day, year, then Tab, hour, minute, AM or PM."""
    tab_to(page, named("callback_at"))
    page.keyboard.type(when.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type(when.strftime("%I%M") + ("A" if when.hour < 12 else "P"))
    typed = page.evaluate("document.activeElement.value")
    assert typed == when.strftime("%Y-%m-%dT%H:%M"), f"{typed!r}: a Chromium in another language orders the parts"


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
    tab_to(page, named("lives_alone"))
    page.keyboard.press("Space")
    choose_radio(page, "help_type", "Courses")
    tab_to(page, named("description"))
    page.keyboard.type("Courses de la semaine, il ne peut plus marcher jusqu'au magasin.")
    choose_radio(page, "urgency", "^Urgent")
    tab_to(page, named("consent"))
    # The notice to read to the caller is on the screen beside the consent box, not somewhere up the page.
    assert in_view(page, "#notice-appelant") and in_view(page, "#id_consent")
    page.keyboard.press("Space")
    choose_radio(page, "preferred_channel", "appel")
    tab_to(page, named("note"))
    page.keyboard.type("Appelle de la part de son fils.")
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


def test_a_known_caller_s_history_appears_as_the_number_is_typed_and_is_worked_by_keyboard(pages):
    now = timezone.now()
    for age in range(5):
        earlier = HelpRequestFactory(
            requester_phone=CALLER,
            requester_name="Josiane Colin",
            requester_relation=RequesterRelation.RELATIVE,
            beneficiary_name="Marcel Colin",
            address="3 rue Neuve",
        )
        HelpRequest.objects.filter(pk=earlier.pk).update(created_at=now - timedelta(days=age))
    oldest = earlier
    page = open_console(pages)

    # The operator starts in the form itself: the history comes beside it as the number is typed.
    focus_on(page, named("telephone"))
    tab_to(page, named("requester_phone"))
    page.keyboard.type("06 12 34 56 78")
    page.locator("#historique-appelant [data-caller-details]").wait_for()
    assert "5 demandes déjà reçues de ce numéro" in page.locator("#historique-appelant").inner_text()
    assert page.locator("form[role=search] input[name=telephone]").input_value() == "06 12 34 56 78"
    check_accessibility(page, "b-4-console-history-typed")

    # Back up the page by keyboard, past the notice's phone link, to the caller's details: taken into the form.
    tab_to(page, labelled("^Reprendre ses coordonnées"), backwards=True)
    page.keyboard.press("Enter")
    assert focused(page)["name"] == "requester_name"
    assert page.locator("#id_requester_name").input_value() == "Josiane Colin"
    assert page.locator("#id_beneficiary_name").input_value() == "Marcel Colin"
    assert page.locator("#id_requester_relation_1").is_checked()  # "Pour un proche"

    # The older requests, folded under the three latest, open with the keyboard; each reference is a link.
    tab_to(page, labelled("2 demandes plus anciennes"), backwards=True)
    page.keyboard.press("Enter")
    assert page.locator("#historique-appelant details").get_attribute("open") is not None
    tab_to(page, labelled(oldest.reference))
    # The notice's section is a target of its own: its link to the hotline and its heading.
    tab_to(page, lambda state: state["tag"] == "a" and "tel:" in page.evaluate("document.activeElement.href"))
    assert page.evaluate("document.activeElement.closest('#notice-appelant') !== null")
    finish(page, "b-5-console-known-caller")


@pytest.mark.parametrize(
    "device",
    [
        {"viewport": {"width": 1280, "height": 800}},
        {"viewport": {"width": 1024, "height": 768}},
        PHONE,
    ],
    ids=["1280px", "1024px", "390px"],
)
def test_the_console_beside_the_caller_s_history_on_a_computer_and_in_one_column_on_a_phone(pages, device):
    now = timezone.now()
    for age in range(5):
        earlier = HelpRequestFactory(requester_phone=CALLER, requester_name="Josiane Colin")
        HelpRequest.objects.filter(pk=earlier.pk).update(created_at=now - timedelta(days=age))
    page = open_console(pages, "/accueil-telephonique/?telephone=0612345678", **device)
    page.wait_for_url(at("/accueil-telephonique/", "telephone="))
    page.evaluate("window.scrollTo(0, 0)")
    width, height = device["viewport"]["width"], device["viewport"]["height"]
    name = f"b-6-console-{width}"
    check_accessibility(page, name)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"))
    page.screenshot(path=str(ARTEFACTS / f"{name}-full.png"), full_page=True)

    history, form = box(page, "#historique-appelant"), box(page, "main form[method=post]")
    notice = box(page, "#notice-appelant")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if width >= 1024:
        # Side by side, and the caller's history and the form's first fields on the first screen.
        assert history["x"] + history["width"] <= form["x"]
        assert in_view(page, ".entraide-earlier__item") and in_view(page, "#id_requester_name")
        page.locator("#id_consent").scroll_into_view_if_needed()
        assert in_view(page, "#notice-appelant"), "the notice to read is not beside the consent box"
    else:
        assert history["y"] + history["height"] <= notice["y"] < form["y"]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"{name}-heights.json").write_text(
        json.dumps({"viewport": [width, height], "form": round(form["height"]), "page": page_height(page)})
    )


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")
