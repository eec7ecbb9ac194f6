import pytest

from associations.enums import OrganisationKind
from requests_app.enums import TRANSITIONS, Status
from requests_app.models import HelpRequest, TransitionNotAllowed
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

ALLOWED = [(origin, target) for origin, targets in TRANSITIONS.items() for target in sorted(targets)]
FORBIDDEN = [
    (origin, target) for origin in Status.values for target in Status.values if target not in TRANSITIONS[origin]
]


def test_the_machine_covers_every_status_and_its_forward_path():
    assert set(TRANSITIONS) == set(Status.values)
    path = [Status.NEW, Status.TRIAGED, Status.PROPOSED, Status.ASSIGNED, Status.DONE]
    for origin, target in zip(path, path[1:], strict=False):
        assert target in TRANSITIONS[origin]
    assert TRANSITIONS[Status.CANCELLED] == frozenset()
    # Done is over unless the person says help never arrived: staff take it up again.
    assert TRANSITIONS[Status.DONE] == frozenset({Status.NEEDS_STAFF})


@pytest.mark.parametrize(("origin", "target"), ALLOWED)
def test_an_allowed_move_changes_the_status_and_is_recorded(origin, target):
    help_request = HelpRequestFactory(status=origin)
    staff = UserFactory(staff=True)

    change = help_request.transition(target, by=staff, note="Appel passé")

    help_request.refresh_from_db()
    assert help_request.status == target
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        origin,
        target,
        staff,
        "Appel passé",
    )
    assert list(help_request.status_changes.all()) == [change]


@pytest.mark.parametrize(("origin", "target"), FORBIDDEN)
def test_an_illegal_move_is_refused_with_a_clear_message_and_changes_nothing(origin, target):
    help_request = HelpRequestFactory(status=origin)

    with pytest.raises(TransitionNotAllowed) as refused:
        help_request.transition(target)

    assert str(Status(origin).label) in str(refused.value) and str(Status(target).label) in str(refused.value)
    assert HelpRequest.objects.get(pk=help_request.pk).status == origin
    assert not help_request.status_changes.exists()


def test_a_stale_copy_cannot_move_a_request_someone_else_just_closed():
    first_copy = HelpRequestFactory()
    second_copy = HelpRequest.objects.get(pk=first_copy.pk)
    first_copy.cancel(note="Le demandeur a rappelé")

    with pytest.raises(TransitionNotAllowed):
        second_copy.triage()
    assert HelpRequest.objects.get(pk=first_copy.pk).status == Status.CANCELLED


def test_routing_records_the_organisation_in_charge():
    association = AssociationFactory(name="CCAS de Nancy", kind=OrganisationKind.COMMUNE)
    help_request = HelpRequestFactory(triaged=True)
    help_request.route_to(association)
    help_request.refresh_from_db()
    assert (help_request.status, help_request.routed_to) == (Status.ROUTED, association)
    assert help_request.status_changes.get().note == "CCAS de Nancy"


def test_only_open_requests_can_be_cancelled():
    assert HelpRequestFactory().can_be_cancelled
    assert not HelpRequestFactory(done=True).can_be_cancelled
    assert not HelpRequestFactory(cancelled=True).can_be_cancelled
