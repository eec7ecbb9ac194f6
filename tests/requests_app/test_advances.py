"""Shopping advances, from the volunteer's record to the repayment (requests_app/advances.py): the amount in the
"L'aide est-elle bien arrivée ?" SMS and its 1/2, the agent's answer on the phone, the dispute's alert, approval,
refusal, repayment, and the receipt erased with the request."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.models import HelpType
from core.private_files import private_storage
from core.sms import ReceivedSms, fits_one_sms
from matching.models import ProposalError
from notifications.enums import Channel, Event
from notifications.inbound import receive
from requests_app.advances import (
    advance_answer,
    advance_approve,
    advance_refuse,
    advance_repaid,
    proposal_complete_with_advance,
)
from requests_app.enums import AdvanceStatus, AnswerChannel, Status
from requests_app.models import Advance, AdvanceError
from requests_app.retention import closed_requests_anonymise
from tests.accounts.factories import AgentFactory
from tests.notifications.messages import rows
from tests.requests_app.factories import HelpRequestFactory
from tests.requests_app.shopping import accepted, advance_recorded, receipt
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

JEANNE = "+33612345678"
message_ids = count(1)


def sms(body: str, sender: str = JEANNE):
    return receive(
        ReceivedSms(
            provider="twilio", message_id=f"SMA{next(message_ids)}", sender=sender, body=body,
            received_at=timezone.now(),
        )
    )  # fmt: skip


@pytest.fixture
def agent():
    return AgentFactory(email="agent@cd54.fr")


@pytest.fixture
def advance(agent):
    return advance_recorded(amount="23.40")


def reloaded(advance: Advance) -> Advance:
    return Advance.objects.with_request().get(pk=advance.pk)


# --- Recording ----------------------------------------------------------------------------------------------------


def test_the_volunteer_s_advance_is_recorded_with_its_receipt_in_the_private_storage(advance):
    assert advance.status == AdvanceStatus.AWAITING and advance.amount == Decimal("23.40")
    assert advance.receipt.name.startswith("receipts/") and "ticket" not in advance.receipt.name
    assert private_storage().exists(advance.receipt.name)
    assert advance.proposal.status == "done" and advance.help_request.status == Status.DONE


def test_the_arrival_sms_names_the_amount_and_fits_in_one_sms(advance):
    [question] = rows(Event.HELP_ARRIVED_ASKED)
    assert question.recipient == JEANNE
    assert question.body == (
        f"Entraide 54 : demande {advance.help_request.reference} terminée, courses payées par le bénévole : "
        "23,40 €. Aide bien arrivée et montant juste ? Répondez 1 si oui, 2 si non."
    )
    assert fits_one_sms(question.body)


def test_the_largest_amount_still_fits_in_one_sms(settings):
    advance = advance_recorded(amount=str(settings.ADVANCE_MAX_EUROS))
    [question] = rows(Event.HELP_ARRIVED_ASKED)
    assert f"{settings.ADVANCE_MAX_EUROS},00 €" in question.body and fits_one_sms(question.body)
    assert advance.status == AdvanceStatus.AWAITING


def test_a_help_type_without_advances_refuses_one_and_keeps_no_file():
    proposal = accepted(HelpRequestFactory(triaged=True, help_type=HelpType.objects.filter(allows_advances=False)[0]))
    with pytest.raises(ProposalError, match="ne permet pas"):
        proposal_complete_with_advance(
            proposal=proposal, report="Fait.", concern=False, amount=Decimal("10"), receipt=receipt()
        )
    assert not Advance.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == "accepted"


@pytest.mark.parametrize("amount", ["0", "-5", "300.01"])
def test_an_amount_out_of_bounds_is_refused(amount):
    proposal = accepted()
    with pytest.raises(ProposalError, match="compris entre"):
        proposal_complete_with_advance(
            proposal=proposal, report="Fait.", concern=False, amount=Decimal(amount), receipt=receipt()
        )
    assert not Advance.objects.exists()


def test_a_proposal_no_longer_hers_records_nothing(advance):
    # Done already: a second completion with another advance is refused.
    with pytest.raises(ProposalError):
        proposal_complete_with_advance(
            proposal=advance.proposal, report="Encore.", concern=False, amount=Decimal("5"), receipt=receipt()
        )
    assert Advance.objects.count() == 1


def test_the_database_refuses_a_zero_amount(advance):
    with pytest.raises(IntegrityError):
        Advance.objects.filter(pk=advance.pk).update(amount=0)


# --- The person's answer ---------------------------------------------------------------------------------------------


def test_a_1_by_sms_confirms_the_advance(advance):
    inbound = sms("1")
    advance = reloaded(advance)
    assert advance.status == AdvanceStatus.CONFIRMED and advance.answer_channel == AnswerChannel.SMS
    assert advance.answered_by is None and advance.answered_at is not None
    assert "avance confirmée" in inbound.outcome
    assert advance.help_request.status == Status.DONE


def test_a_2_by_sms_disputes_it_reopens_the_request_and_alerts_staff_with_the_amount(advance, agent):
    sms("2")
    advance = reloaded(advance)
    assert advance.status == AdvanceStatus.DISPUTED
    assert advance.help_request.status == Status.NEEDS_STAFF
    [alert] = rows(Event.HELP_NOT_ARRIVED, channel=Channel.EMAIL)
    assert alert.recipient == "agent@cd54.fr"
    assert "avance contestée" in alert.subject and "23,40 €" in alert.body
    with pytest.raises(AdvanceError, match="contesté"):
        advance_approve(advance=advance, by=agent)


def test_a_second_sms_changes_nothing(advance):
    sms("1")
    sms("2")
    assert reloaded(advance).status == AdvanceStatus.CONFIRMED


def test_the_agent_confirms_on_the_phone_where_the_person_has_no_sms(agent):
    help_request = HelpRequestFactory(triaged=True, preferred_channel="email", requester_email="p@exemple.fr")
    advance = advance_recorded(help_request)
    assert rows(Event.HELP_ARRIVED_ASKED) == []
    advance_answer(advance=advance, confirmed=True, by=agent)
    advance = reloaded(advance)
    assert (advance.status, advance.answered_by, advance.answer_channel) == (
        AdvanceStatus.CONFIRMED, agent, AnswerChannel.PHONE,
    )  # fmt: skip
    assert help_request.notes.filter(author=agent, text__contains="23,40 € confirmée").exists()


def test_an_agent_s_dispute_alerts_staff_and_a_later_confirmation_settles_it(advance, agent):
    advance_answer(advance=advance, confirmed=False, by=agent)
    [alert] = rows(Event.HELP_NOT_ARRIVED, channel=Channel.EMAIL)
    assert "Avance de courses contestée :" in alert.subject and "23,40 €" in alert.body
    assert f"/avances/{advance.pk}/" in alert.body
    advance_answer(advance=advance, confirmed=True, by=agent)  # called back: the person agrees
    assert reloaded(advance).status == AdvanceStatus.CONFIRMED


# --- Repayment -----------------------------------------------------------------------------------------------------


def test_the_full_path_confirmed_approved_repaid(advance, agent):
    with pytest.raises(AdvanceError, match="pas encore confirmé"):
        advance_approve(advance=advance, by=agent)
    # A stale tab marking it repaid before anyone approved: "not this step", not "no longer".
    with pytest.raises(AdvanceError, match="ne peut pas passer à cette étape"):
        advance_repaid(advance=advance, by=agent, on=timezone.localdate())
    sms("1")
    advance_approve(advance=advance, by=agent)
    advance = reloaded(advance)
    assert (advance.status, advance.decided_by) == (AdvanceStatus.APPROVED, agent) and advance.decided_at
    with pytest.raises(AdvanceError, match="futur"):
        advance_repaid(advance=advance, by=agent, on=timezone.localdate() + timedelta(days=1))
    advance_repaid(advance=advance, by=agent, on=timezone.localdate())
    advance = reloaded(advance)
    assert (advance.status, advance.repaid_on, advance.repaid_recorded_by) == (
        AdvanceStatus.REPAID, timezone.localdate(), agent,
    )  # fmt: skip
    assert not advance.is_open
    with pytest.raises(AdvanceError):
        advance_refuse(advance=advance, by=agent, reason="Trop tard.")


def test_a_refusal_needs_a_reason_and_ends_the_advance(advance, agent):
    with pytest.raises(AdvanceError, match="motif"):
        advance_refuse(advance=advance, by=agent, reason="  ")
    advance_refuse(advance=advance, by=agent, reason="Ticket illisible.")
    advance = reloaded(advance)
    assert (advance.status, advance.refusal_reason, advance.decided_by) == (
        AdvanceStatus.REFUSED, "Ticket illisible.", agent,
    )  # fmt: skip
    with pytest.raises(AdvanceError):
        advance_repaid(advance=advance, by=agent, on=timezone.localdate())


def test_an_agent_who_advanced_the_money_herself_neither_confirms_nor_approves_nor_repays_it(agent):
    advance = advance_recorded(volunteer=VolunteerProfileFactory(user=agent))
    with pytest.raises(AdvanceError, match="votre propre avance"):
        advance_answer(advance=advance, confirmed=True, by=agent)
    sms("1")  # the person's own word, by SMS, is hers to give
    with pytest.raises(AdvanceError, match="votre propre avance"):
        advance_approve(advance=advance, by=agent)
    colleague = AgentFactory()
    advance_approve(advance=advance, by=colleague)
    with pytest.raises(AdvanceError, match="votre propre avance"):
        advance_repaid(advance=advance, by=agent, on=timezone.localdate())
    assert reloaded(advance).status == AdvanceStatus.APPROVED


def test_only_an_approved_advance_is_repaid(advance, agent):
    sms("1")
    with pytest.raises(AdvanceError):
        advance_repaid(advance=advance, by=agent, on=timezone.localdate())


# --- Retention -----------------------------------------------------------------------------------------------------


def test_the_receipt_is_deleted_with_the_request_s_anonymisation(
    advance, settings, django_capture_on_commit_callbacks
):
    name = advance.receipt.name
    later = timezone.now() + timedelta(days=settings.RETENTION_DAYS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert closed_requests_anonymise(later) == 1
    advance = reloaded(advance)
    assert advance.receipt.name == "" and not private_storage().exists(name)
    assert advance.amount == Decimal("23.40")  # the accounts keep the amount and the dates


def test_a_request_not_yet_due_keeps_its_receipt(advance):
    closed_requests_anonymise(timezone.now())
    assert private_storage().exists(reloaded(advance).receipt.name)
