"""A regular help's notes go with the request's anonymisation; its weeks and their outcomes stay for statistics."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pairings.enums import Side, VisitOutcome
from pairings.models import PairingChange, Visit
from pairings.services import pairing_end, visit_record
from requests_app.retention import retention_apply
from tests.pairings.factories import pairing_with

pytestmark = pytest.mark.django_db


def test_the_notes_of_an_ended_pairing_are_erased_with_the_request(settings):
    pairing = pairing_with(day=timezone.localdate().weekday())
    visit = pairing.visits.create(date=timezone.localdate(), volunteer=pairing.volunteer)
    visit_record(visit=visit, outcome=VisitOutcome.DONE, note="Lucien va mieux, sa fille passe.")
    pairing_end(pairing=pairing, reason="Lucien part en maison de retraite.", side=Side.BENEFICIARY)

    with time_machine.travel(timezone.now() + timedelta(days=settings.RETENTION_DAYS + 1)):
        retention_apply()

    pairing.refresh_from_db()
    assert pairing.end_reason == "" and pairing.help_request.anonymised_at is not None
    assert list(Visit.objects.filter(pairing=pairing).values_list("outcome", "note")) == [(VisitOutcome.DONE, "")]
    assert not PairingChange.objects.filter(pairing=pairing).exclude(note="").exists()
