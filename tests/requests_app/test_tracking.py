import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests_app.enums import Status
from requests_app.models import HelpRequest
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


def track_url(help_request):
    return reverse("requests:track", args=[help_request.tracking_token])


def test_the_tracking_page_shows_reference_status_and_next_step_but_no_personal_data(client):
    help_request = HelpRequestFactory(
        requester_name="Monique Petit",
        requester_email="monique@exemple.fr",
        address="12 rue des Lilas",
        beneficiary_name="Paulette Petit",
        description="Je suis diabétique",
    )
    content = client.get(track_url(help_request)).content.decode()

    assert help_request.reference in content
    assert "Reçue" in content
    assert "Un agent du département va étudier votre demande" in content
    assert "Courses" in content and "Nancy" in content
    for personal in ["Monique", "Paulette", "monique@exemple.fr", "12 rue des Lilas", "diabétique", "+3361", "06 1"]:
        assert personal not in content
    assert 'name="robots" content="noindex"' in content


@pytest.mark.parametrize("token", ["inconnu", "x" * 43, "E54-7K3Q-9PXD", "%3Cscript%3E"])
def test_an_unknown_token_is_a_plain_404(client, token):
    HelpRequestFactory()
    assert client.get(f"/demandes/suivi/{token}/").status_code == 404
    assert client.post(f"/demandes/suivi/{token}/annuler/").status_code == 404


def test_the_reference_alone_does_not_open_the_tracking_page(client):
    help_request = HelpRequestFactory()
    assert client.get(f"/demandes/suivi/{help_request.reference}/").status_code == 404


def test_the_requester_cancels_from_the_tracking_link_after_confirming(client):
    help_request = HelpRequestFactory(triaged=True)
    url = reverse("requests:cancel", args=[help_request.tracking_token])

    confirmation = client.post(url, {"reason": "Ma fille arrive"})
    assert "Annuler votre demande ?" in confirmation.content.decode()
    assert 'value="Ma fille arrive"' in confirmation.content.decode()
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.TRIAGED

    response = client.post(url, {"reason": "Ma fille arrive", "confirmer": "1"})

    assert response.status_code == 302 and response.url == track_url(help_request)
    help_request.refresh_from_db()
    assert help_request.status == Status.CANCELLED
    change = help_request.status_changes.get()
    assert change.changed_by is None and "Ma fille arrive" in change.note
    page = client.get(track_url(help_request)).content.decode()
    assert "Votre demande est annulée" in page
    assert "Annuler ma demande" not in page


def test_a_cancelled_request_can_still_be_followed_but_not_cancelled_again(client):
    help_request = HelpRequestFactory(cancelled=True)
    assert client.get(track_url(help_request)).status_code == 200

    response = client.post(
        reverse("requests:cancel", args=[help_request.tracking_token]), {"confirmer": "1"}, follow=True
    )

    assert response.status_code == 200
    assert "ne peut plus être annulée" in response.content.decode()
    assert not help_request.status_changes.exists()


def test_a_cancel_reason_that_is_too_long_comes_back_with_a_message(client):
    help_request = HelpRequestFactory()
    response = client.post(reverse("requests:cancel", args=[help_request.tracking_token]), {"reason": "r" * 501})
    assert response.status_code == 400
    assert "au plus 500 caractères" in response.content.decode()
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.NEW


def test_a_merged_request_points_to_the_request_that_carries_on(client):
    kept = HelpRequestFactory()
    merged = HelpRequestFactory(cancelled=True, merged_into=kept)
    content = client.get(track_url(merged)).content.decode()
    assert "Regroupée avec une demande en cours" in content
    assert kept.reference in content
    assert kept.tracking_token not in content


def test_cancelling_needs_a_post(client):
    help_request = HelpRequestFactory()
    assert client.get(reverse("requests:cancel", args=[help_request.tracking_token])).status_code == 405


def test_the_tracking_page_makes_the_same_queries_however_long_the_history(client):
    short = HelpRequestFactory()
    short.triage()
    long = HelpRequestFactory()
    for _round in range(5):
        long.triage()
        long.transition(Status.NEEDS_STAFF)

    counts = []
    for help_request in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(track_url(help_request)).status_code == 200
        counts.append(len(queries))
    # The request read through its history lines, joined to its help type and commune: one query whatever its length.
    assert counts == [1, 1]


def test_the_request_read_through_its_history_shows_its_details_and_every_line_in_order(client):
    help_request = HelpRequestFactory()
    help_request.triage()
    help_request.transition(Status.NEEDS_STAFF)
    content = client.get(track_url(help_request)).content.decode()
    lines = [html.unescape(line) for line in re.findall(r"<li><time [^>]*>[^<]*</time> — ([^<]+)</li>", content)]
    assert lines == [Status.TRIAGED.label, Status.NEEDS_STAFF.label]
    assert help_request.reference in content and "Courses" in content and "Nancy" in content


def test_a_merged_request_with_a_history_still_points_to_the_request_that_carries_on(client):
    kept = HelpRequestFactory()
    merged = HelpRequestFactory(merged_into=kept)
    merged.cancel(note="Regroupée.")
    content = client.get(track_url(merged)).content.decode()
    assert "Regroupée avec une demande en cours" in content and kept.reference in content


def test_a_request_without_a_history_line_is_still_shown(client):
    # Written outside the filing (a factory here, an import elsewhere): read on its own, with an empty history.
    help_request = HelpRequestFactory()
    assert not help_request.status_changes.exists()
    content = client.get(track_url(help_request)).content.decode()
    assert help_request.reference in content and "Reçue" in content
