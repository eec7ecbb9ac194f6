"""A citizen asks for help from a phone, follows the request from the link in the email, and the public
form still works with the page zoomed to 200 %."""

import re

from django.core import mail

from requests_app.enums import Status
from requests_app.models import HelpRequest
from tests.e2e.browser import at, check_accessibility, finish
from tests.e2e.conftest import PHONE

# A 1280-pixel-wide screen at 200 % zoom lays the page out in 640 CSS pixels with text twice as large on
# screen: the same layout as a 640-pixel viewport drawn at a device scale factor of 2, which is what the
# browser does when a person zooms (WCAG 1.4.4 "Resize text").
ZOOMED = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}


def fill_request(page, *, name: str, email: str) -> None:
    page.get_by_label("Votre nom et prénom").fill(name)
    page.get_by_label("Votre adresse électronique").fill(email)
    page.get_by_label("Commune").fill("Nancy")
    # People tap a choice's label, a larger target than its box.
    page.locator("label", has_text="Courses").first.click()
    page.get_by_label("Décrivez le besoin").fill("Des courses pour la semaine : pain, lait, légumes.")
    page.locator("label", has_text="La personne vit seule").click()
    page.locator("label", has_text="Par message électronique").click()
    # The label's first words: its middle may fall on its link to the privacy notice.
    page.locator("label[for='id_consent']").click(position={"x": 8, "y": 12})


def test_a_citizen_files_a_request_on_a_phone_and_follows_it_by_its_link(pages):
    page = pages.open("/", **PHONE)
    check_accessibility(page, "a-1-home-phone")
    page.get_by_role("link", name=re.compile("Demander de l.aide")).first.click()
    page.wait_for_url(at("/demandes/nouvelle/"))
    check_accessibility(page, "a-2-form-phone")

    page.get_by_role("button", name="Envoyer ma demande").click()  # empty: the errors come back, focused
    assert page.title().startswith("Erreur")
    check_accessibility(page, "a-3-form-errors-phone")

    fill_request(page, name="Jeanne Durand", email="jeanne.durand@exemple.fr")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(at("/demandes/suivi/[^/]+/"))
    reference = page.locator(".entraide-reference").inner_text()
    assert re.fullmatch(r"E54-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert HelpRequest.objects.get(reference=reference).status == Status.NEW

    (email,) = mail.outbox
    link = re.search(r"https?://\S+/demandes/suivi/\S+/", email.body).group(0)
    later = pages.open(link, **PHONE)  # another day, from the email: no cookie, the link is the key
    assert later.locator(".entraide-reference").inner_text() == reference
    assert later.locator(".entraide-callout__title").inner_text() == "Reçue"
    finish(later, "a-4-tracking-phone")


def test_the_public_form_works_at_200_percent_zoom(pages):
    page = pages.open("/demandes/nouvelle/", **ZOOMED)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scrolling"
    check_accessibility(page, "a-5-form-zoom-200")
    fill_request(page, name="Marc Petit", email="marc.petit@exemple.fr")
    submit = page.get_by_role("button", name="Envoyer ma demande")
    submit.scroll_into_view_if_needed()
    assert submit.is_visible()
    submit.click()
    page.wait_for_url(at("/demandes/suivi/[^/]+/"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scrolling"
    finish(page, "a-6-tracking-zoom-200")
