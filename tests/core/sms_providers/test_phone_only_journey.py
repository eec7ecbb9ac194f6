"""The phone-only path from the first call to "help arrived", without a browser and through the département's own
provider: every SMS leaves through the real OVHcloud client to the API on the loopback (fakes.py), every answer
comes back through the SMS account's inbox as the beat task collects it, and every message is asserted.

Monique Petit has no internet. She calls the hotline; the agent files her request and she gets its reference by SMS.
A volunteer is offered it by SMS, answers "oui <code>" from her basic phone, and gets Monique's first name, commune
and number. She does the shopping and says so on her page; Monique is asked whether help arrived and answers "1"."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from matching.enums import ProposalStatus
from matching.services import proposal_create
from notifications.models import InboundSms
from notifications.tasks import collect_inbound_sms
from requests_app.enums import Status
from requests_app.models import AccessLog, HelpRequest
from tests.accounts.factories import AgentFactory
from tests.requests_app.factories import valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

MONIQUE = "+33612345678"
VOLUNTEER = "+33687654321"
LINK = re.compile(r"https?://|www\.|/s/")
TUESDAY_MORNING = datetime(2026, 12, 8, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def provider(ovh_api, settings):
    """OVHcloud's short number, the sender a person can answer (no sender name declared)."""
    settings.OVH_SMS_SENDER = ""
    return ovh_api


def texts(provider, to: str) -> list[str]:
    """The SMS handed to the provider for one number, in order."""
    return [send.json()["message"] for send in provider.sends() if send.json()["receivers"] == [to]]


def answer(provider, django_capture_on_commit_callbacks, *, message_id: int, sender: str, text: str) -> None:
    """A person's SMS reaches the account's inbox; the beat task collects it, and the answers it causes leave."""
    provider.receive(message_id, sender, text)
    with django_capture_on_commit_callbacks(execute=True):
        assert collect_inbound_sms() == 1


@time_machine.travel(TUESDAY_MORNING, tick=False)
def test_a_request_by_phone_is_answered_by_sms_from_the_first_call_to_help_arrived(
    provider, client, django_capture_on_commit_callbacks
):
    # 1. The call: the agent files the request at the console; the reference leaves by SMS, with no link.
    client.force_login(AgentFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("requests:intake"),
            valid_form_data(requester_email="", preferred_channel="sms", no_internet="on"),
            follow=True,
        )
    assert response.status_code == 200
    help_request = HelpRequest.objects.get()
    reference, code = help_request.reference, help_request.reply_code
    assert texts(provider, MONIQUE) == [
        f"Entraide 54 : demande {reference} enregistrée. Gardez cette référence. "
        "Une question ? Appelez le 03 83 94 54 54."
    ]

    # 2. Staff offer it to a volunteer: the SMS says what help and where, asks for OUI or NON with the request's
    # code, and names no one; no link, which OVHcloud's short number would refuse.
    volunteer = VolunteerProfileFactory(phone=VOLUNTEER)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    assert texts(provider, VOLUNTEER) == [
        f"Entraide 54 : Courses à Vandoeuvre-lès-Nancy. Répondez OUI {code} ou NON {code} "
        "avant le 8/12 à 12h00. Détails : votre espace bénévole."
    ]

    # 3. She answers from her phone, in her own words: the request is hers, and only now does she get Monique's
    # first name, commune and number, the reveal written in the access log. Monique learns someone will call.
    answer(provider, django_capture_on_commit_callbacks, message_id=7001, sender=VOLUNTEER, text=f"oui {code.lower()}")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert HelpRequest.objects.get().status == Status.ASSIGNED
    assert texts(provider, VOLUNTEER)[1:] == [
        f"Entraide 54 : la demande {code} vous est confiée. Appelez Monique au 06 12 34 56 78 (Vandoeuvre-lès-Nancy). "
        "Merci !"
    ]
    assert AccessLog.objects.filter(help_request=help_request, user=volunteer.user).exists()
    assert texts(provider, MONIQUE)[1] == (
        f"Entraide 54 : un bénévole s'occupe de votre demande {reference} et va vous contacter. "
        "Une question ? Appelez le 03 83 94 54 54."
    )
    assert provider.incoming == {}  # collected, stored, then deleted at OVHcloud

    # 4. Shopping done, she says so on her page: Monique is asked whether help arrived, with the reference she was
    # given at the first call, no link.
    volunteer_browser = Client()
    volunteer_browser.force_login(volunteer.user)
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_browser.post(
            reverse("volunteers:complete", args=[proposal.pk]), {"report": "Courses livrées, tout va bien."}
        )
    assert HelpRequest.objects.get().status == Status.DONE
    assert texts(provider, MONIQUE)[2] == (
        f"Entraide 54 : votre demande {reference} est terminée. L'aide est-elle bien arrivée ? "
        "Répondez 1 pour oui, 2 pour non. Besoin d'aide : 03 83 94 54 54."
    )

    # 5. She answers "1": the loop is closed, she is thanked, and /pilotage/ counts it.
    answer(provider, django_capture_on_commit_callbacks, message_id=7002, sender=MONIQUE, text="1")
    help_request.refresh_from_db()
    assert help_request.help_arrived is True and help_request.status == Status.DONE
    assert texts(provider, MONIQUE)[3:] == [
        "Entraide 54 : merci de votre réponse, nous sommes heureux que l'aide soit arrivée. "
        "Besoin d'aide : 03 83 94 54 54."
    ]
    assert not InboundSms.objects.for_staff().exists()  # nothing was left for an agent to read
    dashboard = client.get(reverse("pilotage:dashboard")).content.decode()
    table = re.sub(r">\s+<", "><", dashboard.split('id="arrivee-de-l-aide"')[1].split("</table>")[0])
    assert re.findall(r"<td>([^<]*)</td>", table) == ["1", "1", "0", "0", "100 %"]  # asked, yes, no, silent

    # Every SMS of the journey went as one GSM-7 SMS, none with a link, none twice.
    every_text = [send.json()["message"] for send in provider.sends()]
    assert len(every_text) == 6 and not any(LINK.search(text) for text in every_text)
