import html
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.enums import CallbackOrigin, Source, Status
from requests_app.models import HelpRequest
from tests.accounts.factories import UserFactory
from tests.requests_app.factories import HelpRequestFactory, valid_form_data

pytestmark = pytest.mark.django_db
URL = "/accueil-telephonique/"
PARIS = ZoneInfo("Europe/Paris")


def test_the_console_is_for_staff_only(client):
    assert reverse("requests:intake") == URL
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403  # signed in, not staff: refused, not sent to another login
    client.force_login(UserFactory(staff=True))  # staff, but without the permission to file requests
    assert client.get(URL).status_code == 403


def test_an_operator_finds_earlier_requests_from_the_number_however_it_is_typed(client, staff):
    as_requester = HelpRequestFactory(requester_phone="+33612345678", description="Premier appel")
    as_beneficiary = HelpRequestFactory(beneficiary_phone="+33612345678", requester_phone="+33699999999")
    someone_else = HelpRequestFactory(requester_phone="+33611111111")

    content = client.get(URL, {"telephone": "06 12 34 56 78"}).content.decode()

    assert as_requester.reference in content and as_beneficiary.reference in content
    assert someone_else.reference not in content
    assert "2 demandes déjà reçues de ce numéro" in content
    assert 'name="requester_phone" value="06 12 34 56 78"' in content  # carried into the new request


def test_a_known_caller_s_details_are_taken_from_the_latest_request(client, staff):
    HelpRequestFactory(requester_phone="+33612345678", requester_name="Ancien Nom", address="1 rue Vieille")
    latest = HelpRequestFactory(requester_phone="+33612345678", requester_name="Josiane Colin", address="3 rue Neuve")
    content = html.unescape(client.get(URL, {"telephone": "06 12 34 56 78"}).content.decode())
    assert 'value="Josiane Colin"' in content and 'value="3 rue Neuve"' in content
    assert f'value="{latest.commune}"' in content
    assert "Ancien Nom" in content  # listed among earlier requests, not prefilled
    assert 'value="Ancien Nom"' not in content


def test_a_first_call_says_so(client, staff):
    assert "c'est un premier appel" in html.unescape(client.get(URL, {"telephone": "0612345678"}).content.decode())


def test_a_malformed_lookup_number_gets_a_message_not_an_error(client, staff):
    response = client.get(URL, {"telephone": "<script>"})
    assert response.status_code == 200
    assert "Numéro de téléphone invalide" in html.unescape(response.content.decode())


@time_machine.travel(datetime(2026, 11, 30, 16, 0, tzinfo=PARIS), tick=False)
def test_an_operator_files_a_phone_request_with_a_callback_and_a_note(client, staff):
    data = valid_form_data(
        preferred_channel="phone",
        callback_at="2026-12-01T10:30",
        note="Appelle de la part de sa mère",
        requester_email="",
    )
    response = client.post(URL, data, follow=True)

    help_request = HelpRequest.objects.get()
    assert (help_request.source, help_request.status, help_request.created_by) == (Source.PHONE, Status.NEW, staff)
    callback = help_request.callbacks.get()
    assert callback.due_at.isoformat().startswith("2026-12-01T09:30")  # 10:30 in Paris is 09:30 UTC
    assert (callback.origin, callback.created_by, callback.is_open) == (CallbackOrigin.AGENT, staff, True)
    assert help_request.notes.get().text == "Appelle de la part de sa mère"
    assert help_request.notes.get().author == staff
    assert help_request.status_changes.get().changed_by == staff
    assert response.redirect_chain[-1][0] == URL
    assert help_request.reference in response.content.decode()


def test_the_operator_must_record_oral_consent(client, staff):
    response = client.post(URL, valid_form_data(consent=None))
    assert response.status_code == 400
    assert "Recueillez l'accord oral" in html.unescape(response.content.decode())
    assert not HelpRequest.objects.exists()


def test_bad_input_on_the_console_keeps_everything_typed(client, staff):
    data = valid_form_data(requester_phone="06 12", note="Voisine inquiète", callback_at="demain")
    content = html.unescape(client.post(URL, data).content.decode())
    assert "Numéro de téléphone invalide" in content
    assert "Saisissez une date et une heure valides" in content
    for typed in ["06 12", "Voisine inquiète", data["description"], data["commune"]]:
        assert typed in content


def test_the_console_lookup_makes_the_same_queries_however_many_earlier_requests(client, staff):
    HelpRequestFactory(requester_phone="+33612345678")
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            client.get(URL, {"telephone": "0612345678"})
        counts.append(len(queries))
        HelpRequestFactory.create_batch(5, requester_phone="+33612345678")
    assert counts[0] == counts[1]


def test_the_operator_writes_the_summary_for_volunteers_apart_from_the_description(client, staff):
    content = html.unescape(client.get(URL).content.decode())
    assert "Ce que le bénévole peut savoir avant d'accepter" in content
    assert "sans nom, adresse ni téléphone" in content
    client.post(URL, valid_form_data(volunteer_summary="Courses pour une dame âgée", requester_email=""))
    assert HelpRequest.objects.get().volunteer_summary == "Courses pour une dame âgée"
