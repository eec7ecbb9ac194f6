"""The volunteer's proposal pages (portal.views.volunteer) and dashboard: what they see before and after accepting,
and their answers."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crisis.models import HealthRules
from matching.enums import ProposalStatus
from matching.models import Proposal
from matching.services import proposal_accept, proposal_create
from requests_app.enums import Status
from requests_app.models import AccessLog, HelpRequest
from tests.accounts.factories import AgentFactory
from tests.matching.factories import PERSONAL, ProposalFactory, paulette_s_request
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory
from volunteers.services import volunteer_suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_request():
    return paulette_s_request()


@pytest.fixture
def volunteer(client):
    profile = VolunteerProfileFactory()
    client.force_login(profile.user)
    return profile


def proposal_url(proposal, action=""):
    return reverse(f"volunteers:{action or 'proposal'}", args=[proposal.pk])


def rules_in_force() -> dict:
    """What the proposal page's "j'accepte" posts: the version of the health rules it showed."""
    return {"health_rules_version": HealthRules.objects.current_version()}


def test_before_accepting_a_volunteer_sees_the_kind_of_help_place_and_time_only(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    content = html.unescape(client.get(proposal_url(proposal)).content.decode())
    assert "Courses" in content and "Nancy" in content and "Urgence" in content
    # What the person wrote may say who they are: it comes with the contact details, once accepted.
    for secret in PERSONAL + ("Jean Petit", "Courses pour la semaine"):
        assert secret not in content
    proposal_accept(proposal=proposal)
    assert "Courses pour la semaine" in html.unescape(client.get(proposal_url(proposal)).content.decode())


def test_accepting_reveals_the_contact_while_the_assignment_lives(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)

    client.post(proposal_url(proposal, "accept"), rules_in_force())

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.ASSIGNED
    content = html.unescape(client.get(proposal_url(proposal)).content.decode())
    assert "Paulette Petit" in content and "12 rue des Lilas" in content and "+33699887766" in content


def test_once_the_assignment_ends_the_details_are_out_of_reach(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    client.post(proposal_url(proposal, "accept"), rules_in_force())
    client.post(proposal_url(proposal, "complete"), {"report": "Courses livrées."})
    assert client.get(proposal_url(proposal)).status_code == 404
    dashboard = client.get(reverse("volunteers:dashboard")).content.decode()
    assert "Terminée" in dashboard and "Paulette" not in dashboard


def test_a_volunteer_never_sees_another_volunteer_s_proposals(client, volunteer):
    other = ProposalFactory()
    for action in ("", "accept", "decline", "complete", "hand_back"):
        response = client.post(proposal_url(other, action)) if action else client.get(proposal_url(other))
        assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == ProposalStatus.PROPOSED


def test_declining_asks_an_optional_reason_and_offers_the_request_to_the_next_volunteer(
    client, volunteer, help_request
):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    next_one = VolunteerProfileFactory()
    client.post(proposal_url(proposal, "decline"), {"reason": "Pas de voiture cette semaine"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decline_reason) == (ProposalStatus.DECLINED, "Pas de voiture cette semaine")
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.PROPOSED
    assert help_request.proposals.live().get().volunteer == next_one
    assert client.get(proposal_url(proposal)).status_code == 404


def test_completing_with_a_concern_alerts_staff_at_once(
    client, volunteer, help_request, mailoutbox, django_capture_on_commit_callbacks
):
    AgentFactory(email="agent@cd54.fr")
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    client.post(proposal_url(proposal, "accept"), rules_in_force())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            proposal_url(proposal, "complete"), {"report": "Elle n'avait plus rien à manger.", "concern": "on"}
        )

    proposal.refresh_from_db()
    assert (proposal.status, proposal.concern) == (ProposalStatus.DONE, True)
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEEDS_STAFF
    assert [mail.to for mail in mailoutbox][-1] == ["agent@cd54.fr"]  # after the proposal's own email
    assert help_request.reference in mailoutbox[-1].subject
    assert "plus rien à manger" not in mailoutbox[-1].body  # the report may describe the person: read in the admin
    assert "INQUIÉTUDE" in help_request.notes.get().text


def test_completing_without_concern_alerts_nobody(
    client, volunteer, help_request, mailoutbox, django_capture_on_commit_callbacks
):
    AgentFactory()
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    client.post(proposal_url(proposal, "accept"), rules_in_force())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(proposal_url(proposal, "complete"), {"report": "Tout va bien."})
    assert not [mail for mail in mailoutbox if "Inquiétude" in mail.subject]


def test_a_completion_without_report_comes_back_with_a_message(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    client.post(proposal_url(proposal, "accept"), rules_in_force())
    response = client.post(proposal_url(proposal, "complete"), {"report": "", "concern": "on"})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED


def test_a_late_answer_is_refused(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    Proposal.objects.filter(pk=proposal.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    response = client.post(proposal_url(proposal, "accept"), rules_in_force(), follow=True)
    assert "délai de réponse est passé" in html.unescape(response.content.decode())
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.PROPOSED


def test_handing_back_an_assignment_returns_it_to_staff(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    client.post(proposal_url(proposal, "accept"), rules_in_force())
    client.post(proposal_url(proposal, "hand_back"), {"note": "Je suis malade"})
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.CANCELLED
    # Nobody else fits: staff take over.
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEEDS_STAFF


def test_dashboard_and_proposal_pages_make_the_same_queries_whatever_the_history(client, volunteer):
    counts = []
    for batch in (1, 6):
        for _ in range(batch):
            ProposalFactory(volunteer=volunteer, status=ProposalStatus.DONE)
        live = ProposalFactory(volunteer=volunteer)
        with CaptureQueriesContext(connection) as dashboard:
            client.get(reverse("volunteers:dashboard"))
        with CaptureQueriesContext(connection) as detail:
            client.get(proposal_url(live))
        counts.append((len(dashboard), len(detail)))
        live.status = ProposalStatus.CANCELLED
        live.save()
    assert counts[0] == counts[1]


def test_a_concern_keeps_the_request_open_for_staff(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    client.post(proposal_url(proposal, "accept"), rules_in_force())
    client.post(proposal_url(proposal, "complete"), {"report": "Elle semblait très faible.", "concern": "on"})
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEEDS_STAFF
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.DONE


def test_suspending_a_volunteer_hands_back_what_they_hold(client, volunteer, help_request):
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    client.post(proposal_url(proposal, "accept"), rules_in_force())
    volunteer_suspend(volunteer=volunteer, reason="Signalement")
    assert client.get(proposal_url(proposal)).status_code == 404
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.TRIAGED
    dashboard = client.get(reverse("volunteers:dashboard")).content.decode()
    assert "suspendu par le département" in dashboard and "Signalement" not in dashboard


def test_an_agent_who_also_volunteers_sees_the_contact_only_once_she_accepts(client, help_request):
    agent = AgentFactory()
    profile = VolunteerProfileFactory(user=agent)
    client.force_login(agent)
    proposal = proposal_create(help_request=help_request, volunteer=profile)
    content = html.unescape(client.get(proposal_url(proposal)).content.decode())
    for secret in PERSONAL:
        assert secret not in content
    assert not AccessLog.objects.exists()


def test_a_volunteer_at_capacity_is_told_so_not_that_she_receives_proposals(client, volunteer):
    volunteer.capacity = 2
    volunteer.save()
    proposal_accept(proposal=proposal_create(help_request=HelpRequestFactory(triaged=True), volunteer=volunteer))
    dashboard = html.unescape(client.get(reverse("volunteers:dashboard")).content.decode())
    assert "Vous recevez des propositions" in dashboard

    proposal_create(help_request=HelpRequestFactory(triaged=True), volunteer=volunteer)
    dashboard = html.unescape(client.get(reverse("volunteers:dashboard")).content.decode())
    assert "Vous recevez des propositions" not in dashboard
    assert "Vous suivez 2 demandes sur 2 possibles" in dashboard
    assert "Vous en recevrez de nouveau dès que l'une d'elles sera terminée" in dashboard


def test_the_summary_for_volunteers_is_shown_before_accepting_and_the_description_is_not(
    client, volunteer, help_request
):
    help_request.volunteer_summary = "Courses pour une personne âgée, une dizaine d'articles"
    help_request.save(update_fields=["volunteer_summary"])
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    for page in (proposal_url(proposal), reverse("volunteers:dashboard")):
        content = html.unescape(client.get(page).content.decode())
        assert "une dizaine d'articles" in content, page
        for secret in PERSONAL + ("Jean Petit", "Courses pour la semaine"):
            assert secret not in content, (page, secret)
