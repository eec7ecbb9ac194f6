"""Exceptional childcare: the requester says whether they are a carer or a child-welfare structure (required on the
public form and the hotline console, for childcare only), and staff confirm it from the request's page before any
volunteer is proposed; until then the request waits in the queue, marked."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import HelpType
from requests_app.enums import CarerStatus, Status
from requests_app.models import HelpRequest
from tests.requests_app.factories import HelpRequestFactory, valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

PUBLIC, CONSOLE = "/demandes/nouvelle/", "/accueil-telephonique/"


def childcare_pk() -> str:
    return str(HelpType.objects.get(code="childcare").pk)


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_public_form_asks_a_childcare_requester_whether_they_are_a_carer(client):
    response = client.post(PUBLIC, valid_form_data(help_type=childcare_pk(), description="Garde de mes deux enfants"))
    assert response.status_code == 400
    content = text(response)
    assert "Pour une garde d'enfants seulement : vous êtes…" in content
    assert "Indiquez si vous êtes soignant·e (ou personnel indispensable" in content
    assert "Garde de mes deux enfants" in content  # what was typed stays
    assert not HelpRequest.objects.exists()

    client.post(PUBLIC, valid_form_data(help_type=childcare_pk(), carer_status=CarerStatus.CARER))
    help_request = HelpRequest.objects.get()
    assert (help_request.carer_status, help_request.carer_confirmed_at) == (CarerStatus.CARER, None)
    assert help_request.awaits_carer_confirmation


def test_other_help_asks_nothing_of_the_kind_and_keeps_no_carer_status(client):
    client.post(PUBLIC, valid_form_data(carer_status=CarerStatus.CHILD_WELFARE))
    help_request = HelpRequest.objects.get()
    assert help_request.carer_status == "" and not help_request.awaits_carer_confirmation


def test_the_hotline_console_asks_it_too(client, staff):
    assert reverse("requests:intake") == CONSOLE
    response = client.post(CONSOLE, valid_form_data(help_type=childcare_pk()))
    assert response.status_code == 400
    assert "Garde d'enfants : demandez si l'appelant est soignant·e" in text(response)
    client.post(CONSOLE, valid_form_data(help_type=childcare_pk(), carer_status=CarerStatus.CHILD_WELFARE))
    assert HelpRequest.objects.get().carer_status == CarerStatus.CHILD_WELFARE


def admin_page(help_request) -> str:
    return reverse("admin:requests_app_helprequest_change", args=[help_request.pk])


def test_staff_confirm_the_carer_from_the_request_s_page_then_the_matching_proposes_it(client, staff):
    vetted = VolunteerProfileFactory(document_checked_until=timezone.localdate() + timedelta(days=60))
    help_request = HelpRequestFactory(
        triaged=True, help_type=HelpType.objects.get(code="childcare"), carer_status=CarerStatus.CARER
    )
    page = text(client.get(admin_page(help_request)))
    assert "Garde d'enfants : qualité de l'aidant à confirmer." in page
    assert "Aucune proposition avant que la qualité du demandeur de garde soit confirmée" in page

    confirm = reverse("admin:requests_app_helprequest_confirm_carer", args=[help_request.pk])
    assert client.get(confirm).status_code == 403  # a button, never a link
    response = client.post(confirm, follow=True)

    help_request.refresh_from_db()
    assert help_request.carer_confirmed_by == staff and help_request.carer_confirmed_at is not None
    line = help_request.status_changes.filter(note__startswith="Qualité du demandeur de garde confirmée").get()
    assert line.changed_by == staff
    assert help_request.status == Status.PROPOSED and help_request.proposals.get().volunteer == vetted
    assert f"{help_request.reference} : qualité du demandeur confirmée." in text(response)
    # Twice is refused, with a message, not an error page.
    again = client.post(confirm, follow=True)
    assert "déjà confirmée" in text(again)


def test_a_request_without_a_stated_status_cannot_be_confirmed_before_staff_fill_it_in(client, staff):
    help_request = HelpRequestFactory(triaged=True, help_type=HelpType.objects.get(code="childcare"))
    assert "Le demandeur n'a pas indiqué sa qualité" in text(client.get(admin_page(help_request)))
    response = client.post(
        reverse("admin:requests_app_helprequest_confirm_carer", args=[help_request.pk]), follow=True
    )
    assert "Indiquez d'abord si le demandeur est soignant" in text(response)
    help_request.refresh_from_db()
    assert help_request.carer_confirmed_at is None


def test_the_queue_marks_and_lists_the_childcare_requests_waiting_for_confirmation(client, staff):
    waiting = HelpRequestFactory(triaged=True, help_type=HelpType.objects.get(code="childcare"), carer_status="carer")
    routed = HelpRequestFactory(status=Status.ROUTED, help_type=HelpType.objects.get(code="childcare"))
    confirmed = HelpRequestFactory(
        triaged=True, help_type=HelpType.objects.get(code="childcare"), carer_status="carer",
        carer_confirmed_at=timezone.now(),
    )  # fmt: skip
    shopping = HelpRequestFactory(triaged=True)
    response = client.get(reverse("admin:requests_app_helprequest_changelist"), {"file": "garde-a-confirmer"})
    listed = list(response.context["cl"].result_list)
    assert listed == [waiting]
    assert "qualité de l'aidant à confirmer" in text(response)
    assert {confirmed, shopping, routed}.isdisjoint(listed)  # an organisation holds the routed one


def test_triage_says_why_a_childcare_request_was_proposed_to_nobody(client, staff):
    VolunteerProfileFactory(document_checked_until=timezone.localdate() + timedelta(days=60))
    help_request = HelpRequestFactory(help_type=HelpType.objects.get(code="childcare"), carer_status="carer")
    response = client.post(
        reverse("admin:requests_app_helprequest_changelist"),
        {"action": "triage", "_selected_action": [help_request.pk], "index": 0},
        follow=True,
    )
    help_request.refresh_from_db()
    assert help_request.status == Status.TRIAGED  # waiting, not handed to "no volunteer fits"
    assert "qualité de l'aidant à confirmer" in text(response)
