import html
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests_app.enums import CallbackOrigin, Source, Status
from requests_app.forms import HONEYPOT_FIELD, HelpRequestForm, IntakeForm
from requests_app.models import HelpRequest
from tests.accounts.factories import UserFactory
from tests.requests_app.factories import HelpRequestFactory, valid_form_data

pytestmark = pytest.mark.django_db
URL = "/accueil-telephonique/"
HISTORY_URL = "/accueil-telephonique/historique/"
# Words of a text that speaks to the citizen filling the public form in: "vous", "votre", "je", "moi"…
CITIZEN_VOICE = re.compile(r"\b(vous|votre|vos|je|moi|mon|ma|mes)\b|\bj'", re.IGNORECASE)
SUMMARY = re.compile(r'<div class="entraide-privacy-summary">.*?</div>', re.DOTALL)


def page(response) -> str:
    return html.unescape(response.content.decode())


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


def field_texts(field) -> list[str]:
    return [str(field.label), str(field.help_text), *(str(label) for _value, label in getattr(field, "choices", []))]


def test_every_text_of_the_public_form_that_speaks_to_the_citizen_is_reworded_for_the_operator():
    public, console = HelpRequestForm(), IntakeForm()
    for name, field in public.fields.items():
        if name == HONEYPOT_FIELD or name not in console.fields:  # the honeypot, the citizen's call-back periods
            continue
        to_the_citizen = {text for text in field_texts(field) if CITIZEN_VOICE.search(text)}
        assert not to_the_citizen & set(field_texts(console.fields[name])), name


def test_the_console_s_hints_tell_the_operator_what_to_ask_and_the_public_form_keeps_its_own(client, staff):
    console = page(client.get(URL))
    for hint in [
        "Si l'appelant demande pour un proche, un voisin ou en tant que professionnel.",
        "Faites-lui épeler son nom",
        "Demandez ce qu'il faut, pour quand",
        "Lisez-lui la notice « À lire à l'appelant »",
        "Pour soi-même",
    ]:
        assert hint in console
    assert "Si vous demandez pour quelqu'un d'autre" not in console

    public = page(client.get(reverse("requests:new")))
    assert "Si vous demandez pour quelqu'un d'autre." in public and "Pour moi-même" in public
    assert "l'appelant" not in public


def test_the_notice_read_to_the_caller_is_the_privacy_page_s_summary(client, staff, settings):
    read_aloud = SUMMARY.findall(client.get(URL).content.decode())
    on_the_privacy_page = SUMMARY.findall(client.get(reverse("core:privacy")).content.decode())

    assert len(read_aloud) == 1 and read_aloud == on_the_privacy_page
    assert f"effacées {settings.RETENTION_DAYS} jours après" in read_aloud[0]
    assert 'href="tel:+33383945454"' in read_aloud[0]  # the hotline, to ask for one's data


def test_the_console_shows_the_notice_to_read_before_the_consent_box(client, staff):
    content = page(client.get(URL))
    notice = content.index('id="notice-appelant"')
    assert "À lire à l'appelant" in content[notice:]
    assert "Êtes-vous d'accord pour que nous enregistrions ces informations" in content[notice:]
    assert "L'appelant a entendu la notice et donne son accord oral" in content
    assert "notice lue ou résumée" not in content


def test_the_history_panel_shows_a_number_s_requests_and_offers_the_caller_s_details(client, staff):
    latest = HelpRequestFactory(
        requester_phone="+33612345678",
        requester_name="Josiane Colin",
        requester_relation="relative",
        beneficiary_name="Marcel Colin",
        beneficiary_phone="+33387000000",
        address="3 rue Neuve",
    )
    response = client.get(HISTORY_URL, {"telephone": "06 12 34 56 78"})

    assert response.status_code == 200
    content = page(response)
    assert "<main" not in content  # the panel alone, for static/js/caller-history.js
    assert "1 demande déjà reçue de ce numéro" in content and latest.reference in content
    details = json.loads(
        re.search(r'data-caller-details="([^"]*)"', response.content.decode()).group(1).replace("&quot;", '"')
    )
    assert details == {
        "requester_phone": "06 12 34 56 78",
        "requester_relation": "relative",
        "requester_name": "Josiane Colin",
        "requester_email": "",
        "beneficiary_name": "Marcel Colin",
        "beneficiary_phone": "03 87 00 00 00",
        "commune": str(latest.commune),
        "address": "3 rue Neuve",
    }


def test_the_history_panel_offers_no_details_from_a_request_where_the_number_is_the_beneficiary_s(client, staff):
    HelpRequestFactory(beneficiary_phone="+33612345678", requester_phone="+33699999999", requester_name="Autre")
    response = client.get(HISTORY_URL, {"telephone": "0612345678"})
    assert "1 demande déjà reçue de ce numéro" in page(response)
    assert "data-caller-details" not in response.content.decode()


def test_the_history_panel_of_a_new_number_and_of_a_number_still_being_typed(client, staff):
    assert "c'est un premier appel" in page(client.get(HISTORY_URL, {"telephone": "06 12 34 56 78"}))
    assert "s'affichent ici dès que son numéro est saisi" in page(client.get(HISTORY_URL, {"telephone": "06 12"}))


def test_the_history_panel_is_for_the_console_s_operators_only(client):
    assert client.get(HISTORY_URL, {"telephone": "0612345678"}).status_code == 302  # to the login page
    client.force_login(UserFactory(staff=True))
    assert client.get(HISTORY_URL, {"telephone": "0612345678"}).status_code == 403
    assert client.post(HISTORY_URL, {"telephone": "0612345678"}).status_code in (403, 405)


def test_the_three_latest_requests_are_in_sight_and_the_older_ones_folded_under_them(client, staff):
    now = timezone.now()
    requests = [HelpRequestFactory(requester_phone="+33612345678") for _ in range(5)]
    for age, help_request in enumerate(requests):
        HelpRequest.objects.filter(pk=help_request.pk).update(created_at=now - timedelta(days=age))
    content = page(client.get(URL, {"telephone": "0612345678"}))
    folded = content[content.index("<details") : content.index("</details>")]
    assert "2 demandes plus anciennes" in folded
    assert [r.reference in folded for r in requests] == [False, False, False, True, True]
