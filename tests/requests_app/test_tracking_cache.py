"""The tracking page's body is kept in the cache per version of the request, and the whole page for visitors without
an account (requests_app.tracking): a reload reads nothing from the database and draws nothing, and any change the
page shows is there on the next visit."""

import dataclasses
import re
from datetime import timedelta
from unittest import mock

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Commune, HelpType, Hotline
from matching.tasks import propose_open_requests
from requests_app import tracking
from requests_app.enums import Status
from requests_app.models import HelpRequest
from requests_app.retention import closed_requests_anonymise
from tests.accounts.factories import UserFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def track_url(help_request):
    return reverse("requests:track", args=[help_request.tracking_token])


def visit(client, help_request) -> tuple[str, int]:
    """The page, and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(track_url(help_request))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_reload_reads_nothing_from_the_database(client):
    help_request = HelpRequestFactory()
    first, first_queries = visit(client, help_request)
    second, second_queries = visit(client, help_request)
    assert (first_queries, second_queries) == (2, 0)
    assert help_request.reference in second and "Reçue" in second and "Annuler ma demande" in second


def test_a_status_change_shows_on_the_next_visit(client, django_capture_on_commit_callbacks):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    with django_capture_on_commit_callbacks(execute=True):
        help_request.triage()
    page, queries = visit(client, help_request)
    assert queries > 0  # drawn from the database
    assert page.count("<li><time") == 1 and "Reçue" not in page.split('class="entraide-callout')[1].split("</div>")[0]


def test_a_history_line_alone_shows_on_the_next_visit(client, django_capture_on_commit_callbacks):
    help_request = HelpRequestFactory(domain="childcare", carer_status="carer")
    help_request.status_changes.create(from_status="", to_status=Status.NEW)
    assert visit(client, help_request)[0].count("<li><time") == 1
    with django_capture_on_commit_callbacks(execute=True):
        help_request.confirm_carer(by=None)  # a history line, the status unchanged
    assert visit(client, help_request)[0].count("<li><time") == 2


def test_a_field_saved_on_the_request_shows_on_the_next_visit(client):
    help_request = HelpRequestFactory(urgency=1)
    visit(client, help_request)
    help_request.urgency = 3
    help_request.save(update_fields=["urgency"])
    page, queries = visit(client, help_request)
    assert queries > 0 and help_request.get_urgency_display() in page


def test_a_cancelled_request_shows_as_cancelled_at_once_then_its_page_is_kept(client):
    help_request = HelpRequestFactory(triaged=True)
    visit(client, help_request)
    client.post(reverse("requests:cancel", args=[help_request.tracking_token]), {"confirmer": "1"})
    drawn, drawn_queries = visit(client, help_request)
    kept, kept_queries = visit(client, help_request)
    assert (drawn_queries > 0, kept_queries) == (True, 0)
    for page in (drawn, kept):
        assert "Annulée" in page and "Annuler ma demande" not in page
    # The page that told the person, kept whole for the next visitor, would tell it again to every reload.
    told = "Merci de nous avoir prévenus"
    assert told in drawn and told not in kept and told not in visit(client, help_request)[0]


def test_an_anonymised_request_is_drawn_from_what_is_left_of_it(client):
    help_request = HelpRequestFactory(cancelled=True, status_changed_at=timezone.now() - timedelta(days=400))
    visit(client, help_request)
    assert visit(client, help_request)[1] == 0  # a closed request's page is kept like any other
    assert closed_requests_anonymise() == 1
    HelpRequest.objects.filter(pk=help_request.pk).update(reference="E54-ANON-0001")  # what only a query can see
    page, queries = visit(client, help_request)
    assert queries > 0 and "E54-ANON-0001" in page


def test_a_help_type_renamed_by_staff_shows_on_every_tracking_page(client, django_capture_on_commit_callbacks):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    with django_capture_on_commit_callbacks(execute=True):
        HelpType.objects.filter(pk=help_request.help_type_id).update(name="Courses et pharmacie")
        HelpType.objects.get(pk=help_request.help_type_id).save()
    assert "Courses et pharmacie" in visit(client, help_request)[0]


def test_the_cached_page_carries_a_csrf_token_valid_for_its_visitor(django_capture_on_commit_callbacks):
    help_request = HelpRequestFactory(triaged=True)
    Client().get(track_url(help_request))  # another visitor puts the page in the cache
    visitor = Client(enforce_csrf_checks=True)
    page, queries = visit(visitor, help_request)
    assert queries == 0
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = visitor.post(
        reverse("requests:cancel", args=[help_request.tracking_token]),
        {"csrfmiddlewaretoken": token, "reason": "Ma fille arrive"},
    )
    assert response.status_code == 200 and "Annuler votre demande ?" in response.content.decode()


def test_english_visitors_get_the_english_page(client):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page, _queries = visit(client, help_request)
    assert '<html lang="en"' in page and "Received" in page


def test_no_cache_key_holds_the_tracking_token(client):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    keys = [key.decode() for key in redis.Redis.from_url(settings.REDIS_URL).scan_iter("*tracking*")]
    assert keys and not any(help_request.tracking_token in key for key in keys)


def test_the_empty_cancel_field_is_drawn_in_memory_not_read_from_redis(client):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    keys_read = []
    original_get = cache.get

    def get(key, *args, **kwargs):
        keys_read.append(key)
        return original_get(key, *args, **kwargs)

    with mock.patch.object(cache, "get", get):
        page, _queries = visit(client, help_request)
    assert 'name="reason"' in page
    # A round trip each reload saved: only the page's own keys and the layout's shared values go to Redis.
    assert not [key for key in keys_read if key.startswith("template.cache.")]


def test_a_reload_is_one_round_trip_to_the_cache(client):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    operations = []
    for name in ("get", "get_many", "add", "set", "set_many"):
        original = getattr(cache, name)
        patcher = mock.patch.object(
            cache,
            name,
            side_effect=lambda *args, _name=name, _original=original, **kwargs: (
                operations.append(_name) or _original(*args, **kwargs)
            ),
        )
        patcher.start()
    try:
        page, queries = visit(client, help_request)
    finally:
        mock.patch.stopall()
    # The request's version, the help types' generation, the kept page and the layout's parts: one MGET.
    assert (operations, queries) == (["get_many"], 0)
    assert help_request.reference in page


def test_a_page_kept_at_an_older_version_is_drawn_again(client):
    help_request = HelpRequestFactory(triaged=True)
    visit(client, help_request)
    with translation.override("fr"):
        page_key, whole_key = (
            tracking._page_key(help_request.tracking_token),
            tracking._whole_key(help_request.tracking_token),
        )
    _version, generation, page = cache.get(page_key)
    _version, generation, stamp, (content_type, content) = cache.get(whole_key)
    # What a visit that read the request before a change stores after it: the page of then, under the version of then.
    stale = dataclasses.replace(page, body=page.body.replace("Étudiée", "PÉRIMÉE"))
    cache.set(page_key, ("a version forgotten since", generation, stale))
    stale_whole = (content_type, content.replace("Étudiée".encode(), "PÉRIMÉE".encode()))
    cache.set(whole_key, ("a version forgotten since", generation, stamp, stale_whole))
    shown, queries = visit(client, help_request)
    assert queries > 0 and "PÉRIMÉE" not in shown and "Étudiée" in shown


def shown_status(page: str) -> str:
    return page.split('entraide-callout__title">')[1].split("</h2>")[0]


def test_a_change_committed_while_a_visit_reads_the_request_shows_on_the_next_visit(
    client, django_capture_on_commit_callbacks
):
    help_request = HelpRequestFactory()  # never visited: the visit sets the request's version
    read = tracking._shown_request

    def read_then_triaged_meanwhile(token):
        shown = read(token)  # the row as it was
        with django_capture_on_commit_callbacks(execute=True):  # staff's change commits before the visit stores
            HelpRequest.objects.get(pk=help_request.pk).triage()
        return shown

    with mock.patch.object(tracking, "_shown_request", side_effect=read_then_triaged_meanwhile):
        assert shown_status(visit(client, help_request)[0]) == Status.NEW.label
    page, queries = visit(client, help_request)
    assert queries > 0 and shown_status(page) == Status.TRIAGED.label


def test_the_matching_batch_s_proposals_show_on_the_next_visit(client, django_capture_on_commit_callbacks):
    nancy = Commune.objects.get(insee="54395")
    help_request = HelpRequestFactory(triaged=True, commune=nancy, help_type=HelpType.objects.get(code="shopping"))
    VolunteerProfileFactory(home_commune=nancy)
    assert shown_status(visit(client, help_request)[0]) == Status.TRIAGED.label
    with django_capture_on_commit_callbacks(execute=True):
        propose_open_requests()  # moves the requests in bulk, without a signal
    help_request.refresh_from_db()
    assert help_request.status == Status.PROPOSED
    page, queries = visit(client, help_request)
    assert queries > 0 and shown_status(page) == Status.PROPOSED.label


def test_a_mistyped_token_keeps_nothing_in_the_cache(client):
    token = "a-token-no-request-has-123"
    assert client.get(reverse("requests:track", args=[token])).status_code == 404
    assert cache.get(tracking._version_key(token)) is None


# --- The whole page, kept for visitors without an account -----------------------------------------------------------


def test_a_visitor_s_reload_draws_no_template(client):
    help_request = HelpRequestFactory()
    assert client.get(track_url(help_request)).templates  # the first visit draws the page
    reload = client.get(track_url(help_request))
    assert reload.templates == [] and help_request.reference in reload.content.decode()


def test_a_signed_in_visitor_gets_the_layout_drawn_for_her_and_leaves_no_copy(client):
    help_request = HelpRequestFactory()
    visit(client, help_request)  # a visitor keeps the page whole
    agent = Client()
    agent.force_login(UserFactory(email="agent.nancy@exemple.fr"))
    response = agent.get(track_url(help_request))
    assert response.templates and "agent.nancy@exemple.fr" in response.content.decode()
    assert "agent.nancy@exemple.fr" not in visit(Client(), help_request)[0]


def test_a_query_string_gets_the_page_drawn_and_not_kept(client):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    response = client.get(track_url(help_request), {"utm_source": "sms"})
    assert response.status_code == 200 and response.templates  # its links to other languages carry it
    reload = client.get(track_url(help_request))
    assert reload.templates == [] and "utm_source" not in reload.content.decode()  # the plain copy still kept


def test_a_cache_that_refuses_the_whole_page_only_means_it_is_drawn_again(client):
    help_request = HelpRequestFactory()
    visit(client, help_request)  # the body is kept
    with translation.override("fr"):
        whole_key = tracking._whole_key(help_request.tracking_token)
    cache.delete(whole_key)
    original_set = cache.set

    def refusing(key, *args, **kwargs):
        if key == whole_key:
            raise redis.exceptions.ResponseError("OOM command not allowed when used memory > 'maxmemory'")
        return original_set(key, *args, **kwargs)

    with mock.patch.object(cache, "set", side_effect=refusing):
        page, queries = visit(client, help_request)
    assert help_request.reference in page and cache.get(whole_key) is None


def test_a_new_hotline_number_shows_on_the_next_reload(client, django_capture_on_commit_callbacks):
    help_request = HelpRequestFactory()
    visit(client, help_request)
    assert visit(client, help_request)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        Hotline.objects.create(pk=Hotline.SINGLETON_ID, phone="03 83 00 00 00")
    page = visit(client, help_request)[0]
    assert "03 83 00 00 00" in page and "03 83 94 54 54" not in page
