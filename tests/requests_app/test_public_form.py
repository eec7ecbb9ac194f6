import html

import pytest
from django.urls import reverse

from core.enums import DayPeriod, Domain, Weekday
from core.slots import slot_bit
from requests_app.enums import Source, Status
from requests_app.models import HelpRequest
from tests.requests_app.factories import valid_form_data

pytestmark = pytest.mark.django_db
URL = "/demandes/nouvelle/"


def test_the_form_is_served_at_its_french_address(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert reverse("requests:new") == URL
    content = response.content.decode()
    assert "Demander de l'aide" in content
    assert 'href="/donnees-personnelles/"' in content  # the consent links to the privacy notice


def test_a_valid_request_is_filed_and_leads_to_its_tracking_page(client):
    response = client.post(URL, valid_form_data())

    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("requests:track", args=[help_request.tracking_token])
    assert help_request.status == Status.NEW
    assert help_request.source == Source.WEB
    assert help_request.requester_phone == "+33612345678"
    assert help_request.commune.insee == "54547"
    assert help_request.domain == Domain.LOCAL_SOLIDARITY
    assert help_request.lives_alone and help_request.aged_70_plus and not help_request.no_internet
    assert help_request.preferred_slots == slot_bit(Weekday.MONDAY, DayPeriod.MORNING) | slot_bit(
        Weekday.WEDNESDAY, DayPeriod.MORNING
    )
    assert help_request.consent_at is not None
    assert [(c.from_status, c.to_status) for c in help_request.status_changes.all()] == [("", Status.NEW)]

    page = client.get(response.url).content.decode()
    assert help_request.reference in page


@pytest.mark.parametrize(
    "typed", ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78", "+33612345678"]
)
def test_french_phone_formats_are_stored_in_e164(client, typed):
    client.post(URL, valid_form_data(requester_phone=typed))
    assert HelpRequest.objects.get().requester_phone == "+33612345678"


@pytest.mark.parametrize(
    "typed",
    ["Vandœuvre-lès-Nancy (54500)", "vandoeuvre les nancy", "VANDŒUVRE-LÈS-NANCY", "54500", " vandoeuvre-les-nancy "],
)
def test_the_commune_is_understood_however_it_is_typed(client, typed):
    client.post(URL, valid_form_data(commune=typed))
    assert HelpRequest.objects.get().commune.insee == "54547"


def test_no_slot_ticked_means_any_time(client):
    client.post(URL, valid_form_data(days=None, periods=None))
    assert HelpRequest.objects.get().preferred_slots == 0


def test_a_request_for_someone_else_keeps_both_people(client):
    client.post(
        URL,
        valid_form_data(
            requester_relation="relative", beneficiary_name="Paulette Petit", beneficiary_phone="03 83 00 00 00"
        ),
    )
    help_request = HelpRequest.objects.get()
    assert help_request.beneficiary_name == "Paulette Petit"
    assert help_request.beneficiary_phone == "+33383000000"


def test_email_alone_is_enough_to_be_contacted(client):
    client.post(URL, valid_form_data(requester_phone="", preferred_channel="email"))
    assert HelpRequest.objects.get().requester_email == "monique.petit@exemple.fr"


def test_the_required_consent_box_is_marked_like_every_required_field(client):
    page = client.get(URL).content.decode()
    consent_label = page[page.index('<label class="form-check-label" for="id_consent">') :]
    consent_label = consent_label[: consent_label.index("</label>")]
    assert consent_label.endswith('<span class="entraide-required" aria-hidden="true">*</span>')
    assert '<label class="form-check-label" for="id_lives_alone">La personne vit seule</label>' in page  # no mark


def filed_message(client, **overrides) -> str:
    """The message on the tracking page that follows filing the form."""
    response = client.post(URL, valid_form_data(**overrides), follow=True)
    assert response.redirect_chain, "the request was filed"
    return html.unescape(str(list(response.context["messages"])[0]))


def test_after_filing_by_email_the_link_is_said_to_come_by_email(client):
    message = filed_message(client, preferred_channel="email")
    reference = HelpRequest.objects.get().reference
    assert f"sous la référence {reference}. Le lien pour la suivre vous est envoyé à votre adresse électronique" in (
        message
    )
    assert "Gardez le lien" not in message


def test_after_filing_by_sms_the_link_is_said_to_come_by_sms(client):
    message = filed_message(client, preferred_channel="sms")
    assert "Le lien pour la suivre vous est envoyé par SMS" in message
    assert "Gardez le lien" not in message


def test_whoever_chose_a_call_is_told_to_note_the_reference_and_given_the_number(client):
    response = client.post(URL, valid_form_data(preferred_channel="phone", requester_email=""), follow=True)
    page = response.content.decode()
    reference = HelpRequest.objects.get().reference
    assert (
        f"Notez votre référence {reference} : un agent vous rappellera dès que possible ; "
        "donnez-la si vous appelez le " in html.unescape(page)
    )
    assert 'vous appelez le <a class="entraide-hotline" href="tel:+33383945454">03 83 94 54 54</a>' in page
    assert "lien" not in str(list(response.context["messages"])[0])


def test_a_caller_who_also_gave_an_address_is_told_the_link_comes_there_too(client):
    message = filed_message(client, preferred_channel="phone")
    assert "Notez votre référence" in message
    assert "aussi envoyé à votre adresse électronique" in message


BAD_INPUTS = [
    ("requester_name", "", "Ce champ est obligatoire"),
    ("requester_name", "M" * 121, "au plus 120 caractères"),
    ("requester_name", "<script>alert('x')</script>", "ne peut pas contenir les caractères"),
    ("requester_phone", "12345", "Numéro de téléphone invalide"),
    ("requester_phone", "06 12 34", "Numéro de téléphone invalide"),
    ("requester_email", "monique@", "adresse de courriel valide"),
    ("requester_email", "x" * 250 + "@exemple.fr", "au plus 254 caractères"),
    ("commune", "", "Ce champ est obligatoire"),
    ("commune", "Paris", "Commune inconnue dans le département"),
    ("commune", "<script>alert(1)</script>", "Commune inconnue dans le département"),
    ("commune", "54300", "Plusieurs communes ont le code postal 54300, dont Lunéville"),
    ("commune", "Saint", "Plusieurs communes correspondent"),
    ("address", "A" * 251, "au plus 250 caractères"),
    ("help_type", "", "Choisissez le type d'aide dont vous avez besoin"),
    ("help_type", "999999", "Choisissez un type d'aide dans la liste"),
    ("help_type", "<script>", "Choisissez un type d'aide dans la liste"),
    ("description", "", "Ce champ est obligatoire"),
    ("description", "a" * 10_000, "au plus 2000 caractères"),
    ("urgency", "9", "Sélectionnez un choix valide"),
    ("days", ["8"], "Sélectionnez un choix valide"),
    ("consent", None, "Votre accord est nécessaire"),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), BAD_INPUTS, ids=[f"{f}-{i}" for i, (f, _v, _m) in enumerate(BAD_INPUTS)]
)
def test_bad_input_gives_a_french_message_next_to_the_field_and_keeps_what_was_typed(client, field, value, message):
    data = valid_form_data(**{field: value})
    response = client.post(URL, data)
    content = html.unescape(response.content.decode())

    assert response.status_code == 400
    assert message in content
    assert f'id="id_{field}-erreurs"' in content or f'id="id_{field}-groupe"' in content
    assert not HelpRequest.objects.exists()
    # Every other field comes back as it was typed.
    for other in ("requester_name", "requester_email", "address", "description", "commune"):
        if other != field:
            assert data[other] in content, other
    if field != "help_type":
        assert f'value="{data["help_type"]}" class=' in content or f'value="{data["help_type"]}"' in content


@pytest.mark.parametrize(("field", "value"), [("commune", "Nan\x00cy"), ("requester_name", "Mo\x00nique")])
def test_a_nul_byte_is_refused_before_the_form_with_the_invalid_request_page(client, field, value):
    # No one types a NUL: core.middleware.RejectNulBytesMiddleware refuses it on every form, this one included.
    response = client.post(URL, valid_form_data(**{field: value}))
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_the_error_summary_links_to_each_field_in_error_and_the_title_says_so(client):
    content = html.unescape(client.post(URL, valid_form_data(requester_phone="12", consent=None)).content.decode())
    assert "<title>Erreur — Demander de l'aide" in content
    assert 'href="#id_requester_phone">Votre téléphone : Numéro de téléphone invalide' in content
    assert 'href="#id_consent">' in content
    assert 'aria-describedby="id_requester_email-erreurs' not in content  # only fields in error point to errors


def test_a_hint_stays_tied_to_its_field_when_there_is_an_error(client):
    content = client.post(URL, valid_form_data(commune="Paris")).content.decode()
    assert 'aria-describedby="id_commune-erreurs id_commune_helptext"' in content
    assert 'id="id_commune_helptext"' in content


def test_sms_needs_a_mobile_number(client):
    response = client.post(URL, valid_form_data(requester_phone="03 83 00 00 00", preferred_channel="sms"))
    assert response.status_code == 400
    assert "Un SMS ne peut être envoyé qu'à un portable" in html.unescape(response.content.decode())
    client.post(URL, valid_form_data(requester_phone="03 83 00 00 00", preferred_channel="phone"))
    assert HelpRequest.objects.get().requester_phone == "+33383000000"


def test_a_too_long_description_is_kept_whole_for_the_person_to_shorten(client):
    text = "Besoin urgent. " * 200
    content = html.unescape(client.post(URL, valid_form_data(description=text)).content.decode())
    assert text.strip() in content
    assert 'maxlength="2000"' not in content


def test_a_malformed_phone_does_not_also_claim_the_contact_is_missing(client):
    content = client.post(URL, valid_form_data(requester_phone="abc", requester_email="")).content.decode()
    assert "Numéro de téléphone invalide" in content
    assert "Indiquez un téléphone ou une adresse électronique" not in content


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"requester_phone": "", "requester_email": ""}, "requester_phone", "Indiquez un téléphone ou une adresse"),
        (
            {"requester_relation": "relative", "beneficiary_name": ""},
            "beneficiary_name",
            "Indiquez le nom de la personne",
        ),
        (
            {"requester_email": "", "preferred_channel": "email"},
            "preferred_channel",
            "donnez une adresse électronique",
        ),
        ({"requester_phone": "", "preferred_channel": "sms"}, "preferred_channel", "indiquez un numéro"),
    ],
)
def test_rules_across_fields_are_explained_on_the_right_field(client, overrides, field, message):
    response = client.post(URL, valid_form_data(**overrides))
    content = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert message in content
    assert f'id="id_{field}-erreurs"' in content or f'id="id_{field}-groupe"' in content
    assert not HelpRequest.objects.exists()


def test_a_script_in_the_description_is_stored_as_text_and_never_rendered_as_markup(client, admin_client):
    client.post(URL, valid_form_data(description="<script>alert('x')</script> merci"))
    help_request = HelpRequest.objects.get()
    assert help_request.description == "<script>alert('x')</script> merci"
    page = admin_client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk])).content.decode()
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page


def test_an_unexpected_method_is_refused_without_error(client):
    assert client.put(URL).status_code == 405


def test_commune_suggestions_come_from_the_departement(client):
    results = client.get("/communes/recherche/", {"q": "vandoeuvre"}).json()["results"]
    assert results == [{"insee": "54547", "label": "Vandœuvre-lès-Nancy (54500)"}]
    assert client.get("/communes/recherche/", {"q": "<script>"}).json() == {"results": []}
    assert len(client.get("/communes/recherche/", {"q": "54300"}).json()["results"]) == 10


def test_the_summary_for_volunteers_is_asked_apart_from_the_description_and_kept_when_the_form_comes_back(client):
    content = html.unescape(client.get(URL).content.decode())
    assert "Ce que le bénévole peut savoir avant d'accepter" in content
    assert "N'y écrivez ni nom, ni adresse, ni téléphone" in content

    summary = "Courses pour une personne âgée, le mardi matin"
    response = client.post(URL, valid_form_data(volunteer_summary=summary, consent=None))
    assert response.status_code == 400
    assert summary in html.unescape(response.content.decode())

    client.post(URL, valid_form_data(volunteer_summary=summary))
    assert HelpRequest.objects.get().volunteer_summary == summary


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Appelez-moi au 06 12 34 56 78", "N'écrivez ici ni téléphone ni adresse électronique"),
        ("Écrire à jeanne@exemple.fr", "N'écrivez ici ni téléphone ni adresse électronique"),
        ("a" * 301, "au plus 300 caractères"),
    ],
)
def test_the_summary_for_volunteers_refuses_contact_details_and_long_texts_keeping_them(client, value, message):
    response = client.post(URL, valid_form_data(volunteer_summary=value))
    content = html.unescape(response.content.decode())
    assert response.status_code == 400 and message in content and value in content
    assert not HelpRequest.objects.exists()


def test_the_summary_for_volunteers_is_optional(client):
    client.post(URL, valid_form_data(volunteer_summary=""))
    assert HelpRequest.objects.get().volunteer_summary == ""
