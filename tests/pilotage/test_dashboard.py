import html
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.management.commands.load_demo_data import DEMO_REQUESTS, STAFF_EMAIL
from requests_app.enums import Status
from requests_app.models import StatusChange
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, MissionFactory
from tests.matching.factories import ProposalFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
URL = "/pilotage/"


def test_the_dashboard_is_for_staff_only(client):
    assert reverse("pilotage:dashboard") == URL
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    client.force_login(UserFactory(staff=True))  # staff without the staff group: figures, but no personal export
    content = client.get(URL).content.decode()
    assert "Pilotage de l'entraide" in content
    assert reverse("pilotage:export_open_data") in content
    assert reverse("pilotage:export_requests") not in content


def test_staff_find_the_dashboard_in_the_menu_and_on_the_admin_index(client, staff):
    assert f'href="{URL}"' in client.get("/").content.decode()
    assert f'href="{URL}"' in client.get("/admin/").content.decode()


def test_the_dashboard_shows_the_figures_charts_and_their_tables(client, staff, crisis):
    response = client.get(URL, {"du": "2020-04-01", "au": "2020-04-10"})

    content = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert content.count('<svg class="entraide-chart"') == 1  # requests per day
    assert content.count('<svg class="entraide-chart entraide-chart--bars"') == 4
    assert content.count("<details") == 4  # one data table behind each chart or pair of charts
    assert 'role="img"' in content and '<title id="graphique-par-jour-titre">' in content
    assert "style=" not in content.split('<main id="contenu"')[1]  # no inline style: the CSP can forbid them
    assert "4 h 00" in content and "20 h 00" in content  # median and 90th percentile
    assert "sur 3 demandes prises en charge" in content
    assert 'points="48.0,' in content  # coordinates are never written with a French decimal comma
    assert "Métropole du Grand Nancy" in content
    assert "1 suspendu par le département" in content and "2 missions publiées, dont 1 complètes" in content


def test_the_dashboard_speaks_english_too(client, staff):
    client.cookies["django_language"] = "en"
    content = html.unescape(client.get(URL).content.decode())
    assert "Steering the mutual aid" in content and "0 suspended by the département" in content


def test_filters_apply_and_bad_ones_fall_back_to_the_default_with_a_message(client, staff, crisis):
    response = client.get(URL, {"du": "2020-04-01", "au": "2020-04-10", "domaine": "food_emergency"})
    assert response.context["figures"]["per_day"].total == 1
    assert "Domaine : Aide alimentaire et d'urgence." in html.unescape(response.content.decode())

    response = client.get(URL, {"du": "2020-04-10", "au": "2020-04-01", "epci": "nimportequoi"})
    assert response.status_code == 200
    assert "Filtres invalides" in html.unescape(response.content.decode())
    scope = response.context["scope"]
    assert (scope.date_to - scope.date_from).days == 29 and scope.epci is None

    response = client.get(URL, {"du": "2019-01-01", "au": "2020-04-10"})
    assert "La période est limitée à 366 jours." in html.unescape(response.content.decode())


def _volume(rows: int) -> None:
    """`rows` of everything the dashboard counts, spread over the last days."""
    now = timezone.now()
    association = AssociationFactory()
    for index in range(rows):
        help_request = HelpRequestFactory(created_at=now - timedelta(hours=index), status=Status.ASSIGNED)
        StatusChange.objects.create(help_request=help_request, to_status=Status.ASSIGNED, changed_at=now)
        ProposalFactory(help_request=help_request, volunteer=VolunteerProfileFactory(), status="done", concern=True,
                        completed_at=now)  # fmt: skip
        MissionFactory(association=association)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_dashboard_makes_as_many_queries_for_1_row_as_for_50(client, staff, rows, django_assert_max_num_queries):
    _volume(rows)
    # session, user, the two filter lists (EPCI, arrondissements), the fourteen figures (the messages' fate, today's
    # SMS and the answers to "did help arrive?" among them), the staff's permissions (2), the messages waiting and
    # late in the outbox (2), the check-in campaigns' people by EPCI and by commune (2)
    with django_assert_max_num_queries(24):
        response = client.get(URL)
    assert response.context["figures"]["per_day"].total == rows


def test_the_query_count_does_not_grow_with_the_volume(client, staff):
    _volume(1)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    _volume(49)
    with CaptureQueriesContext(connection) as fifty:
        client.get(URL)
    assert len(one) == len(fifty)


def test_the_demo_data_fill_the_dashboard(client, settings):
    settings.DEBUG = True
    call_command("load_demo_data", verbosity=0)
    from accounts.models import User

    client.force_login(User.objects.get(email=STAFF_EMAIL))
    figures = client.get(URL).context["figures"]

    assert figures["per_day"].total == DEMO_REQUESTS  # filed over the last ten days
    assert figures["open_requests"].total > 0
    assert figures["delays"].count > 0  # routed requests
    assert figures["missions"].published > 0
    assert figures["per_epci"][0].count > 0


def test_the_dashboard_shows_each_channel_s_delivery_rate(client, staff):
    from notifications.enums import Channel, DeliveryStatus
    from notifications.models import Notification

    statuses = [DeliveryStatus.DELIVERED] * 3 + [DeliveryStatus.FAILED] + [DeliveryStatus.WITHHELD] * 2
    for status in statuses:
        Notification.objects.create(event="request_done", channel=Channel.SMS, recipient="x", body="-", status=status)

    content = html.unescape(client.get(URL).content.decode())
    table = re.sub(r">\s+<", "><", content.split('id="remise-des-messages"')[1].split("</table>")[0])
    # The SMS withheld after a STOP are shown apart, neither failed nor waiting, and out of the rate.
    assert '<th scope="row">SMS</th><td>3</td><td>1</td><td>0</td><td>2</td><td>75 %</td>' in table
    assert '<th scope="row">Courriel</th><td>0</td><td>0</td><td>0</td><td>0</td><td>—</td>' in table  # nothing known


def test_the_dashboard_shows_today_s_sms_against_the_daily_budget(client, staff, settings):
    from notifications.enums import Channel, DeliveryStatus
    from notifications.models import Notification

    sms = {"event": "request_done", "channel": Channel.SMS, "recipient": "x", "body": "-"}
    now = timezone.now()
    for sent_at in [now] * 3 + [now - timedelta(days=1)]:  # yesterday's is not today's
        Notification.objects.create(status=DeliveryStatus.SENT, sent_at=sent_at, **sms)
    Notification.objects.create(status=DeliveryStatus.PENDING, **sms)  # not spent until handed to the provider

    settings.SMS_DAILY_BUDGET = 4
    assert "Aujourd'hui, 3 SMS envoyés sur un budget de 4 par jour (75 %)." in _text(client.get(URL))
    settings.SMS_DAILY_BUDGET = 0
    assert "Aujourd'hui, 3 SMS envoyés (aucun budget quotidien n'est fixé)." in _text(client.get(URL))


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_the_dashboard_shows_whether_help_arrived(client, staff):
    now = timezone.now()
    for arrived in (True, True, False, None):
        HelpRequestFactory(arrival_asked_at=now, help_arrived=arrived, status=Status.DONE)

    content = html.unescape(client.get(URL).content.decode())
    table = re.sub(r">\s+<", "><", content.split('id="arrivee-de-l-aide"')[1].split("</table>")[0])
    assert re.findall(r"<td>([^<]*)</td>", table) == ["4", "2", "1", "1", "67 %"]
