"""Asking for a callback: the citizen's "je préfère être rappelé·e" on the public form, and the agent's "À rappeler"
on the hotline console. Both file the request with the call it is owed, in one transaction."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from notifications.enums import Channel, Event
from requests_app.enums import CallbackOrigin, Source
from requests_app.models import Callback, HelpRequest
from tests.notifications.messages import rows, sent_to
from tests.requests_app.factories import valid_form_data

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TUESDAY_10H = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
CONSOLE = "/accueil-telephonique/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(TUESDAY_10H, tick=False):
        yield


# --- Online -------------------------------------------------------------------------------------------------------


def test_the_form_offers_to_be_called_back_with_the_moments_of_the_day(client):
    content = html.unescape(client.get(reverse("requests:new")).content.decode())
    assert "Par un appel : je préfère être rappelé·e" in content
    assert "Si vous préférez être rappelé·e : à quel moment de la journée ?" in content
    for value, period in enumerate(["matin", "après-midi", "soir"]):
        assert f'name="callback_periods" value="{value}"' in content and period in content


def test_whoever_asks_to_be_called_back_is_owed_a_call_in_the_moments_they_chose(client):
    response = client.post(
        reverse("requests:new"),
        valid_form_data(preferred_channel="phone", callback_periods=["2"], requester_email=""),
        follow=True,
    )

    help_request = HelpRequest.objects.get()
    callback = help_request.callbacks.get()
    assert (callback.origin, callback.created_by, callback.slots_display) == (
        CallbackOrigin.CITIZEN,
        None,
        "tous les jours — soir",
    )
    assert callback.due_at == datetime(2026, 12, 1, 18, 0, tzinfo=PARIS)
    message = html.unescape(str(list(response.context["messages"])[0]))
    assert f"Notez votre référence {help_request.reference} : un agent vous rappellera le soir ;" in message
    assert "lien" not in message


def test_with_no_moment_ticked_the_call_comes_as_soon_as_possible(client):
    client.post(reverse("requests:new"), valid_form_data(preferred_channel="phone", callback_periods=["0", "1"]))
    callback = Callback.objects.get()
    assert callback.due_at == TUESDAY_10H  # the morning has begun: due now
    assert callback.slots_display == "tous les jours — matin, après-midi"


def test_whoever_asks_to_be_called_gets_no_sms_and_no_link_by_sms(client):
    client.post(
        reverse("requests:new"),
        valid_form_data(preferred_channel="phone", callback_periods=["0"], requester_email=""),
    )
    assert sent_to(Event.REQUEST_RECEIVED) == []  # the call is the answer: no SMS, so no tracking link on the phone


def test_whoever_asks_to_be_called_and_gave_an_email_reads_there_when_the_call_comes(client):
    client.post(reverse("requests:new"), valid_form_data(preferred_channel="phone", callback_periods=["0", "2"]))
    assert sent_to(Event.REQUEST_RECEIVED) == [(Channel.EMAIL, "monique.petit@exemple.fr")]
    [email] = rows(Event.REQUEST_RECEIVED)
    assert "Vous avez demandé à être rappelé·e : un agent vous appellera le matin ou le soir." in email.body


def test_moments_ticked_with_another_channel_promise_no_call(client):
    client.post(reverse("requests:new"), valid_form_data(preferred_channel="sms", callback_periods=["0"]))
    assert HelpRequest.objects.exists() and not Callback.objects.exists()
    [email, _sms] = rows(Event.REQUEST_RECEIVED)
    assert "rappelé" not in email.body


# --- On the console ---------------------------------------------------------------------------------------------


def console_post(client, **fields):
    return client.post(CONSOLE, valid_form_data(preferred_channel="phone", requester_email="", **fields))


def test_to_call_back_without_a_time_means_as_soon_as_possible(client, staff):
    console_post(client, callback="on")
    help_request = HelpRequest.objects.get()
    callback = help_request.callbacks.get()
    assert help_request.source == Source.PHONE
    assert (callback.origin, callback.created_by, callback.due_at) == (CallbackOrigin.AGENT, staff, TUESDAY_10H)


def test_a_callback_time_alone_asks_for_a_callback(client, staff):
    console_post(client, callback_at="2026-12-01T15:45")
    assert Callback.objects.get().due_at == datetime(2026, 12, 1, 15, 45, tzinfo=PARIS)


def test_no_callback_unless_the_agent_asks_for_one(client, staff):
    console_post(client)
    assert HelpRequest.objects.exists() and not Callback.objects.exists()


def test_a_callback_time_already_past_is_refused_with_everything_typed_kept(client, staff):
    response = console_post(client, callback="on", callback_at="2026-12-01T08:00", note="Rappeler sa fille")
    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert "Cette heure est passée : laissez l'heure vide pour rappeler dès que possible." in content
    assert "Rappeler sa fille" in content and 'value="2026-12-01T08:00"' in content
    assert not HelpRequest.objects.exists()
    # The minute being typed is not "past".
    console_post(client, callback_at=(TUESDAY_10H - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M"))
    assert Callback.objects.count() == 1


def test_the_console_shows_the_callback_fields(client, staff):
    content = html.unescape(client.get(CONSOLE).content.decode())
    assert 'name="callback"' in content and "À rappeler" in content and 'name="callback_at"' in content
    assert 'name="callback_periods"' not in content  # the agent agrees a time with the caller instead
    assert "Par un appel téléphonique" in content and "je préfère" not in content  # words for the agent
