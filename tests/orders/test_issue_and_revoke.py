"""Issuing a mission order (one per live assignment, a new one after expiry) and its revocation the moment the
assignment ends, whichever way it ends."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from associations.enums import OrganisationKind
from associations.services import application_withdraw, association_suspend, mission_close
from matching.services import proposal_complete, proposal_hand_back
from orders.codes import CODE_PATTERN
from orders.enums import OrderState, RevocationReason
from orders.models import MissionOrder
from orders.services import OrderError, mission_order_for_application, mission_order_for_proposal
from portal.own_data import volunteer_delete
from requests_app.enums import Source
from requests_app.models import HelpRequest
from tests.associations.factories import AssociationFactory
from tests.orders.factories import accepted_application, accepted_proposal, application_order, proposal_order
from tests.requests_app.factories import HelpRequestFactory
from volunteers.services import volunteer_suspend

pytestmark = pytest.mark.django_db


def reloaded(order: MissionOrder) -> MissionOrder:
    return MissionOrder.objects.with_assignment().get(pk=order.pk)


def test_an_order_names_the_volunteer_s_first_name_and_the_departement_as_issuer(settings):
    settings.MISSION_ORDER_VALID_DAYS = 14
    order = proposal_order()
    today = timezone.localdate()
    assert CODE_PATTERN.match(order.code)
    assert order.first_name == "Camille"
    assert order.issuer_name == settings.OPERATOR_NAME
    assert (order.valid_from, order.valid_until) == (today, today + timedelta(days=14))
    assert order.state() == OrderState.VALID


def test_the_organisation_that_filed_the_request_issues_its_order():
    organisation = AssociationFactory(name="CCAS de Lunéville", kind=OrganisationKind.COMMUNE)
    order = proposal_order(filed_by=organisation, source=Source.PARTNER)
    assert order.issuer_name == "CCAS de Lunéville"


def test_a_mission_s_order_is_issued_by_its_organisation_and_ends_with_the_mission(settings):
    settings.MISSION_ORDER_VALID_DAYS = 14
    ends = timezone.localdate() + timedelta(days=3)
    order = application_order(end_date=ends)
    assert order.issuer_name == "Restos du cœur de Toul"
    assert order.valid_until == ends


def test_asking_twice_gives_the_same_order_and_a_new_one_once_it_has_expired(settings):
    settings.MISSION_ORDER_VALID_DAYS = 2
    proposal = accepted_proposal()
    today = timezone.localdate()
    first = mission_order_for_proposal(proposal=proposal, today=today)
    assert mission_order_for_proposal(proposal=proposal, today=today + timedelta(days=2)) == first

    later = today + timedelta(days=3)
    assert first.state(later) == OrderState.EXPIRED
    second = mission_order_for_proposal(proposal=proposal, today=later)
    assert second != first and second.code != first.code
    assert second.valid_from == later
    assert MissionOrder.objects.filter(proposal=proposal).count() == 2


def test_the_database_refuses_a_second_live_order_for_the_same_assignment_and_day():
    order = proposal_order()
    duplicate = MissionOrder(
        code="0123456789", volunteer=order.volunteer, proposal=order.proposal, first_name="Camille",
        issuer_name="x", valid_from=order.valid_from, valid_until=order.valid_until,
    )  # fmt: skip
    with pytest.raises(IntegrityError):
        duplicate.save()


def test_no_order_for_an_ended_assignment_nor_an_ended_mission():
    proposal = accepted_proposal()
    proposal_complete(proposal=proposal, report="Fait.", concern=False)
    with pytest.raises(OrderError):
        mission_order_for_proposal(proposal=proposal)
    application = accepted_application(
        start_date=timezone.localdate() - timedelta(days=5), end_date=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(OrderError, match="terminée"):
        mission_order_for_application(application=application)


def test_completing_the_help_revokes_the_order():
    order = proposal_order()
    proposal_complete(proposal=order.proposal, report="Courses livrées.", concern=False)
    order = reloaded(order)
    assert order.revoked_at is not None and order.revocation_reason == RevocationReason.DONE
    assert order.state() == OrderState.REVOKED


def test_completing_with_a_concern_revokes_the_order_too():
    order = proposal_order()
    proposal_complete(proposal=order.proposal, report="Elle semblait très faible.", concern=True)
    assert reloaded(order).revocation_reason == RevocationReason.DONE


def test_handing_the_request_back_revokes_the_order():
    order = proposal_order()
    proposal_hand_back(proposal=order.proposal, note="Je suis malade.")
    order = reloaded(order)
    assert order.revocation_reason == RevocationReason.HANDED_BACK
    assert order.state() == OrderState.REVOKED


@pytest.mark.parametrize("move", ["cancel", "mark_needs_staff"])
def test_staff_taking_the_request_from_the_volunteer_revokes_the_order(move):
    """Staff cancel the request, or take it back: the proposal is closed by a bulk UPDATE, with no save to hear."""
    order = proposal_order()
    help_request = HelpRequest.objects.get(pk=order.proposal.help_request_id)
    getattr(help_request, move)(note="Repris par un agent.")
    order = reloaded(order)
    assert order.revocation_reason == RevocationReason.CANCELLED
    assert order.state() == OrderState.REVOKED


def test_suspending_the_volunteer_revokes_all_her_orders():
    order = proposal_order()
    other = mission_order_for_application(application=accepted_application(user=order.volunteer))
    volunteer_suspend(volunteer=order.proposal.volunteer, reason="Comportement signalé.")
    assert reloaded(order).state() == OrderState.REVOKED
    other = reloaded(other)
    assert other.revocation_reason == RevocationReason.VOLUNTEER_WITHDRAWN
    assert other.state() == OrderState.REVOKED


def test_deleting_the_account_deletes_her_orders_and_their_first_name():
    order = proposal_order()
    volunteer_delete(user=order.volunteer)
    assert not MissionOrder.objects.filter(pk=order.pk).exists()


def test_withdrawing_the_application_revokes_the_order():
    order = application_order()
    application_withdraw(application=order.application)
    order = reloaded(order)
    assert order.revocation_reason == RevocationReason.WITHDRAWN
    assert order.state() == OrderState.REVOKED


def test_closing_the_mission_revokes_its_orders():
    order = application_order()
    mission_close(mission=order.application.mission)
    order = reloaded(order)
    assert order.revocation_reason == RevocationReason.MISSION_CLOSED
    assert order.state() == OrderState.REVOKED


def test_suspending_the_organisation_revokes_the_orders_it_issued():
    order = application_order()
    association_suspend(association=order.application.mission.association, reason="Fraude.")
    order = reloaded(order)
    assert order.revocation_reason == RevocationReason.ORGANISATION_SUSPENDED
    assert order.state() == OrderState.REVOKED


def test_an_order_reads_revoked_even_when_its_end_was_never_told():
    """A path that changes the assignment without a save (a bulk UPDATE) must not leave a paper saying "valide"."""
    order = proposal_order()
    type(order.proposal).objects.filter(pk=order.proposal_id).update(status="cancelled")
    order = reloaded(order)
    assert order.revoked_at is None
    assert order.state() == OrderState.REVOKED


def test_other_requests_changing_status_leave_the_order_alone():
    order = proposal_order()
    HelpRequestFactory(status="triaged").cancel(note="Autre demande.")
    assert reloaded(order).state() == OrderState.VALID
