"""The notices about proposals, to volunteers and staff (matching/notices.py), and every SMS of a request's path
fitting in one GSM message. Tasks run in-process here; test_worker.py proves the same path through Redis and a
real worker. The notices about requests and organisations are tested beside them, in tests/requests_app and
tests/associations."""

import pytest
from django.db.models.functions import Length
from django.urls import reverse

from core.models import Commune, HelpType
from core.sms import SmsLength, sms_length
from crisis.models import HealthRules
from matching.services import proposal_accept, proposal_complete, proposal_create, propose_best
from notifications.enums import Channel, Event
from notifications.models import Notification
from requests_app.services import help_request_create
from tests.accounts.factories import AgentFactory
from tests.associations.factories import AssociationFactory
from tests.notifications.messages import assert_no_personal_data, jeanne_s_request, rows, sent_to
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_request():
    return jeanne_s_request()


@pytest.fixture
def staff_member():
    return AgentFactory(email="agent@cd54.fr")


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
    code = help_request.reply_code
    assert sms.body.startswith(f"Entraide 54 : Courses à Nancy. Répondez OUI {code} ou NON {code} avant le ")
    # An OUI by SMS accepts the health rules in force: their summary comes before where to find the details.
    assert sms.body.endswith(". Consignes : Masque, 1 m, mains lavées, pas de visite si fièvre ou toux.")
    rules = HealthRules.objects.current()
    assert f"consignes sanitaires (version {rules.version} du" in email.body and rules.text in email.body
    for notification in (email, sms):
        assert_no_personal_data(notification)


def test_the_proposal_sms_sends_to_the_volunteer_space_when_the_provider_refuses_links(help_request, settings):
    settings.SMS_BACKEND, settings.OVH_SMS_SENDER = "ovh", ""  # OVHcloud's short number (core.sms.links_allowed)
    HealthRules.objects.create(text="Masque.", summary="Masque.")  # short enough to leave room for the details
    proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory(phone="+33698765432"))

    [sms] = rows(Event.PROPOSAL_MADE, channel=Channel.SMS)
    assert sms.body.startswith("Entraide 54 : Courses à Nancy. Répondez OUI ")
    assert sms.body.endswith(". Consignes : Masque. Détails : votre espace bénévole.") and "http" not in sms.body


def test_the_proposal_email_says_in_a_few_words_what_the_need_is_but_not_the_description(help_request):
    help_request.volunteer_summary = "Courses pour une personne âgée, une dizaine d'articles"
    help_request.save(update_fields=["volunteer_summary"])
    proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory(phone="+33698765432"))

    email, sms = rows(Event.PROPOSAL_MADE)
    assert "En quelques mots : Courses pour une personne âgée, une dizaine d'articles" in email.body
    assert "une dizaine d'articles" not in sms.body
    for notification in (email, sms):
        assert_no_personal_data(notification)  # the description among them


def test_every_sms_fits_in_one_gsm_message_whole_with_the_longest_names(client, settings):
    settings.SITE_URL = "https://entraide54.departement-meurthe-et-moselle.fr"
    commune = Commune.objects.order_by(Length("name").desc()).first()
    help_type = HelpType.objects.order_by(Length("name").desc()).first()
    help_request = help_request_create(
        help_request=HelpRequestFactory.build(
            commune=commune,
            help_type=help_type,
            requester_phone="+33612345678",
            preferred_channel="sms",
            volunteer_summary="a" * 300,  # the summary is for the email and the page: no SMS could hold it
        )
    )
    help_request.triage()
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory(phone="+33698765432"))
    proposal_complete(proposal=proposal_accept(proposal=proposal), report="", concern=False)

    messages = {n.event: n.body for n in Notification.objects.filter(channel=Channel.SMS)}
    # The request's end is said in the SMS asking whether help arrived (requests_app/arrival.py).
    assert set(messages) == {
        Event.REQUEST_RECEIVED, Event.PROPOSAL_MADE, Event.REQUEST_TAKEN, Event.HELP_ARRIVED_ASKED
    }  # fmt: skip
    for event, body in messages.items():
        # In GSM 03.38, 160 characters: one other character (ç, ê, …) and the whole text goes as Unicode, 70 an SMS.
        assert sms_length(body) == SmsLength(encoding="GSM-7", units=len(body), parts=1), (event, body)
        assert not body.endswith("..."), event
    # The help type and the commune whole, so that she does not accept blind; the link left out, too long to fit.
    assert messages[Event.PROPOSAL_MADE].startswith(
        f"Entraide 54 : {help_type.name} à {commune.name}. "
        f"Répondez OUI {help_request.reply_code} ou NON {help_request.reply_code} avant le "
    )
    assert messages[Event.PROPOSAL_MADE].endswith(". Détails : votre espace bénévole.")
    assert messages[Event.REQUEST_RECEIVED].endswith(f"{settings.SITE_URL}/s/{help_request.tracking_token}/")


def test_a_volunteer_without_a_phone_number_gets_the_proposal_by_email_only(help_request):
    proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory(phone=""))
    assert [channel for channel, _to in sent_to(Event.PROPOSAL_MADE)] == [Channel.EMAIL]


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
