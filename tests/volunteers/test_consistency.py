"""What a second reader found: a proposal must end whenever its request leaves the volunteer's hands."""

import html

import pytest
from django.urls import reverse

from associations.services import association_suspend
from matching.enums import ProposalStatus
from matching.models import Proposal
from matching.services import proposal_accept, proposal_create
from requests_app.enums import Status
from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory
from tests.associations.factories import AssociationFactory, member_of
from tests.requests_app.factories import HelpRequestFactory, valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment():
    volunteer = VolunteerProfileFactory()
    help_request = HelpRequestFactory(triaged=True, beneficiary_name="Paulette Petit")
    proposal = proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=volunteer))
    return proposal


@pytest.mark.parametrize("move", ["cancel", "route", "triage_again"])
def test_when_staff_or_the_requester_move_the_request_the_volunteer_loses_access_and_the_place(
    client, assignment, move
):
    help_request = assignment.help_request
    if move == "cancel":
        help_request.cancel(note="Le demandeur a annulé")
    elif move == "route":
        help_request.transition(Status.TRIAGED)
        help_request.route_to(AssociationFactory())
    else:
        help_request.transition(Status.TRIAGED)

    assert Proposal.objects.get(pk=assignment.pk).status == ProposalStatus.CANCELLED
    assert VolunteerProfile.objects.get(pk=assignment.volunteer_id).live_count == 0
    client.force_login(assignment.volunteer.user)
    assert client.get(reverse("volunteers:proposal", args=[assignment.pk])).status_code == 404
    assert client.post(reverse("volunteers:complete", args=[assignment.pk]), {"report": "x"}).status_code == 404


def test_a_suspended_organisation_hands_back_the_requests_it_held(client):
    association = AssociationFactory()
    help_request = HelpRequestFactory(triaged=True)
    help_request.route_to(association)
    member_of(association, client)
    association_suspend(association=association, reason="Contrôle")
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.TRIAGED
    url = reverse("associations:routed", args=[association.pk, help_request.reference])
    assert client.get(url).status_code == 404


def test_saving_a_profile_never_writes_back_stale_counters():
    profile = VolunteerProfileFactory()
    stale = VolunteerProfile.objects.get(pk=profile.pk)
    proposal_create(help_request=HelpRequestFactory(triaged=True), volunteer=profile)
    stale.other_skills = "Tricot"
    stale.save()
    fresh = VolunteerProfile.objects.get(pk=profile.pk)
    assert (fresh.live_count, fresh.other_skills) == (1, "Tricot")


def test_proposals_are_read_only_in_the_admin(client, assignment):
    client.force_login(AgentFactory())
    url = reverse("admin:matching_proposal_change", args=[assignment.pk])
    assert client.post(url, {"status": "done"}).status_code == 403
    assert (
        client.get(reverse("admin:volunteers_volunteerprofile_delete", args=[assignment.volunteer_id])).status_code
        == 403
    )


def test_a_beneficiary_calling_does_not_get_the_requester_s_details_prefilled(client):
    HelpRequestFactory(requester_name="Fille Martin", requester_phone="+33699999999", beneficiary_phone="+33612345678")
    client.force_login(AgentFactory())
    content = client.get("/accueil-telephonique/", {"telephone": "06 12 34 56 78"}).content.decode()
    assert 'value="Fille Martin"' not in content


def test_contact_fields_made_of_spaces_get_the_french_message(client):
    response = client.post("/demandes/nouvelle/", valid_form_data(requester_phone="   ", requester_email="   "))
    content = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Indiquez un téléphone ou une adresse électronique" in content
    assert "help_request_has_contact" not in content
