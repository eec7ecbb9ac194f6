"""Two members accepting at the same moment must not go past "volunteers needed": the mission row is locked."""

import pytest

from associations.enums import ApplicationStatus
from associations.models import Application
from associations.services import AssociationError, application_decide
from tests.associations.factories import ApplicationFactory, MissionFactory
from tests.concurrency import run_at_once


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_concurrent_acceptances_never_exceed_the_places():
    mission = MissionFactory(volunteers_needed=1)
    applications = ApplicationFactory.create_batch(4, mission=mission)
    outcomes = run_at_once(
        *[
            lambda a=application: application_decide(application=a, accept=True, by=None)
            for application in applications
        ]
    )
    refusals = [outcome for outcome in outcomes if isinstance(outcome, AssociationError)]

    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 1
    assert len(refusals) == 3
