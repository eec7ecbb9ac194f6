"""The volunteer journey of the issue, as a new user lives it: sign up, verify, profile, proposal, help, pause."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crisis.models import HealthRules
from matching.models import Proposal
from requests_app.enums import Status
from requests_app.models import HelpRequest
from tests.accounts.factories import PASSWORD, AgentFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.test_profile import profile_data
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


def test_sign_up_verify_fill_profile_receive_accept_complete_then_pause(client, mailoutbox):
    client.post(
        reverse("account_signup") + "?next=/benevoles/profil/",
        {"email": "lucie@exemple.fr", "password1": PASSWORD, "password2": PASSWORD},
    )
    link = re.search(r"https?://testserver(/comptes/confirm-email/\S+/)", mailoutbox[0].body).group(1)
    client.post(link)
    client.post(reverse("account_login"), {"login": "lucie@exemple.fr", "password": PASSWORD})
    assert client.get("/mon-espace/").status_code == 200

    client.post("/benevoles/profil/", profile_data(home_commune="Nancy", reach="departement"))
    dashboard = client.get("/benevoles/").content.decode()
    assert "Mon espace bénévole" in dashboard and "Aucune proposition en attente" in dashboard

    help_request = HelpRequestFactory(triaged=True, beneficiary_name="Paulette Petit", address="12 rue des Lilas")
    staff = AgentFactory()
    staff_client = client.__class__()
    staff_client.force_login(staff)
    staff_client.post(
        reverse("admin:requests_app_helprequest_changelist"),
        {
            "action": "propose",
            "_selected_action": [help_request.pk],
            "index": 0,
            "volunteer_email": "lucie@exemple.fr",
        },
    )

    proposal = Proposal.objects.get()
    assert "Courses" in client.get("/benevoles/").content.decode()
    client.post(
        reverse("volunteers:accept", args=[proposal.pk]),
        {"health_rules_version": HealthRules.objects.current_version()},
    )
    page = html.unescape(client.get(reverse("volunteers:proposal", args=[proposal.pk])).content.decode())
    assert "Paulette Petit" in page and "12 rue des Lilas" in page

    client.post(reverse("volunteers:complete", args=[proposal.pk]), {"report": "Courses livrées, tout va bien."})
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.DONE

    client.post(reverse("volunteers:pause"), {"paused_until": "2099-01-01"})
    assert VolunteerProfile.objects.get().paused_until is None  # more than a year: refused
    client.post(reverse("volunteers:pause"), {"paused_until": (timezone.localdate() + timedelta(days=7)).isoformat()})
    other_request = HelpRequestFactory(triaged=True)
    response = staff_client.post(
        reverse("admin:requests_app_helprequest_changelist"),
        {
            "action": "propose",
            "_selected_action": [other_request.pk],
            "index": 0,
            "volunteer_email": "lucie@exemple.fr",
        },
        follow=True,
    )
    assert "pas disponible" in html.unescape(response.content.decode())
    assert Proposal.objects.count() == 1
