"""Staff's review screen in the admin: waiting documents first, approve after comparing the name, refuse with a
reason; both through volunteers/vetting.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.volunteers.factories import VettingDocumentFactory
from volunteers.enums import DocumentStatus
from volunteers.vetting import vetting_document_refuse

pytestmark = pytest.mark.django_db


def test_waiting_documents_come_first(client, staff):
    refused = VettingDocumentFactory()
    vetting_document_refuse(document=refused, by=staff, reason="Illisible.")
    waiting = VettingDocumentFactory()
    response = client.get(reverse("admin:volunteers_vettingdocument_changelist"))
    assert response.status_code == 200
    shown = [row.pk for row in response.context["cl"].result_list]
    assert shown == [waiting.pk, refused.pk]


def test_the_change_page_links_the_file_and_the_decisions(client, staff):
    document = VettingDocumentFactory()
    page = client.get(reverse("admin:volunteers_vettingdocument_change", args=[document.pk])).content.decode()
    assert reverse("volunteers:vetting_document_file", args=[document.pk]) in page
    assert reverse("admin:volunteers_vettingdocument_approve", args=[document.pk]) in page
    assert reverse("admin:volunteers_vettingdocument_refuse", args=[document.pk]) in page


def test_staff_approve_once_they_compared_the_name(client, staff):
    document = VettingDocumentFactory()
    url = reverse("admin:volunteers_vettingdocument_approve", args=[document.pk])
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Comparez le nom du document" in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    response = client.post(url, {"name_checked": "on"})
    assert response.status_code == 302
    document.refresh_from_db()
    document.volunteer.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED and document.reviewed_by == staff
    assert document.volunteer.document_checked_until == document.issued_on + timedelta(days=90)


def test_staff_refuse_with_a_reason_only(client, staff):
    document = VettingDocumentFactory()
    url = reverse("admin:volunteers_vettingdocument_refuse", args=[document.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Indiquez le motif du refus" in response.content.decode()
    client.post(url, {"reason": "Photo floue : le nom ne se lit pas."})
    document.refresh_from_db()
    assert document.status == DocumentStatus.REFUSED
    assert document.refusal_reason == "Photo floue : le nom ne se lit pas."


def test_an_extract_that_became_too_old_while_waiting_cannot_be_approved(client, staff):
    document = VettingDocumentFactory(issued_on=timezone.localdate() - timedelta(days=95))
    response = client.post(
        reverse("admin:volunteers_vettingdocument_approve", args=[document.pk]), {"name_checked": "on"}, follow=True
    )
    assert "refusez-le, en demandant un extrait récent" in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


def test_the_decision_pages_are_refused_to_staff_without_the_power(client):
    from tests.accounts.factories import UserFactory

    document = VettingDocumentFactory()
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("admin:volunteers_vettingdocument_approve", args=[document.pk]), {"name_checked": "on"}
    )
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
