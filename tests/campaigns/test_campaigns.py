"""Campaigns over registers: the scope frozen at creation, the split into call sheets, the outcome rule, retention."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from campaigns.enums import CallOutcome, CampaignStatus, EntryState
from campaigns.models import CallAttempt, CallerVetting, CampaignEntry, Register, TransitionNotAllowed
from campaigns.retention import registers_erase
from campaigns.services import CampaignError, campaign_close, campaign_create, campaign_sheets_split, campaign_start
from core.models import Commune, Epci
from tests.accounts.factories import AgentFactory, UserFactory
from tests.campaigns.factories import RegisterEntryFactory, RegisterFactory
from tests.volunteers.factories import VolunteerProfileFactory


def create(registers, **scope):
    return campaign_create(
        name="Appel des inscrits", registers=registers, deadline=date(2025, 6, 20), script="Bonjour…",
        created_by=AgentFactory(), **scope,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_campaign_takes_the_people_of_its_registers_within_its_scope():
    toul = Commune.objects.get(insee="54528")
    register = RegisterFactory()
    in_toul = RegisterEntryFactory(register=register, commune=toul)
    RegisterEntryFactory(register=register)  # Nancy, outside the EPCI of Toul

    campaign = create([register], epcis=[Epci.objects.get(pk=toul.epci_id)])

    assert list(campaign.entries.values_list("entry", "commune", "state")) == [(in_toul.pk, toul.pk, "to_call")]
    assert campaign.status == CampaignStatus.DRAFT


@pytest.mark.django_db
def test_the_split_shares_the_people_evenly_between_eligible_callers_only():
    register = RegisterFactory()
    RegisterEntryFactory.create_batch(7, register=register)
    campaign = create([register])
    agent = AgentFactory()
    vetted = VolunteerProfileFactory()
    CallerVetting.objects.create(volunteer=vetted)

    with pytest.raises(CampaignError, match="ni agents"):
        campaign_sheets_split(campaign=campaign, callers=[agent, UserFactory()])
    sheets = campaign_sheets_split(campaign=campaign, callers=[agent, vetted.user])

    assert [sheet.entries.count() for sheet in sheets] == [4, 3]
    assert [sheet.number for sheet in sheets] == [1, 2]
    assert list(sheets[1].entries.values_list("position", flat=True)) == [1, 2, 3]
    assert not campaign.entries.filter(sheet__isnull=True).exists()


@pytest.mark.django_db
def test_a_campaign_moves_forward_only():
    campaign = create([RegisterEntryFactory().register])
    campaign_start(campaign=campaign)
    campaign_close(campaign=campaign)
    assert campaign.closed_at is not None
    with pytest.raises(TransitionNotAllowed):
        campaign_start(campaign=campaign)


@pytest.mark.django_db
def test_unanswered_calls_leave_the_person_to_call_until_the_last_try(settings):
    settings.CAMPAIGN_MAX_CALL_ATTEMPTS = 3
    entry = CampaignEntry()
    assert entry.state_after(CallOutcome.NO_ANSWER, 1) == EntryState.TO_CALL
    assert entry.state_after(CallOutcome.VOICEMAIL, 2) == EntryState.TO_CALL
    assert entry.state_after(CallOutcome.NO_ANSWER, 3) == EntryState.UNREACHABLE
    assert entry.state_after(CallOutcome.NEEDS_HELP, 1) == EntryState.NEEDS_HELP
    assert entry.state_after(CallOutcome.WRONG_NUMBER, 1) == EntryState.WRONG_NUMBER


@pytest.mark.django_db
def test_a_register_is_erased_after_its_last_campaign_closed_and_its_figures_stay(settings):
    settings.REGISTER_RETENTION_DAYS = 30
    entry = RegisterEntryFactory()
    register = entry.register
    unused = RegisterFactory(name="Jamais appelé")
    RegisterEntryFactory(register=unused)
    campaign = create([register])
    campaign_start(campaign=campaign)
    campaign_entry = campaign.entries.get()
    CallAttempt.objects.create(campaign_entry=campaign_entry, outcome=CallOutcome.WELL, note="Va bien, sa fille passe")

    with time_machine.travel(timezone.now() + timedelta(days=60)):
        assert registers_erase() == 1  # the unused one; the running campaign keeps its register
        campaign_close(campaign=campaign)
    with time_machine.travel(timezone.now() + timedelta(days=85)):
        assert registers_erase() == 0  # closed 25 days ago
    with time_machine.travel(timezone.now() + timedelta(days=95)):
        assert registers_erase() == 1

    assert not register.entries.exists() and not unused.entries.exists()
    assert Register.objects.filter(erased_at__isnull=False).count() == 2
    campaign_entry.refresh_from_db()
    assert campaign_entry.entry is None and campaign_entry.commune_id == "54395"
    assert campaign_entry.attempts.get().note == "" and campaign_entry.attempts.get().outcome == CallOutcome.WELL


@pytest.mark.django_db
def test_the_registers_access_log_keeps_a_year_then_goes():
    from campaigns.enums import RegisterAccessReason
    from campaigns.models import RegisterAccessLog
    from campaigns.retention import old_access_lines_delete

    with time_machine.travel(timezone.now() - timedelta(days=400)):
        RegisterAccessLog.objects.create(user_email="a@exemple.fr", reason=RegisterAccessReason.STAFF, path="/")
    RegisterAccessLog.objects.create(user_email="b@exemple.fr", reason=RegisterAccessReason.STAFF, path="/")

    assert old_access_lines_delete() == 1
    assert list(RegisterAccessLog.objects.values_list("user_email", flat=True)) == ["b@exemple.fr"]
