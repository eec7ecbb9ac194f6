"""Callbacks in the admin: the "Rappels" list (late first, how late, whom to call), each request's callbacks on its
page, and a try recorded in one step from either."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from requests_app.enums import AccessReason, CallbackOutcome, CallbackState, Status
from requests_app.models import AccessLog, HelpRequest
from tests.accounts.factories import UserFactory
from tests.requests_app.factories import CallbackFactory, HelpRequestFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_10H = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
CALLBACKS = reverse("admin:requests_app_callback_changelist")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TUESDAY_10H, tick=False):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def attempt_url(callback) -> str:
    return reverse("admin:requests_app_callback_attempt", args=[callback.pk])


def test_the_list_shows_the_calls_to_make_the_latest_first_with_how_late_and_whom_to_call(client, staff):
    soon = CallbackFactory(due_at=TUESDAY_10H + timedelta(minutes=40))
    late = CallbackFactory(
        due_at=TUESDAY_10H - timedelta(hours=1, minutes=20),
        help_request=HelpRequestFactory(requester_name="Josiane Colin", requester_phone="+33612345678"),
    )
    due_now = CallbackFactory(due_at=TUESDAY_10H)
    CallbackFactory(state=CallbackState.REACHED, closed_at=TUESDAY_10H)

    response = client.get(CALLBACKS)

    assert [callback.pk for callback in response.context["cl"].result_list] == [late.pk, due_now.pk, soon.pk]
    page = text(response)
    assert "Rappels à faire, les plus en retard d'abord" in page
    assert "08:40 en retard de 1 h 20" in page and "10:00 maintenant" in page and "10:40 dans 40 min" in page
    assert "Josiane Colin" in page
    assert 'href="tel:+33612345678"' in response.content.decode()
    assert f'<form id="tentative-{late.pk}" method="post" action="{attempt_url(late)}">' in response.content.decode()
    assert f'form="tentative-{late.pk}"' in response.content.decode()


def test_every_look_at_the_list_is_in_the_access_log_one_line_per_request(client, staff):
    callbacks = CallbackFactory.create_batch(3)
    client.get(CALLBACKS)
    logged = AccessLog.objects.filter(user=staff, reason=AccessReason.SEARCH, path=CALLBACKS)
    assert sorted(logged.values_list("help_request", flat=True)) == sorted(c.help_request_id for c in callbacks)


def test_closed_callbacks_are_listed_when_asked_for(client, staff):
    reached = CallbackFactory(state=CallbackState.REACHED, closed_at=TUESDAY_10H)
    response = client.get(CALLBACKS, {"etat": "reached"})
    assert [callback.pk for callback in response.context["cl"].result_list] == [reached.pk]
    assert f'id="tentative-{reached.pk}"' not in response.content.decode()  # nothing left to record


def test_a_try_is_recorded_in_one_step_from_the_list_and_says_what_follows(client, staff, settings):
    settings.CALLBACK_RETRY_MINUTES = 60
    callback = CallbackFactory(due_at=TUESDAY_10H - timedelta(minutes=10))
    back = f"{CALLBACKS}?etat=a-faire"

    response = client.post(
        attempt_url(callback), {"outcome": CallbackOutcome.VOICEMAIL, "note": "Message laissé", "next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    attempt = callback.attempts.get()
    assert (attempt.outcome, attempt.note, attempt.by) == (CallbackOutcome.VOICEMAIL, "Message laissé", staff)
    message = text(client.get(back))
    assert f"{callback.help_request.reference} : tentative notée ; prochain essai le 01/12 à 11:00." in message


def test_reaching_the_person_from_the_request_page_goes_back_to_it(client, staff):
    callback = CallbackFactory()
    page = reverse("admin:requests_app_helprequest_change", args=[callback.help_request_id])
    response = client.post(attempt_url(callback), {"outcome": CallbackOutcome.REACHED, "next": page}, follow=True)
    assert response.redirect_chain[-1][0] == page
    assert "personne jointe, rappel terminé" in text(response)
    callback.refresh_from_db()
    assert callback.state == CallbackState.REACHED


def test_the_last_failed_try_says_the_request_went_to_staff(client, staff, settings):
    settings.CALLBACK_MAX_ATTEMPTS = 1
    callback = CallbackFactory(help_request=HelpRequestFactory(triaged=True))
    response = client.post(attempt_url(callback), {"outcome": CallbackOutcome.NO_ANSWER}, follow=True)
    assert response.redirect_chain[-1][0] == CALLBACKS
    assert "personne injoignable, la demande est confiée à un agent (alerte envoyée)" in text(response)
    assert HelpRequest.objects.get(pk=callback.help_request_id).status == Status.NEEDS_STAFF


def test_a_try_without_an_outcome_or_on_a_closed_callback_is_refused_with_a_message(client, staff):
    callback = CallbackFactory()
    assert "Choisissez le résultat de l'appel." in text(client.post(attempt_url(callback), {}, follow=True))
    callback.close(CallbackState.REACHED)
    response = client.post(attempt_url(callback), {"outcome": CallbackOutcome.NO_ANSWER}, follow=True)
    assert f"Le rappel de la demande {callback.help_request.reference} est déjà clos" in text(response)
    assert not callback.attempts.exists()


def test_the_way_back_stays_in_the_admin(client, staff):
    callback = CallbackFactory()
    response = client.post(attempt_url(callback), {"outcome": "reached", "next": "https://ailleurs.example/admin/"})
    assert response["Location"] == CALLBACKS


def test_recording_a_try_takes_the_right_to_take_calls(client):
    user = UserFactory(staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_helprequest"))  # may see, not call
    client.force_login(user)
    callback = CallbackFactory()
    assert client.get(attempt_url(callback)).status_code == 403
    assert client.post(attempt_url(callback), {"outcome": "reached"}).status_code == 403
    assert not callback.attempts.exists()


def test_the_list_is_for_staff_who_may_see_contact_details(client):
    client.force_login(UserFactory(staff=True))
    assert client.get(CALLBACKS).status_code == 403


def test_the_request_page_shows_its_callbacks_their_tries_and_the_form_for_the_next(client, staff):
    help_request = HelpRequestFactory()
    done = CallbackFactory(help_request=help_request, state=CallbackState.REACHED, closed_at=TUESDAY_10H)
    done.attempts.create(outcome=CallbackOutcome.NO_ANSWER, by=staff, at=TUESDAY_10H - timedelta(hours=2))
    done.attempts.create(outcome=CallbackOutcome.REACHED, by=staff, note="Tout va bien", at=TUESDAY_10H)
    open_one = CallbackFactory(help_request=help_request, due_at=TUESDAY_10H + timedelta(days=1))

    response = client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk]))

    page = text(response)
    assert "Rappels" in page
    assert f"01/12 08:00 — Pas de réponse, {staff}" in page
    assert f"01/12 10:00 — Rappelé·e, {staff} : « Tout va bien »" in page
    assert "02/12 10:00 dans 1 j" in page
    body = response.content.decode()
    assert f'<form id="tentative-{open_one.pk}"' in body and f'id="tentative-{done.pk}"' not in body
    # The try's form is drawn after the request's form: forms cannot nest.
    assert body.index(f'<form id="tentative-{open_one.pk}"') > body.index("</form></div>")


def schedule_url(help_request) -> str:
    return reverse("admin:requests_app_callback_schedule", args=[help_request.pk])


def test_staff_promise_a_call_from_the_request_page_at_a_time_or_as_soon_as_possible(client, staff):
    help_request = HelpRequestFactory()
    page = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
    body = client.get(page).content.decode()
    assert f'<form id="rappel-nouveau" method="post" action="{schedule_url(help_request)}">' in body
    assert 'name="due_at" form="rappel-nouveau"' in body

    response = client.post(schedule_url(help_request), {"due_at": ""}, follow=True)
    assert response.redirect_chain[-1][0] == page
    assert "Rappel prévu le 01/12 à 10:00." in text(response)
    callback = help_request.callbacks.get()
    assert (callback.due_at, callback.origin, callback.created_by) == (TUESDAY_10H, "agent", staff)

    client.post(schedule_url(help_request), {"due_at": "2026-12-02T14:30"})
    callback.refresh_from_db()
    assert help_request.callbacks.count() == 1 and callback.due_at == datetime(2026, 12, 2, 14, 30, tzinfo=PARIS)


def test_a_call_cannot_be_promised_in_the_past_nor_on_a_closed_request(client, staff):
    help_request = HelpRequestFactory()
    response = client.post(schedule_url(help_request), {"due_at": "2026-11-30T10:00"}, follow=True)
    assert "Cette heure est passée" in text(response) and not help_request.callbacks.exists()
    closed = HelpRequestFactory(cancelled=True)
    response = client.post(schedule_url(closed), {"due_at": ""}, follow=True)
    assert "La demande est close" in text(response) and not closed.callbacks.exists()
    assert (
        'id="rappel-nouveau"'
        not in client.get(reverse("admin:requests_app_helprequest_change", args=[closed.pk])).content.decode()
    )


def test_promising_a_call_takes_the_right_to_take_calls(client):
    user = UserFactory(staff=True)
    client.force_login(user)
    help_request = HelpRequestFactory()
    assert client.post(schedule_url(help_request), {"due_at": ""}).status_code == 403
    assert not help_request.callbacks.exists()


def test_the_list_finds_a_callback_by_the_person_s_number_or_the_reference_as_typed(client, staff):
    wanted = CallbackFactory(help_request=HelpRequestFactory(requester_phone="+33612345678"))
    CallbackFactory.create_batch(2)
    for typed in ("06 12 34 56 78", wanted.help_request.reference.lower().replace("-", " ")):
        response = client.get(CALLBACKS, {"q": typed})
        assert [callback.pk for callback in response.context["cl"].result_list] == [wanted.pk], typed
    logged = AccessLog.objects.filter(user=staff, path=CALLBACKS, query="q=06 12 34 56 78")
    assert list(logged.values_list("help_request", flat=True)) == [wanted.help_request_id]
