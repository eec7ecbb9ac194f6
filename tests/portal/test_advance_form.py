"""The advance on the volunteer's completion form (portal.views.volunteer.proposal_complete_view): shown for help
types that allow it, checked field by field in French, the file asked again when the form comes back, and its state
on her dashboard."""

import html

import pytest
from django.urls import reverse

from core.models import HelpType
from matching.enums import ProposalStatus
from requests_app.advances import advance_refuse
from requests_app.enums import AdvanceStatus
from requests_app.models import Advance
from tests.accounts.factories import AgentFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.requests_app.shopping import accepted, receipt
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(client):
    profile = VolunteerProfileFactory()
    client.force_login(profile.user)
    return profile


@pytest.fixture
def proposal(volunteer):
    return accepted(HelpRequestFactory(triaged=True), volunteer=volunteer)


def page(response) -> str:
    return html.unescape(response.content.decode())


def complete(client, proposal, **data):
    return client.post(reverse("volunteers:complete", args=[proposal.pk]), {"report": "Courses livrées.", **data})


def test_the_completion_form_of_shopping_offers_the_advance_with_a_photo_already_taken_or_a_pdf(client, proposal):
    content = page(client.get(reverse("volunteers:proposal", args=[proposal.pk])))
    assert "J'ai avancé l'argent des courses" in content and 'enctype="multipart/form-data"' in content
    # The photo taken at the till is chosen from the phone's pictures: no `capture`, which opens the camera only.
    assert 'accept="image/jpeg,image/png,application/pdf"' in content and "capture=" not in content
    assert "le portail ne traite ni carte ni espèces" in content


@pytest.mark.parametrize(("language", "example"), [("fr", 'placeholder="23,40"'), ("en", 'placeholder="23.40"')])
def test_the_amount_s_example_is_written_as_the_page_s_language_reads_it(client, proposal, language, example):
    client.cookies["django_language"] = language
    assert example in page(client.get(reverse("volunteers:proposal", args=[proposal.pk])))


def test_a_help_type_without_advances_has_no_such_field(client, volunteer):
    other = HelpType.objects.filter(allows_advances=False).first()
    proposal = accepted(HelpRequestFactory(triaged=True, help_type=other), volunteer=volunteer)
    content = page(client.get(reverse("volunteers:proposal", args=[proposal.pk])))
    assert "J'ai avancé" not in content
    # A forged field is ignored rather than recorded.
    complete(client, proposal, advanced="on", amount="12", receipt=receipt())
    assert not Advance.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DONE


def test_the_volunteer_records_her_advance_with_a_french_decimal_comma_and_sees_its_state(client, proposal):
    response = complete(client, proposal, advanced="on", amount="23,40", receipt=receipt())
    assert response.status_code == 302
    advance = Advance.objects.get(proposal=proposal)
    assert str(advance.amount) == "23.40" and advance.status == AdvanceStatus.AWAITING
    dashboard = page(client.get(reverse("volunteers:dashboard")))
    assert "Votre avance de 23,40 €" in dashboard and "en attente de la confirmation" in dashboard
    advance_refuse(advance=advance, by=AgentFactory(), reason="Ticket illisible.")
    dashboard = page(client.get(reverse("volunteers:dashboard")))
    assert "remboursement refusé" in dashboard and "Ticket illisible." in dashboard


def test_without_the_box_the_help_is_completed_without_an_advance(client, proposal):
    assert complete(client, proposal).status_code == 302
    assert not Advance.objects.exists()


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"advanced": "on", "amount": "", "with_file": True}, "Indiquez le montant que vous avez avancé."),
        ({"advanced": "on", "amount": "douze", "with_file": True}, "en chiffres : par exemple 23,40."),
        ({"advanced": "on", "amount": "0", "with_file": True}, "Indiquez un montant entre 0,01 € et 300 €."),
        ({"advanced": "on", "amount": "450", "with_file": True}, "Indiquez un montant entre 0,01 € et 300 €."),
        ({"advanced": "on", "amount": "12", "with_file": False}, "Joignez la photo du ticket de caisse"),
        ({"amount": "12", "with_file": False}, "Cochez « J'ai avancé l'argent des courses »"),
    ],
)
def test_bad_input_comes_back_in_french_with_the_form_filled(client, proposal, data, field_error):
    with_file = data.pop("with_file")
    response = complete(client, proposal, **data, **({"receipt": receipt()} if with_file else {}))
    content = page(response)
    assert response.status_code == 400 and field_error in content
    assert "Courses livrées." in content  # the report is kept
    if with_file:  # browsers never fill a file field again: she is told so
        assert "choisissez à nouveau la photo du ticket" in content
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and not Advance.objects.exists()


def test_a_file_that_is_not_a_picture_is_refused(client, proposal):
    fake = receipt("ticket.jpg", b"MZ\x90\x00 not a photo")
    response = complete(client, proposal, advanced="on", amount="12", receipt=fake)
    assert response.status_code == 400
    assert "Ce fichier n'est pas accepté : envoyez un fichier PDF, JPG, PNG." in page(response)


def test_a_file_too_heavy_is_refused(client, proposal, settings):
    settings.PRIVATE_UPLOAD_MAX_BYTES = 50
    response = complete(client, proposal, advanced="on", amount="12", receipt=receipt())
    assert response.status_code == 400 and "Ce fichier est trop lourd" in page(response)


def test_another_volunteer_cannot_complete_her_help(client, proposal):
    client.force_login(VolunteerProfileFactory().user)
    assert complete(client, proposal, advanced="on", amount="12", receipt=receipt()).status_code == 404
    assert not Advance.objects.exists()


def test_her_data_export_names_her_advance(client, proposal):
    complete(client, proposal, advanced="on", amount="23,40", receipt=receipt())
    [exported] = client.get(reverse("volunteers:export")).json()["propositions"]
    assert exported["avance"]["montant"] == "23.40" and exported["avance"]["remboursee_le"] is None


def test_a_history_line_shows_an_advance_only_where_there_is_one(client, proposal):
    assert proposal.advance_or_none is None
    complete(client, proposal, advanced="on", amount="23,40", receipt=receipt())
    proposal.refresh_from_db()
    assert proposal.advance_or_none == Advance.objects.get(proposal=proposal)
