"""Each event of the portal: who is told, through which channel, in what words. Tasks run in-process here;
test_worker.py proves the same path through Redis and a real worker."""

from datetime import timedelta

import pytest
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone

from associations.enums import ApplicationStatus
from associations.services import application_create, application_decide, invitation_create
from core.models import Commune, HelpType
from matching.services import proposal_accept, proposal_complete, proposal_create, propose_best
from notifications import events
from notifications.enums import Channel, Event
from notifications.models import Notification
from requests_app.enums import Status, Urgency
from requests_app.models import HelpRequest
from requests_app.services import help_request_create, help_request_route
from tests.accounts.factories import AgentFactory, UserFactory
from tests.associations.factories import AssociationFactory, MissionFactory, member_of
from tests.requests_app.factories import HelpRequestFactory, valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

PERSONAL = ["Jeanne Martin", "12 rue des Lilas", "612345678", "12 34 56 78", "clé sous le paillasson"]


def rows(event: Event, **filters) -> list[Notification]:
    return list(Notification.objects.filter(event=event, **filters).order_by("channel", "recipient"))


def sent_to(event: Event) -> list[tuple[str, str]]:
    return [(n.channel, n.recipient) for n in rows(event)]


@pytest.fixture
def help_request():
    return help_request_create(
        help_request=HelpRequestFactory.build(
            requester_name="Jeanne Martin",
            requester_email="jeanne.martin@exemple.fr",
            requester_phone="+33612345678",
            address="12 rue des Lilas",
            description="Courses, la clé sous le paillasson.",
            preferred_channel="sms",
        )
    )


@pytest.fixture
def staff_member():
    return AgentFactory(email="agent@cd54.fr")


def assert_no_personal_data(notification: Notification) -> None:
    for secret in PERSONAL:
        assert secret not in notification.subject and secret not in notification.body, secret


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

    email, sms = rows(Event.REQUEST_DONE)
    assert email.recipient == "jeanne.martin@exemple.fr"
    assert email.subject == f"[Entraide 54] Votre demande {help_request.reference} est terminée"
    assert "Si ce n'est pas le cas" in email.body and "03 83 94 54 54" in email.body
    assert sms.recipient == "+33612345678" and "terminée" in sms.body


# --- Volunteers -----------------------------------------------------------------------------------------------


def test_a_proposal_reaches_the_volunteer_by_email_and_sms_without_the_person_s_details(help_request):
    volunteer = VolunteerProfileFactory(phone="+33698765432")
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)

    email, sms = rows(Event.PROPOSAL_MADE)
    assert (email.channel, email.recipient) == (Channel.EMAIL, volunteer.user.email)
    assert email.subject == "[Entraide 54] Courses à Nancy (54000) : une personne a besoin de vous"
    assert "Merci de répondre avant le" in email.body
    assert reverse("volunteers:proposal", args=[proposal.pk]) in email.body
    assert (sms.channel, sms.recipient) == (Channel.SMS, "+33698765432")
    assert sms.body.startswith("Entraide 54 : aide demandée à Nancy. Réponse avant ")
    assert sms.body.endswith(f" : http://127.0.0.1:8000/benevoles/propositions/{proposal.pk}/")
    for notification in (email, sms):
        assert_no_personal_data(notification)


# GSM 03.38's basic characters: an SMS written with them only holds 160 of them; one other character (ç, ê, …)
# and the whole message is sent as Unicode, 70 characters a part.
GSM_7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)


def test_every_sms_fits_in_one_gsm_message_whole_with_the_longest_names(client, settings):
    settings.SITE_URL = "https://entraide54.departement-meurthe-et-moselle.fr"
    commune = Commune.objects.order_by(Length("name").desc()).first()
    help_type = HelpType.objects.order_by(Length("name").desc()).first()
    help_request = help_request_create(
        help_request=HelpRequestFactory.build(
            commune=commune, help_type=help_type, requester_phone="+33612345678", preferred_channel="sms"
        )
    )
    help_request.triage()
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory(phone="+33698765432"))
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="", concern=False)

    messages = {n.event: n.body for n in Notification.objects.filter(channel=Channel.SMS)}
    assert set(messages) == {Event.REQUEST_RECEIVED, Event.PROPOSAL_MADE, Event.REQUEST_TAKEN, Event.REQUEST_DONE}
    for event, body in messages.items():
        assert len(body) <= 160, (event, len(body))
        assert set(body) <= GSM_7, (event, set(body) - GSM_7)
        assert not body.endswith("..."), event
    assert messages[Event.PROPOSAL_MADE].endswith(f"{settings.SITE_URL}/benevoles/propositions/{proposal.pk}/")
    assert messages[Event.REQUEST_RECEIVED].endswith(f"{settings.SITE_URL}/s/{help_request.tracking_token}/")


def test_a_volunteer_without_a_phone_number_gets_the_proposal_by_email_only(help_request):
    proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory(phone=""))
    assert [channel for channel, _to in sent_to(Event.PROPOSAL_MADE)] == [Channel.EMAIL]


@pytest.mark.parametrize(
    "accept, words",
    [(True, "a accepté votre candidature"), (False, "ne peut pas retenir votre candidature")],
)
def test_the_volunteer_hears_the_answer_to_an_application(accept, words):
    mission = MissionFactory(title="Distribution alimentaire")
    application = application_create(mission=mission, volunteer=UserFactory(email="v@exemple.fr"), message="")

    application = application_decide(application=application, accept=accept, by=member_of(mission.association))

    [notification] = rows(Event.APPLICATION_DECIDED)
    assert (notification.channel, notification.recipient) == (Channel.EMAIL, "v@exemple.fr")
    assert "Distribution alimentaire" in notification.subject
    assert words in notification.body
    assert application.status == (ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED)


# --- Organisations --------------------------------------------------------------------------------------------


def test_a_new_application_reaches_every_member_of_the_organisation():
    mission = MissionFactory(title="Maraude du soir")
    admin = member_of(mission.association)
    member = member_of(mission.association, role="member")

    application_create(mission=mission, volunteer=UserFactory(), message="Je suis libre le soir.")

    assert sent_to(Event.APPLICATION_NEW) == sorted([(Channel.EMAIL, admin.email), (Channel.EMAIL, member.email)])
    notification = rows(Event.APPLICATION_NEW)[0]
    assert notification.subject == "[Entraide 54] Nouvelle candidature : Maraude du soir"
    assert "Je suis libre le soir." in notification.body
    assert reverse("associations:applications", args=[mission.association.pk]) in notification.body


def test_validating_an_organisation_tells_its_members(client, staff):
    association = AssociationFactory(pending=True, name="Les Restos du Cœur 54")
    admin = member_of(association)

    client.post(
        reverse("admin:associations_association_changelist"),
        {"action": "validate", "_selected_action": [association.pk]},
    )

    [notification] = rows(Event.ASSOCIATION_VALIDATED)
    assert (notification.channel, notification.recipient) == (Channel.EMAIL, admin.email)
    assert notification.subject == "[Entraide 54] Les Restos du Cœur 54 est validée"
    assert "Le département a validé Les Restos du Cœur 54" in notification.body


def test_an_invitation_is_emailed_to_the_invited_address():
    association = AssociationFactory(name="Secours populaire")
    invitation_create(
        association=association, email="nouveau@asso.fr", role="member", invited_by=member_of(association)
    )

    [notification] = rows(Event.INVITATION)
    assert notification.recipient == "nouveau@asso.fr"
    assert notification.subject == "[Entraide 54] Invitation à rejoindre Secours populaire"
    assert "/associations/invitation/" in notification.body


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

    assert events.daily_digests() == 1
    assert events.daily_digests() == 0  # a redelivered task, a restarted beat
    assert events.daily_digests(now=timezone.now() + timedelta(days=1)) == 1


def test_the_daily_digest_goes_to_organisations_with_something_waiting_only():
    busy = MissionFactory(title="Collecte").association
    member = member_of(busy)
    application_create(mission=MissionFactory(association=busy), volunteer=UserFactory(), message="")
    idle = AssociationFactory()
    member_of(idle)

    assert events.daily_digests() == 1

    [digest] = rows(Event.DAILY_DIGEST)
    assert digest.recipient == member.email
    assert "1 candidature de bénévole en attente de réponse" in digest.body


# --- Staff ----------------------------------------------------------------------------------------------------


def test_a_concern_alerts_staff_and_does_not_tell_the_requester_it_is_done(help_request, staff_member):
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="Elle semblait très confuse.", concern=True)

    [alert] = rows(Event.CONCERN_REPORTED)
    assert (alert.channel, alert.recipient) == (Channel.EMAIL, "agent@cd54.fr")
    assert alert.subject == f"[Entraide 54] Inquiétude signalée pour la demande {help_request.reference}"
    assert "Son compte rendu est sur la fiche de la demande" in alert.body
    assert "Elle semblait très confuse." not in alert.body  # it may describe the person: read on the page
    assert rows(Event.REQUEST_DONE) == []


def test_no_volunteer_found_alerts_staff_with_suggested_organisations(help_request, staff_member):
    help_request.triage()
    AssociationFactory(name="Entraide Nancy", covers_whole_departement=True, domains=0b1111)

    assert propose_best(help_request) is None

    [alert] = rows(Event.NEEDS_STAFF)
    assert alert.recipient == "agent@cd54.fr"
    assert "n'a pas trouvé de bénévole" in alert.body and "Entraide Nancy" in alert.body


def test_urgent_requests_nobody_took_alert_staff_once(staff_member, settings):
    settings.URGENT_ALERT_MINUTES = 60
    old = timezone.now() - timedelta(minutes=61)
    waiting = HelpRequestFactory(urgency=Urgency.URGENT, created_at=old, triaged=True)
    HelpRequestFactory(urgency=Urgency.URGENT, created_at=old, status=Status.ASSIGNED)  # taken
    HelpRequestFactory(urgency=Urgency.NORMAL, created_at=old)  # not urgent
    HelpRequestFactory(urgency=Urgency.URGENT)  # filed a moment ago

    assert events.urgent_unassigned_alert() == 1
    assert events.urgent_unassigned_alert() == 0  # once per request

    [alert] = rows(Event.URGENT_UNASSIGNED)
    assert (alert.recipient, alert.help_request) == ("agent@cd54.fr", waiting)
    assert f"Urgent : demande {waiting.reference} toujours sans prise en charge" in alert.subject
    assert "après 60 minutes" in alert.body
