"""Requests the hotline routed to an organisation: what its members see and do with them, while they hold them."""

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.enums import MemberRole
from requests_app.enums import Status
from requests_app.models import StatusChange
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory, member_of
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return AssociationFactory(name="Épicerie solidaire de Vandœuvre")


@pytest.fixture
def member(client, organisation):
    """A plain member, not an admin: acting on routed requests is everyone's job in the organisation."""
    return member_of(organisation, client, MemberRole.MEMBER)


def routed_to(association, **fields):
    help_request = HelpRequestFactory(triaged=True, **fields)
    help_request.route_to(association)
    return help_request


@pytest.fixture
def held(organisation):
    return routed_to(
        organisation,
        requester_name="Julien Petit",
        requester_phone="+33612345678",
        beneficiary_name="Germaine Petit",
        beneficiary_phone="+33687654321",
        address="12 rue des Lilas",
    )


def space(association) -> str:
    return reverse("associations:space", args=[association.pk])


def detail(association, reference: str) -> str:
    return f"/associations/{association.pk}/demandes/{quote(reference, safe='')}/"


def complete(association, reference: str) -> str:
    return detail(association, reference) + "terminer/"


def hand_back(association, reference: str) -> str:
    return detail(association, reference) + "rendre/"


def test_the_paths_built_here_are_those_of_the_urlconf(organisation):
    args = [organisation.pk, "E54-ABCD-EFGH"]
    assert detail(organisation, args[1]) == reverse("associations:routed", args=args)
    assert complete(organisation, args[1]) == reverse("associations:routed_complete", args=args)
    assert hand_back(organisation, args[1]) == reverse("associations:routed_hand_back", args=args)


def test_a_member_sees_the_request_in_the_organisation_space(client, organisation, member, held):
    response = client.get(space(organisation))

    assert response.status_code == 200
    assert [r.reference for r in response.context["routed"]] == [held.reference]
    assert f'href="{detail(organisation, held.reference)}"' in response.content.decode()


def test_the_space_lists_only_the_requests_the_organisation_holds(client, organisation, member, held):
    other = routed_to(AssociationFactory())
    done = routed_to(organisation)
    done.transition(Status.DONE)
    triaged = HelpRequestFactory(triaged=True)

    content = client.get(space(organisation)).content.decode()

    assert held.reference in content
    for not_held in (other, done, triaged):
        assert not_held.reference not in content


def test_the_detail_page_gives_what_is_needed_to_help_the_person(client, organisation, member, held):
    response = client.get(detail(organisation, held.reference))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Germaine Petit" in content
    assert 'href="tel:+33687654321"' in content
    assert "12 rue des Lilas" in content
    assert "Julien Petit" in content  # who asked for her, to call back if she does not answer
    assert held.description in content


def test_without_a_beneficiary_phone_the_detail_page_gives_the_requester_phone(client, organisation, member):
    held = routed_to(organisation, requester_name="Monique Petit", requester_phone="+33611223344")
    content = client.get(detail(organisation, held.reference)).content.decode()
    assert "Monique Petit" in content
    assert 'href="tel:+33611223344"' in content


def test_a_requester_phone_given_as_the_only_number_is_shown_once(client, organisation, member):
    held = routed_to(
        organisation, requester_name="Karim Martin", requester_phone="+33611223344", beneficiary_name="Jean Durand"
    )
    content = client.get(detail(organisation, held.reference)).content.decode()
    assert content.count('href="tel:+33611223344"') == 1
    assert "Karim Martin" in content


def test_marking_the_request_taken_care_of_closes_it_and_hides_it(client, organisation, member, held):
    response = client.post(complete(organisation, held.reference))

    assert response.status_code == 302 and response.url == space(organisation)
    held.refresh_from_db()
    assert held.status == Status.DONE
    assert held.routed_to == organisation
    change = held.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (Status.ROUTED, Status.DONE, member)
    page = client.get(response.url).content.decode()
    assert "marquée comme prise en charge" in page
    assert held.reference not in [r.reference for r in client.get(space(organisation)).context["routed"]]
    after = client.get(detail(organisation, held.reference))
    assert after.status_code == 404
    assert "Germaine Petit" not in after.content.decode()


def test_handing_the_request_back_returns_it_to_triage_with_the_note(client, organisation, member, held):
    response = client.post(hand_back(organisation, held.reference), {"note": "Personne disponible cette semaine."})

    assert response.status_code == 302 and response.url == space(organisation)
    held.refresh_from_db()
    assert held.status == Status.TRIAGED
    assert held.routed_to is None
    change = held.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (Status.ROUTED, Status.TRIAGED, member)
    assert "Personne disponible cette semaine." in change.note
    assert "rendue au département" in client.get(response.url).content.decode()
    assert client.get(detail(organisation, held.reference)).status_code == 404


@pytest.mark.parametrize("data", [{}, {"note": ""}, {"note": "   \n "}], ids=["missing", "empty", "blank"])
def test_handing_back_without_a_note_is_refused_in_french_and_changes_nothing(
    client, organisation, member, held, data
):
    history = list(held.status_changes.values_list("pk", flat=True))

    response = client.post(hand_back(organisation, held.reference), data)

    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert "Germaine Petit" in response.content.decode()  # the page is shown again, still usable
    held.refresh_from_db()
    assert (held.status, held.routed_to) == (Status.ROUTED, organisation)
    assert list(held.status_changes.values_list("pk", flat=True)) == history


def not_held_request(organisation, kind: str):
    if kind == "routed to another organisation":
        return routed_to(AssociationFactory())
    if kind == "done":
        help_request = routed_to(organisation)
        help_request.transition(Status.DONE)
        return help_request
    if kind == "cancelled while routed":
        help_request = routed_to(organisation)
        help_request.cancel()
        return help_request
    if kind == "handed back":
        help_request = routed_to(organisation)
        help_request.routed_to = None
        help_request.transition(Status.TRIAGED, extra_fields=("routed_to",))
        return help_request
    if kind == "only triaged":
        return HelpRequestFactory(triaged=True)
    raise AssertionError(kind)


NOT_HELD = ["routed to another organisation", "done", "cancelled while routed", "handed back", "only triaged"]
ACTIONS = {
    "detail": ("get", detail, None),
    "terminer": ("post", complete, {}),
    "rendre": ("post", hand_back, {"note": "Pas pour nous."}),
}


@pytest.mark.parametrize("kind", NOT_HELD)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_request_the_organisation_does_not_hold_is_a_404_by_reference(client, organisation, member, kind, action):
    help_request = not_held_request(organisation, kind)
    before = (help_request.status, help_request.routed_to_id, help_request.status_changes.count())
    method, build, data = ACTIONS[action]

    response = getattr(client, method)(build(organisation, help_request.reference), data)

    assert response.status_code == 404
    assert help_request.requester_name not in response.content.decode()
    help_request.refresh_from_db()
    assert (help_request.status, help_request.routed_to_id, help_request.status_changes.count()) == before


GARBAGE = {
    "lower case": None,  # the held reference, in lower case
    "script": "<script>alert(1)</script>",
    "300 chars": "E" * 300,
    "sql": "' OR '1'='1",
    "percent": "%",
    "unicode": "E54-ÉÉÉÉ-🙂🙂🙂🙂",
    "nul byte": "E54-\x00",
}


@pytest.mark.parametrize("garbage", list(GARBAGE))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_wrong_or_garbage_reference_is_a_404_not_an_error(client, organisation, member, held, garbage, action):
    reference = GARBAGE[garbage] or held.reference.lower()
    method, build, data = ACTIONS[action]

    response = getattr(client, method)(build(organisation, reference), data)

    # A NUL byte is refused as a bad request before any lookup (core.middleware.RejectNulBytesMiddleware).
    assert response.status_code == (400 if "\x00" in reference else 404)
    assert "<script>alert(1)</script>" not in response.content.decode()
    held.refresh_from_db()
    assert (held.status, held.routed_to) == (Status.ROUTED, organisation)


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_space_makes_the_same_queries_for_few_or_many_requests_and_missions(client, organisation, member):
    counts = []
    for batch in (1, 8):
        for _ in range(batch):
            routed_to(organisation)
            mission = MissionFactory(association=organisation)
            ApplicationFactory(mission=mission, status="accepted")
            ApplicationFactory(mission=mission)
        MissionFactory(association=organisation, is_remote=True, commune=None, draft=True)
        counts.append(queries_for(client, space(organisation)))
    assert counts[0] == counts[1]


def test_the_detail_page_makes_the_same_queries_however_many_requests_are_held(client, organisation, member):
    counts = []
    for batch in (1, 8):
        held = [routed_to(organisation, beneficiary_name="Germaine Petit", lives_alone=True) for _ in range(batch)]
        counts.append(queries_for(client, detail(organisation, held[-1].reference)))
    assert counts[0] == counts[1]


def test_completing_a_request_adds_exactly_one_history_entry_by_the_member(client, organisation, member, held):
    client.post(complete(organisation, held.reference))
    assert list(StatusChange.objects.filter(help_request=held).values_list("to_status", "changed_by")) == [
        (Status.ROUTED, None),
        (Status.DONE, member.pk),
    ]
