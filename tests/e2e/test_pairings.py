"""A volunteer on her phone notes the week's call of her regular help from her space, then pauses it for her
holidays; the same pages on a desktop screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pairings.enums import PairingStatus, VisitOutcome
from pairings.models import Pairing
from tests.e2e.browser import at, finish
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_volunteer import sign_in
from tests.pairings.factories import pairing_with
from tests.volunteers.factories import VolunteerProfileFactory


@pytest.mark.parametrize("screen, size", [("390", {**PHONE, "device_scale_factor": 1}), ("1280", DESKTOP)])
def test_a_volunteer_notes_her_weekly_call_and_pauses_it(pages, screen, size):
    volunteer = VolunteerProfileFactory()
    today = timezone.localdate()
    pairing = pairing_with(
        volunteer, day=today.weekday(), requester_name="Paulette Petit", description="Un appel chaque semaine."
    )
    visit = pairing.visits.create(date=today, volunteer=volunteer)

    page = pages.open("/benevoles/", **size)
    sign_in(page, volunteer.user.email)
    page.wait_for_url(at("/benevoles/"))
    section = page.get_by_role("region", name="Mes accompagnements réguliers")
    assert section.get_by_text("Visite du").is_visible()
    finish(page, f"p-1-dashboard-{screen}")

    section.get_by_label("Un mot pour le département (facultatif)").fill("Elle va bien, elle a vu sa fille.")
    section.get_by_role("button", name="Appel fait / aide apportée").click()
    page.wait_for_url(at("/benevoles/"))
    assert page.get_by_text("Merci ! La visite est notée.").is_visible()
    visit.refresh_from_db()
    assert (visit.outcome, visit.note) == (VisitOutcome.DONE, "Elle va bien, elle a vu sa fille.")

    page.get_by_role("link", name=f"{pairing.help_request.help_type} — {pairing.help_request.commune.name}").click()
    page.wait_for_url(at(f"/benevoles/accompagnements/{pairing.pk}/"))
    assert page.get_by_text("Paulette Petit").is_visible()  # hers to see while she carries it (and logged)
    finish(page, f"p-2-pairing-{screen}")

    page.get_by_label("En pause jusqu'au (inclus)").fill((today + timedelta(days=15)).isoformat())
    page.get_by_role("button", name="Mettre en pause").click()
    page.wait_for_url(at(f"/benevoles/accompagnements/{pairing.pk}/"))
    assert page.get_by_role("button", name="Reprendre dès maintenant").is_visible()
    finish(page, f"p-3-paused-{screen}")
    assert Pairing.objects.get(pk=pairing.pk).status == PairingStatus.PAUSED
