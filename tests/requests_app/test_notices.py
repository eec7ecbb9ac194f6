"""Who is told what about a help request, through which channel, in what words (requests_app/notices.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.services import application_create
from matching.services import proposal_accept, proposal_complete, proposal_create
from notifications.enums import Channel, Event
from requests_app import notices
from requests_app.enums import Status, Urgency
from requests_app.models import HelpRequest
from requests_app.services import help_request_create, help_request_route
from tests.accounts.factories import AgentFactory, UserFactory
from tests.associations.factories import AssociationFactory, MissionFactory, member_of
from tests.notifications.messages import assert_no_personal_data, jeanne_s_request, rows, sent_to
from tests.requests_app.factories import HelpRequestFactory, valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_request():
    return jeanne_s_request()


@pytest.fixture
def staff_member():
    return AgentFactory(email="agent@cd54.fr")


# --- The person who asked -------------------------------------------------------------------------------------


def test_a_request_filed_online_is_acknowledged_by_email_and_sms(client):
    client.post(reverse("requests:new"), valid_form_data(preferred_channel="sms"))
    help_request = HelpRequest.objects.get()

    email, sms = rows(Event.REQUEST_RECEIVED)
    assert (email.channel, email.recipient) == (Channel.EMAIL, "monique.petit@exemple.fr")
    assert email.subject == f"[Entraide 54] Votre demande {help_request.reference} est bien reçue"
    assert "Un agent du département la lit" in email.body
    assert reverse("requests:track", args=[help_request.tracking_token]) in email.body
    assert (sms.channel, sms.recipient) == (Channel.SMS, "+33612345678")
    short_link = f"http://127.0.0.1:8000/s/{help_request.tracking_token}/"
    assert sms.body == f"Entraide 54 : demande {help_request.reference} enregistrée. Suivi : {short_link}"
    assert client.get(short_link.removeprefix("http://127.0.0.1:8000"))["Location"] == reverse(
        "requests:track", args=[help_request.tracking_token]
    )


@pytest.mark.parametrize(
    "channel, email, expected",
    [
        ("email", "a@exemple.fr", [(Channel.EMAIL, "a@exemple.fr")]),
        ("sms", "", [(Channel.SMS, "+33612345678")]),  # SMS only for someone without email
        ("phone", "a@exemple.fr", [(Channel.EMAIL, "a@exemple.fr")]),  # the hotline calls: no SMS
        ("phone", "", []),
    ],
)
def test_the_requester_s_choice_of_channel_is_honoured(channel, email, expected):
    help_request_create(
        help_request=HelpRequestFactory.build(
            requester_email=email, requester_phone="+33612345678", preferred_channel=channel
        )
    )
    assert sent_to(Event.REQUEST_RECEIVED) == expected


def test_a_volunteer_accepting_tells_the_requester_someone_will_call(help_request):
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_accept(proposal=proposal)

    assert sent_to(Event.REQUEST_TAKEN) == [
        (Channel.EMAIL, "jeanne.martin@exemple.fr"),
        (Channel.SMS, "+33612345678"),
    ]
    email, sms = rows(Event.REQUEST_TAKEN)
    assert "un bénévole s'occupe de votre demande" in email.body
    assert (
        sms.body
        == f"Entraide 54 : un bénévole s'occupe de votre demande {help_request.reference} et va vous contacter."
    )


def test_a_completed_request_tells_the_requester_it_is_done(help_request):
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="Courses livrées.", concern=False)

    [email] = rows(Event.REQUEST_DONE)
    assert email.recipient == "jeanne.martin@exemple.fr"
    assert email.subject == f"[Entraide 54] Votre demande {help_request.reference} est terminée"
    assert "Si ce n'est pas le cas" in email.body and "03 83 94 54 54" in email.body
    # Who chose SMS reads it is done in the SMS asking whether help arrived (requests_app/arrival.py): one text.
    [sms] = rows(Event.HELP_ARRIVED_ASKED)
    assert sms.recipient == "+33612345678" and "terminée" in sms.body


def test_a_completed_request_is_told_by_sms_when_the_question_cannot_be_asked(help_request):
    """A number that answered STOP is not asked whether help arrived (its silence would reopen the request): it
    gets the plain notice, which the outbox then holds back as it holds back every SMS to it."""
    from notifications.models import SmsOptOut

    SmsOptOut.objects.create(number="+33612345678")
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="Courses livrées.", concern=False)

    assert sent_to(Event.REQUEST_DONE) == [(Channel.EMAIL, "jeanne.martin@exemple.fr"), (Channel.SMS, "+33612345678")]
    assert rows(Event.HELP_ARRIVED_ASKED) == []


# --- Organisations --------------------------------------------------------------------------------------------


def test_routing_tells_the_organisation_without_details_and_the_requester_that_it_is_taken(help_request):
    association = AssociationFactory(name="Croix-Rouge")
    member = member_of(association)

    help_request_route(help_request=help_request, association=association)

    [routed] = rows(Event.REQUEST_ROUTED)
    assert routed.recipient == member.email
    assert f"Le département vous confie la demande {help_request.reference}" in routed.subject
    assert_no_personal_data(routed)
    assert "l'association Croix-Rouge s'occupe de votre demande" in rows(Event.REQUEST_TAKEN, channel="email")[0].body


def test_the_daily_digest_is_written_once_a_day_whatever_the_runs():
    association = MissionFactory().association
    member_of(association)
    application_create(mission=MissionFactory(association=association), volunteer=UserFactory(), message="")

    assert notices.daily_digests() == 1
    assert notices.daily_digests() == 0  # a redelivered task, a restarted beat
    assert notices.daily_digests(now=timezone.now() + timedelta(days=1)) == 1


def test_the_daily_digest_goes_to_organisations_with_something_waiting_only():
    busy = MissionFactory(title="Collecte").association
    member = member_of(busy)
    application_create(mission=MissionFactory(association=busy), volunteer=UserFactory(), message="")
    idle = AssociationFactory()
    member_of(idle)

    assert notices.daily_digests() == 1

    [digest] = rows(Event.DAILY_DIGEST)
    assert digest.recipient == member.email
    assert "1 candidature de bénévole en attente de réponse" in digest.body


# --- Staff ----------------------------------------------------------------------------------------------------


def test_urgent_requests_nobody_took_alert_staff_once(staff_member, settings):
    settings.URGENT_ALERT_MINUTES = 60
    old = timezone.now() - timedelta(minutes=61)
    waiting = HelpRequestFactory(urgency=Urgency.URGENT, created_at=old, triaged=True)
    HelpRequestFactory(urgency=Urgency.URGENT, created_at=old, status=Status.ASSIGNED)  # taken
    HelpRequestFactory(urgency=Urgency.NORMAL, created_at=old)  # not urgent
    HelpRequestFactory(urgency=Urgency.URGENT)  # filed a moment ago

    assert notices.urgent_unassigned_alert() == 1
    assert notices.urgent_unassigned_alert() == 0  # once per request

    [alert] = rows(Event.URGENT_UNASSIGNED)
    assert (alert.recipient, alert.help_request) == ("agent@cd54.fr", waiting)
    assert f"Urgent : demande {waiting.reference} toujours sans prise en charge" in alert.subject
    assert "après 60 minutes" in alert.body
