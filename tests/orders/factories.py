"""Live assignments, made through the services as in life, and their orders."""

from associations.enums import ApplicationStatus
from matching.services import proposal_accept, proposal_create
from orders.services import mission_order_for_application, mission_order_for_proposal
from requests_app.enums import Status
from tests.accounts.factories import UserFactory
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory


def accepted_proposal(volunteer=None, **request_fields):
    volunteer = volunteer or VolunteerProfileFactory(user=UserFactory(first_name="Camille", last_name="Martin"))
    help_request = HelpRequestFactory(status=Status.TRIAGED, **request_fields)
    return proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=volunteer))


def accepted_application(user=None, **mission_fields):
    mission = MissionFactory(association=AssociationFactory(name="Restos du cœur de Toul"), **mission_fields)
    user = user or UserFactory(first_name="Camille", last_name="Martin")
    return ApplicationFactory(mission=mission, volunteer=user, status=ApplicationStatus.ACCEPTED)


def proposal_order(**request_fields):
    return mission_order_for_proposal(proposal=accepted_proposal(**request_fields))


def application_order(**mission_fields):
    return mission_order_for_application(application=accepted_application(**mission_fields))
