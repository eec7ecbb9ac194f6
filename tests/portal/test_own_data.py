import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from associations.enums import ApplicationStatus
from associations.models import Application
from matching.enums import ProposalStatus
from matching.models import Proposal
from requests_app.enums import Status
from requests_app.models import HelpRequest, StatusChange
from tests.associations.factories import ApplicationFactory
from tests.matching.factories import ProposalFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_volunteer_s_own_data_and_no_one_else_s(client):
    profile = VolunteerProfileFactory(other_skills="Tricot")
    mine = ProposalFactory(volunteer=profile, status=ProposalStatus.DONE, report="Courses livrées")
    ApplicationFactory(volunteer=profile.user, message="Dispo samedi")
    someone_else = VolunteerProfileFactory(other_skills="Secret d'autrui")
    ProposalFactory(volunteer=someone_else)
    ApplicationFactory(volunteer=someone_else.user, message="Message d'autrui")
    client.force_login(profile.user)

    response = client.get(reverse("volunteers:export"))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["compte"]["email"] == profile.user.email
    assert data["profil"]["autres_competences"] == "Tricot"
    assert "lundi matin" in data["profil"]["disponibilites"] and len(data["profil"]["disponibilites"]) == 21
    assert data["profil"]["rayon"] == "Dans tout le département"
    assert [p["reference"] for p in data["propositions"]] == [mine.help_request.reference]
    assert data["propositions"][0]["compte_rendu"] == "Courses livrées"
    assert [a["message"] for a in data["candidatures"]] == ["Dispo samedi"]
    text = response.content.decode()
    assert someone_else.user.email not in text and "autrui" not in text
    assert mine.help_request.requester_name not in text  # the beneficiary's data is not the volunteer's


def test_deleting_the_account_hands_back_assignments_and_leaves_nothing_dangling(client):
    profile = VolunteerProfileFactory()
    user = profile.user
    live = ProposalFactory(volunteer=profile, status=ProposalStatus.ACCEPTED, help_request__status=Status.ASSIGNED)
    done = ProposalFactory(volunteer=profile, status=ProposalStatus.DONE, help_request__status=Status.DONE)
    pending_application = ApplicationFactory(volunteer=user)
    accepted_application = ApplicationFactory(volunteer=user, status=ApplicationStatus.ACCEPTED)
    client.force_login(user)

    refused = client.post(reverse("volunteers:delete"), {})
    assert refused.status_code == 400 and User.objects.filter(pk=user.pk).exists()
    response = client.post(reverse("volunteers:delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not VolunteerProfile.objects.filter(pk=profile.pk).exists()
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()
    assert HelpRequest.objects.get(pk=live.help_request_id).status == Status.TRIAGED
    assert Proposal.objects.get(pk=live.pk).status == ProposalStatus.CANCELLED
    # History is kept, without the person.
    assert Proposal.objects.get(pk=done.pk).volunteer is None
    assert Application.objects.get(pk=pending_application.pk).status == ApplicationStatus.WITHDRAWN
    assert Application.objects.filter(volunteer__isnull=True).count() == 2
    assert Application.objects.get(pk=accepted_application.pk).message == ""
    assert StatusChange.objects.filter(help_request=live.help_request_id, to_status=Status.TRIAGED).exists()
    assert "_auth_user_id" not in client.session
