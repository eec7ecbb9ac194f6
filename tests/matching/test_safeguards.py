"""The safeguards in the matching: the tier walk and the reference query both keep out whoever may not be offered the
help type (vetting, minimum age, protective rule); proposal_create refuses them, staff's hand included; a childcare
request waits for staff to confirm the carer before any proposal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.enums import Domain, Vetting
from core.models import HelpType
from matching.enums import ProposalStatus
from matching.ranking import TierWalk, candidates, plain_ranking
from matching.services import ProposalError, proposal_accept, proposal_create, propose_best
from requests_app.enums import CarerStatus, Status
from tests.accounts.factories import UserFactory
from tests.core.factories import HelpTypeFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VettingDocumentFactory, VolunteerProfileFactory
from volunteers.models import VolunteerProfile
from volunteers.vetting import vetting_document_approve, vetting_document_refuse

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def year():
    return today().year


def kinds():
    """One volunteer of every kind the safeguards tell apart, by name."""
    return {
        "plain": VolunteerProfileFactory(),
        "identity": VolunteerProfileFactory(identity_checked_until=today() + timedelta(days=100)),
        "document": VolunteerProfileFactory(document_checked_until=today(), birth_year=year() - 35),
        "expired_document": VolunteerProfileFactory(document_checked_until=today() - timedelta(days=1)),
        "young": VolunteerProfileFactory(identity_checked_until=today(), birth_year=year() - 19),
        "senior": VolunteerProfileFactory(birth_year=year() - 72, identity_checked_until=today()),
        "health_risk": VolunteerProfileFactory(health_risk=True),
        "senior_lifted": VolunteerProfileFactory(
            birth_year=year() - 75, protection_lifted_at=timezone.now(), protection_lift_reason="avis médical"
        ),
    }


def found(help_request, people) -> set[str]:
    """The names the walk finds, after checking the reference query finds the same volunteers with the same scores."""
    walked = [(c.volunteer.pk, c.score) for c in candidates(help_request, limit=20)]
    assert walked == plain_ranking(help_request, limit=20)
    names = {pk: name for name, profile in people.items() for pk in [profile.pk]}
    return {names[pk] for pk, _score in walked}


def request_for(code, **fields):
    return HelpRequestFactory(triaged=True, help_type=HelpType.objects.get(code=code), **fields)


def test_help_in_person_keeps_the_protected_out_unless_staff_lifted_it():
    people = kinds()
    assert found(request_for("shopping"), people) == set(people) - {"senior", "health_risk"}


def test_remote_help_asking_nothing_is_open_to_everyone_and_adds_nothing_to_the_walk():
    people = kinds()
    help_request = request_for("phone_call")
    assert found(help_request, people) == set(people)
    assert "birth_year" not in TierWalk(help_request).sql  # the common case stays as fast as before


def test_childcare_asks_a_checked_document_valid_today():
    people = kinds()
    help_request = request_for("childcare", carer_status=CarerStatus.CARER, carer_confirmed_at=timezone.now())
    assert found(help_request, people) == {"document"}


def test_while_nobody_holds_the_proof_asked_the_matching_reads_no_tier(django_assert_num_queries):
    VolunteerProfileFactory(document_checked_until=today() - timedelta(days=1))  # expired yesterday
    VolunteerProfileFactory(identity_checked_until=today())  # an identity check is not the extract childcare asks
    help_request = request_for("childcare", carer_status=CarerStatus.CARER, carer_confirmed_at=timezone.now())
    help_request = type(help_request).objects.select_related("help_type", "commune").get(pk=help_request.pk)
    with django_assert_num_queries(1):  # whether anyone is vetted; no walk
        assert candidates(help_request) == []
    assert plain_ranking(help_request) == []
    vetted = VolunteerProfileFactory(document_checked_until=today())
    assert [c.volunteer for c in candidates(help_request)] == [vetted]


def test_an_identity_check_and_a_minimum_age_are_both_required():
    people = kinds()
    HelpTypeFactory(code="driving", domain=Domain.LOCAL_SOLIDARITY, vetting=Vetting.IDENTITY, minimum_age=21)
    # "young" is 19, "senior" protected, "identity" has no birth year, "senior_lifted" no identity check.
    assert found(request_for("driving"), people) == {"document"}


def test_staff_see_in_the_explanation_that_the_protection_was_lifted():
    senior = VolunteerProfileFactory(
        birth_year=year() - 75, protection_lifted_at=timezone.now(), protection_lift_reason="avis médical"
    )
    (candidate,) = candidates(request_for("shopping"))
    assert candidate.volunteer == senior
    assert "aide sur place autorisée par l'équipe malgré la règle de protection (avis médical)" in (
        candidate.explanation
    )


@pytest.mark.parametrize(
    ("code", "fields", "refusal"),
    [
        ("shopping", {"birth_year": 1940}, "seule l'aide à distance"),
        ("shopping", {"health_risk": True}, "seule l'aide à distance"),
        ("childcare", {}, "justificatif vérifié"),
        ("childcare", {"document_checked_until": "yesterday"}, "justificatif vérifié"),
    ],
)
def test_proposal_create_refuses_a_volunteer_who_may_not_take_the_help_even_picked_by_staff(code, fields, refusal):
    if fields.get("document_checked_until") == "yesterday":
        fields["document_checked_until"] = today() - timedelta(days=1)
    volunteer = VolunteerProfileFactory(**fields)
    help_request = request_for(code, carer_status=CarerStatus.CARER, carer_confirmed_at=timezone.now())
    with pytest.raises(ProposalError, match=refusal):
        proposal_create(help_request=help_request, volunteer=volunteer, by=UserFactory(staff=True))
    help_request.refresh_from_db()
    assert help_request.status == Status.TRIAGED and not help_request.proposals.exists()


def test_proposal_create_accepts_the_vetted_volunteer():
    volunteer = VolunteerProfileFactory(document_checked_until=today() + timedelta(days=90))
    help_request = request_for("childcare", carer_status=CarerStatus.CARER, carer_confirmed_at=timezone.now())
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    assert proposal.volunteer == volunteer


def test_no_childcare_proposal_before_staff_confirm_the_carer():
    vetted = VolunteerProfileFactory(document_checked_until=today() + timedelta(days=90))
    help_request = request_for("childcare", carer_status=CarerStatus.CARER)
    with pytest.raises(ProposalError, match="confirmez d'abord la qualité du demandeur"):
        proposal_create(help_request=help_request, volunteer=vetted)
    # The matching leaves it waiting in the queue, not in staff's "no volunteer" pile.
    assert propose_best(help_request) is None
    help_request.refresh_from_db()
    assert help_request.status == Status.TRIAGED and not help_request.proposals.exists()

    help_request.confirm_carer(by=UserFactory(staff=True))
    assert propose_best(help_request).volunteer == vetted


def test_a_volunteer_whose_check_was_taken_back_cannot_accept_the_childcare_already_proposed():
    """Staff take back an approved extract (found forged) after the proposal left: her "j'accepte", on the page or by
    SMS, must not give her the children."""
    volunteer = VolunteerProfileFactory(document_checked_until=today() + timedelta(days=90))
    help_request = request_for("childcare", carer_status=CarerStatus.CARER, carer_confirmed_at=timezone.now())
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    VolunteerProfile.objects.filter(pk=volunteer.pk).update(document_checked_until=None)

    with pytest.raises(ProposalError, match="justificatif vérifié"):
        proposal_accept(proposal=proposal)
    proposal.refresh_from_db()
    help_request.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED and help_request.status == Status.PROPOSED


def test_an_approval_taken_back_hands_her_childcare_back_to_staff_and_keeps_the_rest():
    """Staff find the extract forged and refuse it after approving it: the family's request leaves her hands at once
    (its address with it), back in staff's queue with the reason; her shopping goes on."""
    agent = UserFactory(staff=True)
    document = VettingDocumentFactory(volunteer=VolunteerProfileFactory(capacity=3))
    volunteer = document.volunteer
    vetting_document_approve(document=document, by=agent)
    volunteer.refresh_from_db()
    childcare = request_for("childcare", carer_status=CarerStatus.CARER, carer_confirmed_at=timezone.now())
    kept = proposal_accept(proposal=proposal_create(help_request=childcare, volunteer=volunteer))
    shopping = proposal_accept(proposal=proposal_create(help_request=request_for("shopping"), volunteer=volunteer))

    vetting_document_refuse(document=document, by=agent, reason="Document falsifié.")

    kept.refresh_from_db()
    shopping.refresh_from_db()
    childcare.refresh_from_db()
    assert kept.status == ProposalStatus.CANCELLED and not kept.reveals_contact
    assert childcare.status == Status.TRIAGED
    assert "Vérification du bénévole plus valable" in childcare.status_changes.latest("pk").note
    assert shopping.status == ProposalStatus.ACCEPTED
    volunteer.refresh_from_db()
    assert volunteer.live_count == 1
