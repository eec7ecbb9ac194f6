import json

import pytest
from django.core import mail
from django.test import Client

from api.models import IdempotencyKey
from associations.enums import OrganisationKind
from requests_app.enums import Source, Status
from requests_app.models import HelpRequest
from tests.api.factories import ApiTokenFactory, bearer, resident
from tests.concurrency import run_at_once
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/demandes/"


@pytest.fixture
def ccas():
    return ApiTokenFactory(organisation__kind=OrganisationKind.COMMUNE, organisation__name="CCAS de Lunéville")


def post(client, token, body, key=None):
    headers = bearer(token) | ({"Idempotency-Key": key} if key else {})
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def test_a_commune_files_a_request_for_a_resident(client, ccas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, ccas, resident())
    assert response.status_code == 201, response.content
    answer = response.json()
    help_request = HelpRequest.objects.get()
    assert answer["reference"] == help_request.reference
    assert response["Location"] == f"{URL}{help_request.reference}/"
    assert (answer["status"], answer["status_label"], answer["help_type"]) == ("new", "Reçue", "shopping")
    assert answer["commune"]["name"] == "Lunéville" and answer["next_step"]
    assert [line["status"] for line in answer["history"]] == ["new"]
    assert (help_request.source, help_request.filed_by, help_request.created_by) == (
        Source.PARTNER, ccas.organisation, None
    )  # fmt: skip
    assert help_request.consent_at is not None and help_request.lives_alone and help_request.aged_70_plus
    assert (help_request.beneficiary_name, help_request.address) == ("Germaine Petit", "12 rue de la République")
    # No personal data in the answer: the organisation has what it sent.
    for sent in ("Germaine", "Claire", "République", "03 83", "+33383"):
        assert sent not in response.content.decode()
    # As from the public form: the history's first line and the acknowledgement to the requester.
    assert help_request.status_changes.get().to_status == Status.NEW
    assert [message.to for message in mail.outbox] == [["claire.martin@mairie-luneville.fr"]]
    assert help_request.reference in mail.outbox[0].body


def test_the_requests_of_a_duplicate_resident_are_flagged_not_refused(client, ccas):
    earlier = HelpRequestFactory(requester_phone="+33612345678")
    response = post(client, ccas, resident(requester_phone="06 12 34 56 78", preferred_channel="sms"))
    assert response.status_code == 201
    assert HelpRequest.objects.get(reference=response.json()["reference"]).possible_duplicate_of == earlier


def test_the_public_forms_rules_and_messages_come_back_field_by_field(client, ccas):
    response = post(
        client,
        ccas,
        resident(
            requester_email="", commune="Atlantis", help_type="teleportation", consent=False, description="",
            requester_relation="relative", beneficiary_name="",
        ),
    )  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["type"] == "urn:entraide:probleme:validation" and problem["instance"] == URL
    errors = {error["field"]: error["detail"] for error in problem["errors"]}
    assert errors == {
        "requester_phone": "Indiquez un téléphone ou une adresse électronique pour le suivi.",
        "beneficiary_name": "Indiquez le nom de la personne à aider.",
        "commune": "Commune inconnue dans le département : choisissez-la dans la liste ou donnez son code postal.",
        "help_type": "Type d'aide inconnu : voyez les codes possibles dans la documentation de l'API.",
        "description": "Ce champ est obligatoire.",
        "preferred_channel": "Pour être informé par courriel, donnez une adresse électronique.",
        "consent": "L'accord de la personne est nécessaire : recueillez-le, puis envoyez « consent » à true.",
    }
    assert not HelpRequest.objects.exists()


def test_a_phone_number_that_is_not_one_gets_the_public_forms_message(client, ccas):
    response = post(client, ccas, resident(requester_phone="12", preferred_channel="sms"))
    errors = {error["field"]: error["detail"] for error in response.json()["errors"]}
    assert errors["requester_phone"] == (
        "Numéro de téléphone invalide : saisissez par exemple 06 12 34 56 78 ou +33 6 12 34 56 78."
    )


def test_wrong_json_types_and_unknown_fields_are_named_in_french(client, ccas):
    response = post(client, ccas, resident(urgency="très", lives_alone="peut-être", telephone="0612345678"))
    assert response.status_code == 422
    errors = {error["field"]: error["detail"] for error in response.json()["errors"]}
    assert errors == {
        "urgency": "Un nombre entier est attendu.",
        "lives_alone": "La valeur doit être true ou false.",
        "telephone": "Ce champ n'existe pas.",
    }


def test_a_body_that_is_not_json_is_a_400_problem(client, ccas):
    response = client.post(URL, data="{pas du json", content_type="application/json", headers=bearer(ccas))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "JSON valide" in response.json()["detail"]


@pytest.mark.parametrize("kind", [OrganisationKind.ASSOCIATION, OrganisationKind.OTHER])
def test_an_association_may_not_file_requests(client, kind):
    token = ApiTokenFactory(organisation__kind=kind)
    response = post(client, token, resident())
    assert response.status_code == 403
    assert response.json()["type"] == "urn:entraide:probleme:structure-non-autorisee"
    assert "communes et CCAS" in response.json()["detail"]
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("kind", [OrganisationKind.HOME_HELP, OrganisationKind.DEPARTEMENT_SERVICE])
def test_a_home_help_service_and_a_departement_service_may_file(client, kind):
    assert post(client, ApiTokenFactory(organisation__kind=kind), resident()).status_code == 201


# --- Idempotency --------------------------------------------------------------------------------------------------


def test_the_same_key_and_body_again_gives_the_first_answer_and_files_nothing(client, ccas):
    first = post(client, ccas, resident(), key="depot-2026-0001")
    again = post(client, ccas, resident(), key="depot-2026-0001")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert HelpRequest.objects.count() == 1


def test_the_same_body_written_otherwise_is_the_same_call(client, ccas):
    body = resident()
    first = post(client, ccas, body, key="k1")
    reordered = dict(reversed(list(body.items())))
    assert post(client, ccas, reordered, key="k1").json()["reference"] == first.json()["reference"]


def test_the_same_key_with_another_body_is_refused(client, ccas):
    post(client, ccas, resident(), key="depot-2026-0002")
    response = post(client, ccas, resident(description="Autre chose."), key="depot-2026-0002")
    assert response.status_code == 422
    assert response.json()["type"] == "urn:entraide:probleme:cle-idempotence-reutilisee"
    assert HelpRequest.objects.count() == 1


def test_keys_are_per_token(client, ccas):
    other = ApiTokenFactory(organisation__kind=OrganisationKind.COMMUNE)
    post(client, ccas, resident(), key="partagee")
    assert post(client, other, resident(), key="partagee").status_code == 201
    assert HelpRequest.objects.count() == 2


def test_a_refused_call_leaves_its_key_free_for_the_corrected_one(client, ccas):
    assert post(client, ccas, resident(consent=False), key="k2").status_code == 422
    assert not IdempotencyKey.objects.exists()
    assert post(client, ccas, resident(), key="k2").status_code == 201


def test_a_key_kept_past_its_time_is_a_new_key(client, ccas, settings, time_machine):
    time_machine.move_to("2026-03-02 09:00 +0100")
    first = post(client, ccas, resident(), key="k3")
    time_machine.move_to("2026-03-03 09:01 +0100")
    second = post(client, ccas, resident(), key="k3")
    assert second.status_code == 201 and second.json()["reference"] != first.json()["reference"]


def test_a_key_must_be_printable_and_short(client, ccas):
    response = post(client, ccas, resident(), key="x" * 256)
    assert response.status_code == 400 and response.json()["type"] == "urn:entraide:probleme:validation"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_calls_sent_at_once_with_one_key_file_once():
    token = ApiTokenFactory(organisation__kind=OrganisationKind.COMMUNE)
    body = json.dumps(resident())

    def call():
        response = Client().post(
            URL, data=body, content_type="application/json", headers=bearer(token) | {"Idempotency-Key": "k4"}
        )
        return response.status_code, response.json()["reference"]

    outcomes = run_at_once(*[call] * 4)
    assert HelpRequest.objects.count() == 1
    assert outcomes == [(201, HelpRequest.objects.get().reference)] * 4


# --- Reading ------------------------------------------------------------------------------------------------------


def test_a_token_reads_the_requests_its_organisation_filed_and_no_other(client, ccas):
    mine = HelpRequestFactory(source=Source.PARTNER, filed_by=ccas.organisation)
    mine.transition(Status.TRIAGED)
    other_organisation_token = ApiTokenFactory(organisation__kind=OrganisationKind.COMMUNE)
    theirs = HelpRequestFactory(source=Source.PARTNER, filed_by=other_organisation_token.organisation)
    public = HelpRequestFactory()

    listed = client.get(URL, headers=bearer(ccas)).json()
    assert listed["count"] == 1 and [item["reference"] for item in listed["items"]] == [mine.reference]
    detail = client.get(f"{URL}{mine.reference}/", headers=bearer(ccas))
    assert detail.status_code == 200 and detail.json()["status"] == "triaged"
    assert [line["status"] for line in detail.json()["history"]] == ["triaged"]
    for reference in (theirs.reference, public.reference, "E54-0000-0000"):
        response = client.get(f"{URL}{reference}/", headers=bearer(ccas))
        assert response.status_code == 404 and response["Content-Type"].startswith("application/problem+json")
    # And the other organisation sees its own only.
    listed = client.get(URL, headers=bearer(other_organisation_token)).json()
    assert [item["reference"] for item in listed["items"]] == [theirs.reference]


def test_a_reference_is_found_whatever_its_case(client, ccas):
    mine = HelpRequestFactory(source=Source.PARTNER, filed_by=ccas.organisation)
    assert client.get(f"{URL}{mine.reference.lower()}/", headers=bearer(ccas)).status_code == 200


def test_the_list_is_paginated_newest_first(client, ccas):
    HelpRequestFactory.create_batch(51, source=Source.PARTNER, filed_by=ccas.organisation)
    first = client.get(URL, headers=bearer(ccas)).json()
    second = client.get(URL, {"page": 2}, headers=bearer(ccas)).json()
    assert first["count"] == 51 and len(first["items"]) == 50 and len(second["items"]) == 1
    dates = [item["created_at"] for item in first["items"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_list_makes_the_same_few_queries_whatever_its_length(client, ccas, rows, django_assert_max_num_queries):
    for help_request in HelpRequestFactory.create_batch(rows, source=Source.PARTNER, filed_by=ccas.organisation):
        help_request.transition(Status.TRIAGED)
    client.get(URL, headers=bearer(ccas))
    # The token and its organisation, last_used_at, the count, the page, its history; the call log's INSERT.
    with django_assert_max_num_queries(6):
        response = client.get(URL, headers=bearer(ccas))
    assert len(response.json()["items"]) == rows


def test_a_call_needs_no_csrf_token_the_bearer_token_is_the_proof(ccas):
    client = Client(enforce_csrf_checks=True)
    assert post(client, ccas, resident()).status_code == 201


@pytest.mark.parametrize("field", ["commune", "requester_name", "description", "requester_phone"])
def test_a_nul_character_anywhere_is_a_validation_error_not_a_500(client, ccas, field):
    response = post(client, ccas, resident(**{field: "Nan\x00cy"}))
    assert response.status_code == 422
    assert field in {error["field"] for error in response.json()["errors"]}


def test_a_lone_surrogate_escaped_in_the_json_is_a_400_problem_not_a_500(client, ccas):
    # "\ud800" is valid JSON but no character: PostgreSQL cannot store it.
    body = json.dumps(resident(description="Courses \ud800 de la semaine"))
    response = client.post(URL, data=body, content_type="application/json", headers=bearer(ccas))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert not HelpRequest.objects.exists()


def test_a_form_sent_instead_of_json_is_a_415_problem_not_a_500(client, ccas):
    response = client.post(URL, data={"requester_name": "Claire Martin"}, headers=bearer(ccas))  # multipart
    assert response.status_code == 415
    assert response["Content-Type"].startswith("application/problem+json")
    assert "application/json" in response.json()["detail"]


def test_a_page_number_too_large_for_the_database_is_a_422_problem_not_a_500(client, ccas):
    response = client.get(URL, {"page": 10**20}, headers=bearer(ccas))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["page"]
