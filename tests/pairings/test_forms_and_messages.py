"""A regular help asked on the public form and on the hotline's console; the pairing's SMS in one GSM message with
the longest names, and never a link to the person helped."""

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models.functions import Length

from core.enums import DayPeriod, Weekday
from core.models import Commune, HelpType
from core.sms import SmsLength, sms_length
from notifications.enums import Channel
from notifications.models import Notification
from pairings.enums import Side
from pairings.services import pairing_end, pairing_pause, visits_sweep
from requests_app.models import HelpRequest
from tests.pairings.factories import pairing_with
from tests.requests_app.factories import valid_form_data
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def page(response) -> str:
    return html.unescape(response.content.decode())


def test_the_public_form_asks_for_a_help_every_week(client):
    response = client.post("/demandes/nouvelle/", valid_form_data(recurring_day="1", recurring_period="0"))

    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    assert (help_request.recurring_day, help_request.recurring_period) == (Weekday.TUESDAY, DayPeriod.MORNING)
    assert help_request.recurring_display == "mardi matin"


def test_the_public_form_offers_the_choice_plainly_and_a_day_needs_a_moment(client):
    content = page(client.get("/demandes/nouvelle/"))
    assert "Faut-il cette aide chaque semaine ?" in content and "Oui, chaque mardi" in content

    response = client.post("/demandes/nouvelle/", valid_form_data(recurring_day="1"))

    assert response.status_code == 400
    assert "Pour une aide chaque semaine, choisissez le moment de la journée." in page(response)
    assert not HelpRequest.objects.exists()


def test_a_one_off_help_stays_one_off(client):
    client.post("/demandes/nouvelle/", valid_form_data(recurring_period="2"))  # a moment, no day: nothing regular
    help_request = HelpRequest.objects.get()
    assert not help_request.is_recurring and help_request.recurring_period is None


def test_the_console_asks_it_too(client, staff):
    data = valid_form_data(recurring_day="4", recurring_period="1")
    client.post("/accueil-telephonique/", data)
    assert HelpRequest.objects.get().recurring_display == "vendredi après-midi"


def test_every_pairing_sms_fits_in_one_gsm_message_with_the_longest_names(time_machine, settings):
    settings.SITE_URL = "https://entraide54.departement-meurthe-et-moselle.fr"
    time_machine.move_to(datetime(2027, 3, 1, 10, tzinfo=PARIS), tick=False)
    commune = Commune.objects.order_by(Length("name").desc()).first()
    help_type = HelpType.objects.order_by(Length("name").desc()).first()
    pairing = pairing_with(
        VolunteerProfileFactory(phone="+33698765432"),
        commune=commune,
        help_type=help_type,
        day=Weekday.WEDNESDAY,
        period=DayPeriod.AFTERNOON,
        requester_phone="+33612345678",
        no_internet=True,
    )
    time_machine.move_to(datetime(2027, 3, 4, 10, tzinfo=PARIS))
    visits_sweep()  # the reminder to the volunteer
    pairing_pause(pairing=pairing, until=date(2027, 3, 28), side=Side.BENEFICIARY)
    pairing_end(pairing=pairing, reason="", side=Side.BENEFICIARY)

    messages = {(n.event, n.recipient): n.body for n in Notification.objects.filter(channel=Channel.SMS)}
    events = {event for event, _to in messages}
    assert {"visit_missed", "pairing_paused", "pairing_ended"} <= events
    for (event, recipient), body in messages.items():
        assert sms_length(body) == SmsLength(encoding="GSM-7", units=len(body), parts=1), (event, body)
        if recipient == "+33612345678":
            assert "http" not in body, event  # to the person helped: the hotline's number, never a link
    reminder = messages[("visit_missed", "+33698765432")]
    # The help type and commune whole, so that she knows which; the link left out, too long to fit.
    assert reminder.startswith(f"Entraide 54 : visite du 3/03 ({help_type.name}, {commune.name}) non notée.")
    assert reminder.endswith("Votre espace bénévole.")
