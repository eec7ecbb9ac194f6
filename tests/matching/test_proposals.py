"""The proposal lifecycle: triage proposes, the volunteer answers or lets it expire, the next candidate or staff
take over; the rules that hold whoever acts, and however many act at once."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.enums import Domain, domains_to_mask
from matching.enums import ProposalStatus
from matching.models import Proposal
from matching.ranking import association_suggestions
from matching.services import (
    ProposalError,
    help_request_triage,
    proposal_accept,
    proposal_complete,
    proposal_create,
    proposal_decline,
    proposals_expire,
    propose_best,
)
from requests_app.enums import Status
from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory
from tests.associations.factories import AssociationFactory
from tests.concurrency import run_at_once
from tests.matching.factories import PERSONAL, ProposalFactory, paulette_s_request
from tests.matching.test_ranking import VANDOEUVRE, request_in, volunteer_in
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory, unverified
from volunteers.enums import Reach
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_request():
    return paulette_s_request()


@pytest.fixture
def volunteer():
    return VolunteerProfileFactory()


# --- Lifecycle -----------------------------------------------------------------------------------------------


def test_triage_proposes_to_the_best_candidate_with_a_deadline_by_urgency():
    best = volunteer_in()
    volunteer_in(VANDOEUVRE, reach=Reach.EPCI)
    help_request = HelpRequestFactory(urgency=1)
    help_request_triage(help_request, by=AgentFactory())
    proposal = Proposal.objects.get()
    assert proposal.volunteer == best and "même commune (+400)" in proposal.explanation
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.PROPOSED
    assert timedelta(minutes=110) < proposal.respond_by - timezone.now() <= timedelta(hours=2)


def test_a_decline_goes_to_the_next_candidate_and_exhaustion_goes_to_staff(settings, mailoutbox):
    settings.MATCHING_MAX_ATTEMPTS = 2
    AgentFactory(email="agent@cd54.fr")
    first, second, third = volunteer_in(completed_count=3), volunteer_in(completed_count=2), volunteer_in()
    help_request = request_in()

    assert propose_best(help_request).volunteer == first
    proposal_decline(proposal=first.proposals.get(), reason="Malade")
    assert propose_best(help_request).volunteer == second
    proposal_decline(proposal=second.proposals.get())
    assert propose_best(help_request) is None

    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEEDS_STAFF
    assert not third.proposals.exists()


def test_an_expired_proposal_goes_to_the_next_candidate():
    first, second = volunteer_in(completed_count=3), volunteer_in()
    help_request = request_in()
    proposal = propose_best(help_request)
    Proposal.objects.filter(pk=proposal.pk).update(respond_by=timezone.now() - timedelta(minutes=1))

    assert proposals_expire() == 1

    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.EXPIRED
    assert help_request.proposals.live().get().volunteer == second
    first.refresh_from_db()
    assert first.live_count == 0
    assert proposals_expire() == 0


def test_when_no_volunteer_fits_organisations_covering_the_commune_and_domain_are_suggested():
    covering = AssociationFactory(name="Épicerie solidaire")
    AssociationFactory(name="Garderie", domains=domains_to_mask([Domain.CHILDCARE]))
    AssociationFactory(name="En attente", pending=True)
    help_request = request_in()
    assert association_suggestions(help_request) == [covering]
    assert propose_best(help_request) is None
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEEDS_STAFF


def test_staff_see_the_candidates_with_reasons_and_propose_to_any_of_them(client):
    chosen = volunteer_in(VANDOEUVRE, reach=Reach.EPCI)
    volunteer_in()
    help_request = request_in()
    client.force_login(AgentFactory())
    url = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
    content = client.get(url).content.decode()
    assert "Bénévoles les mieux placés" in content and "même intercommunalité (+300)" in content
    # Each button's form is drawn after the request's own: a form inside another is dropped by the browser, and the
    # button would send nothing.
    request_form_end = content.index("</form></div>")  # where Django's change_form.html closes the request's form
    assert content.index(f'<form id="proposer-{chosen.pk}"') > request_form_end

    client.post(reverse("admin:requests_app_helprequest_propose", args=[help_request.pk, chosen.pk]))

    assert help_request.proposals.live().get().volunteer == chosen


def test_proposing_by_hand_is_a_post_and_respects_the_rules(client):
    help_request = request_in()
    paused = volunteer_in(paused_until=timezone.localdate() + timedelta(days=1))
    client.force_login(AgentFactory())
    url = reverse("admin:requests_app_helprequest_propose", args=[help_request.pk, paused.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, follow=True)
    assert "pas disponible" in response.content.decode()
    assert not Proposal.objects.exists()


@time_machine.travel("2027-03-02 08:00 +01:00", tick=False)
def test_staff_propose_a_request_by_hand_from_the_triage_queue(client, help_request):
    profile = VolunteerProfileFactory()
    staff = AgentFactory()
    client.force_login(staff)

    client.post(
        reverse("admin:requests_app_helprequest_changelist"),
        {
            "action": "propose",
            "_selected_action": [help_request.pk],
            "index": 0,
            "volunteer_email": profile.user.email,
        },
    )

    proposal = Proposal.objects.get()
    assert (proposal.volunteer, proposal.status, proposal.proposed_by) == (profile, ProposalStatus.PROPOSED, staff)
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.PROPOSED
    assert proposal.respond_by - timezone.now() == timedelta(hours=12)  # 08:00 to 20:00, all in daytime


# --- Concurrency ----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_two_proposals_at_once_for_the_same_request_leave_one_live_proposal():
    help_request = request_in()
    volunteers = [volunteer_in() for _ in range(4)]
    run_at_once(*[lambda v=v: proposal_create(help_request=help_request, volunteer=v) for v in volunteers])
    assert Proposal.objects.filter(help_request=help_request, status__in=["proposed", "accepted"]).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_two_requests_at_once_for_a_volunteer_with_one_place_left_leave_one_proposal():
    volunteer = volunteer_in(capacity=1)
    requests = [request_in() for _ in range(4)]
    run_at_once(*[lambda r=r: proposal_create(help_request=r, volunteer=volunteer) for r in requests])
    assert Proposal.objects.filter(volunteer=volunteer).count() == 1
    volunteer.refresh_from_db()
    assert volunteer.live_count == 1


# --- From the volunteer's side ---


def test_a_paused_unready_or_full_volunteer_receives_nothing(help_request):
    paused = VolunteerProfileFactory(paused_until=timezone.localdate() + timedelta(days=3))
    no_attestation = VolunteerProfileFactory(without_attestations=True)
    not_verified = unverified(VolunteerProfileFactory())
    suspended = VolunteerProfileFactory(status="suspended")
    for profile in (paused, no_attestation, not_verified, suspended):
        with pytest.raises(ProposalError, match="pas disponible"):
            proposal_create(help_request=help_request, volunteer=profile)
    full = VolunteerProfileFactory(capacity=1)
    ProposalFactory(volunteer=full, status=ProposalStatus.ACCEPTED)
    with pytest.raises(ProposalError, match="capacité"):
        proposal_create(help_request=help_request, volunteer=full)
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.TRIAGED
    assert not help_request.proposals.exists()


def test_a_pause_that_ended_yesterday_no_longer_counts(help_request):
    profile = VolunteerProfileFactory(paused_until=timezone.localdate() - timedelta(days=1))
    assert proposal_create(help_request=help_request, volunteer=profile).pk


def test_a_request_never_has_two_live_proposals(help_request):
    proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    with pytest.raises(Exception):  # noqa: B017 - the status machine or the unique index, whichever comes first
        proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    assert help_request.proposals.live().count() == 1


def test_an_expired_proposal_of_a_request_staff_already_moved_does_not_block_the_others():
    stuck = Proposal.objects.create(
        help_request=HelpRequestFactory(cancelled=True),
        volunteer=VolunteerProfileFactory(),
        respond_by=timezone.now() - timedelta(hours=1),
    )
    later = proposal_create(help_request=HelpRequestFactory(triaged=True), volunteer=VolunteerProfileFactory())
    Proposal.objects.filter(pk=later.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    assert proposals_expire() == 2
    assert Proposal.objects.get(pk=stuck.pk).status == ProposalStatus.EXPIRED
    assert Proposal.objects.get(pk=later.pk).status == ProposalStatus.EXPIRED
    assert stuck.help_request.status == Status.CANCELLED


def test_the_stored_standing_follows_every_move_of_the_counters():
    volunteer = VolunteerProfileFactory(completed_count=3)

    def standing():
        return VolunteerProfile.objects.get(pk=volunteer.pk).standing

    assert standing() == 3  # its record
    proposal = proposal_create(help_request=HelpRequestFactory(triaged=True), volunteer=volunteer)
    assert standing() == 3 - 5  # one request followed
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="Courses livrées", concern=False)
    assert standing() == 4
    late = proposal_create(help_request=HelpRequestFactory(triaged=True), volunteer=volunteer)
    Proposal.objects.filter(pk=late.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    proposals_expire()
    assert standing() == 4


def test_the_volunteer_is_told_by_email_with_a_link_and_no_personal_data(
    volunteer, help_request, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://entraide54.fr"
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    [mail] = mailoutbox
    assert mail.to == [volunteer.user.email]
    assert "Courses" in mail.subject and "Nancy" in mail.subject
    assert f"https://entraide54.fr/benevoles/propositions/{proposal.pk}/" in mail.body
    for secret in PERSONAL:
        assert secret not in mail.body


def test_the_history_names_the_volunteer_by_number_only(volunteer, help_request):
    proposal_create(help_request=help_request, volunteer=volunteer)
    note = help_request.status_changes.get(to_status=Status.PROPOSED).note
    assert str(volunteer.pk) in note
    assert volunteer.user.last_name not in note and volunteer.user.email not in note
