"""The health rules' versions (crisis.HealthRules), what a volunteer accepts with them (web and SMS), and the
announcement of a new version to the volunteers with live assignments."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.sms import ReceivedSms
from crisis.models import HealthRules
from matching.enums import ProposalStatus
from matching.services import HealthRulesChanged, proposal_accept, proposal_create
from matching.tasks import announce_health_rules_in_force
from notifications.enums import Channel, Event
from notifications.inbound import receive
from notifications.models import Notification
from tests.concurrency import run_at_once
from tests.crisis.factories import HealthRulesFactory
from tests.matching.factories import ProposalFactory
from tests.notifications.messages import jeanne_s_request, rows
from tests.pairings.factories import pairing_with
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def test_a_first_version_of_sensible_rules_is_in_force_from_the_start():
    rules = HealthRules.objects.current()
    assert rules.version == 1
    for rule in ("masque", "mètre", "mains", "porte", "toux", "sans contact"):
        assert rule in rules.text
    assert len(rules.summary) <= 90


def test_each_new_version_takes_the_next_number_and_a_published_one_is_never_saved_again():
    first = HealthRules.objects.current()
    second = HealthRulesFactory()
    third = HealthRulesFactory()
    assert (second.version, third.version) == (first.version + 1, first.version + 2)
    assert HealthRules.objects.current() == third
    with pytest.raises(ValueError):
        second.save()


def test_rules_dated_in_the_future_are_not_yet_in_force():
    in_force = HealthRules.objects.current()
    HealthRulesFactory(effective_on=timezone.localdate() + timedelta(days=2))
    assert HealthRules.objects.current() == in_force


@pytest.mark.django_db(transaction=True)
def test_two_staff_publishing_at_once_get_two_numbers(reference_data_kept):
    last = HealthRulesFactory().version

    def publish():
        with transaction.atomic():
            return HealthRulesFactory().version

    versions = run_at_once(publish, publish, publish)
    assert sorted(versions) == [last + 1, last + 2, last + 3]


# --- Accepting ------------------------------------------------------------------------------------------------


@pytest.fixture
def volunteer(client):
    profile = VolunteerProfileFactory(phone="+33698765432")
    client.force_login(profile.user)
    return profile


def test_the_proposal_page_shows_the_rules_in_force_with_version_and_date_before_accepting(client, volunteer):
    proposal = proposal_create(help_request=jeanne_s_request(), volunteer=volunteer)
    rules = HealthRulesFactory(text="Portez un masque FFP2 chez la personne.")
    content = client.get(reverse("volunteers:proposal", args=[proposal.pk])).content.decode()
    assert "Portez un masque FFP2 chez la personne." in content
    assert f"Version {rules.version}, en vigueur depuis le" in content
    assert f'name="health_rules_version" value="{rules.version}"' in content


def test_accepting_on_the_page_records_the_version_it_showed(client, volunteer):
    proposal = proposal_create(help_request=jeanne_s_request(), volunteer=volunteer)
    rules = HealthRulesFactory()
    response = client.post(reverse("volunteers:accept", args=[proposal.pk]), {"health_rules_version": rules.version})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.health_rules_version) == (ProposalStatus.ACCEPTED, rules.version)
    # After accepting, the page still shows the rules she accepted.
    content = client.get(reverse("volunteers:proposal", args=[proposal.pk])).content.decode()
    assert rules.text in content


def test_a_regular_help_s_page_shows_the_rules_she_accepted_too(client, volunteer):
    rules = HealthRulesFactory(text="Aérez la pièce à chaque visite.")
    pairing = pairing_with(volunteer)
    content = client.get(reverse("volunteers:proposal", args=[pairing.proposal_id])).content.decode()
    assert "Aérez la pièce à chaque visite." in content and f"Version {rules.version}" in content


def test_rules_changed_between_the_page_and_the_accept_are_shown_and_asked_again(client, volunteer):
    proposal = proposal_create(help_request=jeanne_s_request(), volunteer=volunteer)
    shown = HealthRules.objects.current()
    newer = HealthRulesFactory(text="Nouvelle règle : gants obligatoires.")

    response = client.post(reverse("volunteers:accept", args=[proposal.pk]), {"health_rules_version": shown.version})

    assert response.status_code == 409
    content = response.content.decode()
    assert "Les consignes sanitaires ont changé" in content
    assert "Nouvelle règle : gants obligatoires." in content
    assert f'name="health_rules_version" value="{newer.version}"' in content
    proposal.refresh_from_db()
    assert (proposal.status, proposal.health_rules_version) == (ProposalStatus.PROPOSED, None)

    client.post(reverse("volunteers:accept", args=[proposal.pk]), {"health_rules_version": newer.version})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.health_rules_version) == (ProposalStatus.ACCEPTED, newer.version)


@pytest.mark.parametrize("posted", [{}, {"health_rules_version": "abc"}, {"health_rules_version": "999"}])
def test_an_accept_without_the_version_shown_accepts_nothing(client, volunteer, posted):
    proposal = proposal_create(help_request=jeanne_s_request(), volunteer=volunteer)
    response = client.post(reverse("volunteers:accept", args=[proposal.pk]), posted)
    assert response.status_code == 409
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_the_service_refuses_a_version_other_than_the_one_in_force():
    proposal = ProposalFactory()
    with pytest.raises(HealthRulesChanged):
        proposal_accept(proposal=proposal, health_rules_version=HealthRules.objects.current_version() - 1 or None)


def test_an_sms_yes_records_the_rules_in_force(volunteer):
    help_request = HelpRequestFactory(triaged=True)
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    rules = HealthRulesFactory(summary="Masque et gants")
    receive(
        ReceivedSms(provider="ovh", message_id="m1", sender="+33698765432", body=f"OUI {help_request.reply_code}",
                    received_at=timezone.now())
    )  # fmt: skip
    proposal.refresh_from_db()
    assert (proposal.status, proposal.health_rules_version) == (ProposalStatus.ACCEPTED, rules.version)


# --- The announcement -----------------------------------------------------------------------------------------


def test_a_new_version_is_announced_once_to_volunteers_with_live_assignments_only(django_capture_on_commit_callbacks):
    live = VolunteerProfileFactory(phone="+33611111111")
    ProposalFactory(volunteer=live, status=ProposalStatus.ACCEPTED)
    ProposalFactory(volunteer=live, status=ProposalStatus.ACCEPTED)  # two assignments, one message
    email_only = VolunteerProfileFactory(phone="")
    ProposalFactory(volunteer=email_only, status=ProposalStatus.ACCEPTED)
    ProposalFactory(volunteer=VolunteerProfileFactory(phone="+33622222222"))  # proposed, not accepted
    ProposalFactory(volunteer=VolunteerProfileFactory(phone="+33633333333"), status=ProposalStatus.DONE)

    with django_capture_on_commit_callbacks(execute=True):
        rules = HealthRulesFactory(summary="Masque et gants")

    sent = rows(Event.HEALTH_RULES_CHANGED)
    assert sorted((n.channel, n.recipient) for n in sent) == sorted(
        [(Channel.EMAIL, live.user.email), (Channel.SMS, "+33611111111"), (Channel.EMAIL, email_only.user.email)]
    )
    [email] = [n for n in sent if n.recipient == live.user.email]
    assert f"version {rules.version}" in email.body and rules.text in email.body
    [text] = [n for n in sent if n.channel == Channel.SMS]
    assert "Masque et gants" in text.body
    rules.refresh_from_db()
    assert rules.announced_at is not None

    # The task run again (a retry, a redelivery) tells nobody twice.
    from matching.tasks import announce_health_rules

    assert announce_health_rules(rules.pk) == 0
    assert Notification.objects.filter(event=Event.HEALTH_RULES_CHANGED).count() == 3


def test_rules_published_ahead_of_their_date_are_announced_the_morning_they_apply(django_capture_on_commit_callbacks):
    volunteer = VolunteerProfileFactory(phone="")
    ProposalFactory(volunteer=volunteer, status=ProposalStatus.ACCEPTED)
    starts = timezone.localdate() + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        rules = HealthRulesFactory(effective_on=starts)

    assert rows(Event.HEALTH_RULES_CHANGED) == []  # not in force yet: nobody is told today
    assert announce_health_rules_in_force() == 0
    with time_machine.travel(timezone.make_aware(datetime.combine(starts, time(7)))):
        assert announce_health_rules_in_force() == 1
        assert announce_health_rules_in_force() == 0  # the next morning's run tells nobody twice
    [email] = rows(Event.HEALTH_RULES_CHANGED)
    assert email.recipient == volunteer.user.email and f"version {rules.version}" in email.body
