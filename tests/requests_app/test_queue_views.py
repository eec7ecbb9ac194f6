"""The triage queue's page: its saved views and their counts, its columns, the waiting time against the time the
urgency allows, and why the requests come in this order."""

from datetime import timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from requests_app.admin.filters import SAVED_VIEWS
from requests_app.callbacks import CallbackPlan, callback_schedule
from requests_app.enums import CallbackOrigin, Status, Urgency
from requests_app.models import AccessLog
from tests.accounts.factories import AgentFactory
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:requests_app_helprequest_changelist")


def listed(response) -> set[str]:
    return {row.reference for row in response.context["cl"].result_list}


@pytest.fixture
def queue(staff):
    """One request of each kind the views sort out, and one held by the signed-in agent."""
    other = AgentFactory()
    rows = {
        "new": HelpRequestFactory(),
        "triaged": HelpRequestFactory(triaged=True),
        "needs_staff": HelpRequestFactory(status=Status.NEEDS_STAFF),
        "assigned": HelpRequestFactory(status=Status.ASSIGNED),
        "done": HelpRequestFactory(done=True),
        "held_by_me": HelpRequestFactory(triaged=True),
        "held_by_other": HelpRequestFactory(),
    }
    rows["duplicate"] = HelpRequestFactory(possible_duplicate_of=rows["new"])
    rows["held_by_me"].hold(by=staff)
    rows["held_by_other"].hold(by=other)
    now = timezone.now()
    for name, due_at in [
        ("triaged", now - timedelta(hours=1)),
        ("needs_staff", now - timedelta(hours=2)),
        ("new", now + timedelta(hours=3)),
    ]:  # the last one is not due yet
        callback_schedule(help_request=rows[name], plan=CallbackPlan(origin=CallbackOrigin.AGENT, due_at=due_at))
    return {name: help_request.reference for name, help_request in rows.items()}


EXPECTED = {
    "ouvertes": {"new", "triaged", "needs_staff", "assigned", "held_by_me", "held_by_other", "duplicate"},
    "a-trier": {"new", "held_by_other", "duplicate"},
    "mes-demandes": {"held_by_me"},
    "attente-agent": {"needs_staff"},
    "doublons": {"duplicate"},
    "rappels-dus": {"triaged", "needs_staff"},
    "toutes": {"new", "triaged", "needs_staff", "assigned", "done", "held_by_me", "held_by_other", "duplicate"},
}


@pytest.mark.parametrize("view", list(EXPECTED))
def test_each_saved_view_lists_its_requests_and_counts_them(client, queue, view):
    response = client.get(CHANGELIST, {"file": view})
    assert listed(response) == {queue[name] for name in EXPECTED[view]}
    content = response.content.decode()
    count = "" if view == "toutes" else f' <span class="entraide-views__count">{len(EXPECTED[view])}</span>'
    assert f'aria-current="page" class="selected">{escape(SAVED_VIEWS[view].label)}{count}</a>' in content


def test_callbacks_due_are_listed_in_the_order_they_fell_due(client, queue):
    rows = client.get(CHANGELIST, {"file": "rappels-dus"}).context["cl"].result_list
    assert [row.reference for row in rows] == [queue["needs_staff"], queue["triaged"]]


def test_the_queue_opens_on_the_whole_open_queue(client, queue):
    assert listed(client.get(CHANGELIST)) == {queue[name] for name in EXPECTED["ouvertes"]}


def test_every_count_comes_from_one_query_whatever_the_views(client, queue):
    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST)
    counting = [q["sql"] for q in queries if '"a-trier"' in q["sql"]]
    assert len(counting) == 1 and all(f'"{key}"' in counting[0] for key in SAVED_VIEWS if key != "toutes")


def test_choosing_a_view_alone_is_not_logged_as_a_search_but_a_filter_with_it_is(client, queue):
    alone = HelpRequestFactory(lives_alone=True)
    client.get(CHANGELIST, {"file": "a-trier"})
    assert not AccessLog.objects.exists()
    client.get(CHANGELIST, {"file": "a-trier", "vulnerabilite": "seule"})
    assert list(AccessLog.objects.values_list("help_request", "query")) == [
        (alone.pk, "file=a-trier ; vulnerabilite=seule")
    ]


def test_the_duplicates_view_shows_the_original_beside_each_request(client, queue):
    content = client.get(CHANGELIST, {"file": "doublons"}).content.decode()
    assert "Doublon possible de" in content and f'<td class="field-duplicate">{queue["new"]}</td>' in content


def test_the_page_is_titled_for_people_and_explains_its_order(client, staff):
    content = client.get(CHANGELIST).content.decode()
    assert "<title>File des demandes |" in content and "<h1>File des demandes</h1>" in content
    assert "Sélectionnez" not in content
    assert "Pourquoi cet ordre ?" in content
    assert "Urgent : 1 j, Semaine : 7 j, Pas pressé : 14 j" in content
    assert "vit seule : 25 %" in content


def test_the_columns_that_decide_what_to_do_next(client, staff):
    HelpRequestFactory(lives_alone=True, no_internet=True)
    response = client.get(CHANGELIST)
    headers = [str(header["text"]) for header in result_headers(response.context["cl"])][1:]  # after the checkbox
    assert headers == [
        "référence", "attente", "urgence", "fragilités", "type d'aide", "commune", "origine", "statut", "tenue par",
    ]  # fmt: skip
    content = response.content.decode()
    # Short marks, with their full text for screen readers and on hover.
    assert '<span aria-hidden="true">Seule</span><span class="entraide-sr-only">vit seule</span>' in content
    assert '<span class="entraide-sr-only">sans accès à internet</span>' in content
    assert '<span aria-hidden="true">Reçue</span>' in content


@pytest.mark.parametrize(
    ("urgency", "hours", "state"),
    [
        (Urgency.URGENT, 2, None),
        (Urgency.URGENT, 20, "soon"),
        (Urgency.URGENT, 30, "late"),
        (Urgency.NORMAL, 30, None),
        (Urgency.NORMAL, 24 * 8, "late"),
        (Urgency.FLEXIBLE, 24 * 11, "soon"),
    ],
)
def test_the_waiting_time_is_coloured_and_worded_against_the_time_its_urgency_allows(
    client, staff, urgency, hours, state
):
    HelpRequestFactory(urgency=urgency, created_at=timezone.now() - timedelta(hours=hours, minutes=1))
    content = client.get(CHANGELIST).content.decode()
    words = {"soon": "bientôt", "late": "retard"}
    for other in {"soon", "late"} - {state}:
        assert f"entraide-wait--{other}" not in content
    if state:
        assert f'class="entraide-wait entraide-wait--{state}"' in content
        assert f'<span class="entraide-wait__word">{words[state]}</span>' in content


def test_a_request_taken_in_charge_shows_its_age_without_a_deadline(client, staff):
    HelpRequestFactory(status=Status.ASSIGNED, created_at=timezone.now() - timedelta(days=3))
    content = client.get(CHANGELIST).content.decode()
    assert '<td class="field-waiting">3 j</td>' in content and "entraide-wait--" not in content


def test_the_queue_is_in_priority_order_until_a_column_is_sorted(client, staff):
    now = timezone.now()
    plain = HelpRequestFactory(created_at=now - timedelta(hours=3), urgency=Urgency.URGENT)
    alone = HelpRequestFactory(created_at=now - timedelta(hours=2), urgency=Urgency.URGENT, lives_alone=True)
    order = [row.reference for row in client.get(CHANGELIST).context["cl"].result_list]
    assert order == [alone.reference, plain.reference]
    by_age = client.get(CHANGELIST, {"o": "2"})  # the "attente" column, oldest first
    assert [row.reference for row in by_age.context["cl"].result_list] == [plain.reference, alone.reference]
