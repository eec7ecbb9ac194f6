"""Two members accepting at the same moment must not go past "volunteers needed": the mission row is locked."""

import threading

import pytest
from django.db import connection

from associations.enums import ApplicationStatus
from associations.models import Application
from associations.services import AssociationError, application_decide
from tests.associations.factories import ApplicationFactory, MissionFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_concurrent_acceptances_never_exceed_the_places():
    mission = MissionFactory(volunteers_needed=1)
    applications = ApplicationFactory.create_batch(4, mission=mission)
    start = threading.Barrier(len(applications))
    refusals = []

    def accept(application):
        try:
            start.wait()
            application_decide(application=application, accept=True, by=None)
        except AssociationError as refusal:
            refusals.append(refusal)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(application,)) for application in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Application.objects.filter(status=ApplicationStatus.ACCEPTED).count() == 1
    assert len(refusals) == 3
