"""A citizen asks online to be called back in the evening; at the hotline, an agent finds the call in the "Rappels"
list (whole at 1280 and 1024 px), records a try from the keyboard, then reaches the person from the request's page."""

import re

import pytest

from requests_app.enums import CallbackOutcome, CallbackState
from requests_app.models import Callback
from tests.accounts.factories import AgentFactory
from tests.e2e.browser import at, check_accessibility, finish
from tests.e2e.conftest import PHONE
from tests.e2e.test_volunteer import sign_in
from tests.requests_app.factories import CallbackFactory

SMALL_DESKTOP = {"viewport": {"width": 1024, "height": 768}}


def test_a_citizen_asks_to_be_called_back_in_the_evening(pages):
    page = pages.open("/demandes/nouvelle/", **PHONE)
    page.get_by_label("Votre nom et prénom").fill("Jeanne Durand")
    page.get_by_label("Votre téléphone").fill("06 12 34 56 78")
    page.get_by_label("Commune").fill("Nancy")
    page.locator("label", has_text="Courses").first.click()
    page.get_by_label("Décrivez le besoin").fill("Des courses pour la semaine.")
    page.locator("label", has_text="je préfère être rappelé·e").click()
    page.locator("label[for='id_callback_periods_2']").click()  # soir
    page.locator("label[for='id_consent']").click(position={"x": 8, "y": 12})
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(at("/demandes/suivi/[^/]+/"))

    assert "un agent vous rappellera le soir" in page.locator(".alert-success").inner_text()
    callback = Callback.objects.get()
    assert callback.slots_display == "tous les jours — soir"
    finish(page, "f-1-filed-call-me-phone")


@pytest.mark.parametrize("device", [{}, SMALL_DESKTOP], ids=["1280px", "1024px"])
def test_an_agent_works_the_callbacks_from_the_list_and_the_request_s_page(pages, device):
    late = CallbackFactory(help_request__requester_name="Josiane Colin")
    CallbackFactory.create_batch(4)
    page = pages.open("/admin/requests_app/callback/", **device)
    sign_in(page, AgentFactory().email)
    page.wait_for_url(at("/admin/requests_app/callback/"))

    # Every column is on the screen: nothing hides to the right of the table.
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("(() => { const r = document.querySelector('.results'); "
                         "return r.scrollWidth <= r.clientWidth; })()"), "the list scrolls sideways"  # fmt: skip
    right_edges = page.evaluate(
        "[...document.querySelectorAll('#result_list th')].map((th) => th.getBoundingClientRect().right)"
    )
    assert len(right_edges) == 6 and max(right_edges) <= width
    check_accessibility(page, f"f-2-callbacks-{width}")

    # From the keyboard: the outcome, a note, Enter.
    page.locator(f"select[form=tentative-{late.pk}]").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "Pas de réponse"
    page.keyboard.press("Tab")
    page.keyboard.type("Sonnerie dans le vide")
    with page.expect_navigation():  # back to the list, with the message
        page.keyboard.press("Enter")
    assert re.search(r"tentative notée ; prochain essai le", page.locator(".messagelist").inner_text())
    attempt = late.attempts.get()
    assert (attempt.outcome, attempt.note) == (CallbackOutcome.NO_ANSWER, "Sonnerie dans le vide")
    finish(page, f"f-3-callbacks-after-try-{width}")

    page.get_by_role("link", name=late.help_request.reference).click()
    page.wait_for_url(at(f"/admin/requests_app/helprequest/{late.help_request_id}/change/"))
    assert "Pas de réponse" in page.locator("#callbacks-group").inner_text()
    page.locator(f"select[form=tentative-{late.pk}]").select_option(CallbackOutcome.REACHED)
    with page.expect_navigation():  # back to the same page, with the message
        page.locator(f"button[form=tentative-{late.pk}]").click()
    assert "personne jointe, rappel terminé" in page.locator(".messagelist").inner_text()
    late.refresh_from_db()
    assert late.state == CallbackState.REACHED
    finish(page, f"f-4-request-callbacks-{width}")
