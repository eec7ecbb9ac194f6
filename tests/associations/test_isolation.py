"""A member of association A can neither see nor change anything of association B by guessing ids.

Every URL of the organisations' space that takes B's pk, or the id of one of B's objects, is tried by an
admin of A, by an anonymous visitor and (for member management) by a plain member of B. Each attempt must
be refused — 404 (or 403) for the logged-in, a redirect to the login page for the anonymous — and leave
the database exactly as it was. B's own admin reaching the same URLs with the same data is the control:
it shows the refusals come from the permissions, not from a wrong URL or invalid data.
"""

from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import reverse

from associations.enums import ApplicationStatus, MemberRole, MissionStatus
from associations.models import Application, Association, Invitation, Membership, Mission, NewsItem
from requests_app.enums import Status
from requests_app.models import HelpRequest, StatusChange
from tests.accounts.factories import UserFactory
from tests.associations.factories import (
    ApplicationFactory,
    AssociationFactory,
    MembershipFactory,
    MissionFactory,
    member_of,
)
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db

REFUSED = (403, 404)
MISSION_DATA = {
    "title": "Mission détournée",
    "domain": "food_emergency",
    "description": "Écrite par quelqu'un d'une autre structure.",
    "is_remote": "on",
    "commune": "",
    "start_date": "2030-01-06",
    "volunteers_needed": "3",
}
INVITE_DATA = {"email": "complice@exemple.fr", "role": MemberRole.ADMIN}
NEWS_DATA = {"title": "Fausse actualité", "domain": "", "body": "Publiée au nom d'une autre structure."}
HAND_BACK_DATA = {"note": "Nous ne pouvons pas nous en occuper."}


@dataclass
class World:
    a: Association
    b: Association
    b_admin: object
    published: Mission
    draft: Mission
    application: Application
    b_membership: Membership
    routed: HelpRequest
    invitation: Invitation


@pytest.fixture
def world():
    a, b = AssociationFactory(), AssociationFactory()
    MissionFactory(association=a)
    b_admin = member_of(b)
    published = MissionFactory(association=b, title="Colis du samedi")
    draft = MissionFactory(association=b, draft=True, title="Colis du dimanche")
    routed = HelpRequestFactory(triaged=True)
    routed.route_to(b)
    return World(
        a=a,
        b=b,
        b_admin=b_admin,
        published=published,
        draft=draft,
        application=ApplicationFactory(mission=published),
        b_membership=MembershipFactory(association=b, role=MemberRole.MEMBER),
        routed=routed,
        invitation=Invitation.objects.create(association=b, email="invitee@exemple.fr", invited_by=b_admin),
    )


@pytest.fixture
def intruder(client, world):
    """An admin of A, logged in."""
    return member_of(world.a, client, MemberRole.ADMIN)


def snapshot() -> dict:
    """Everything an intruder could try to change, down to the columns that matter."""
    return {
        "missions": sorted(
            Mission.objects.values_list(
                "pk", "association_id", "title", "description", "status", "published_at", "volunteers_needed"
            )
        ),
        "applications": sorted(Application.objects.values_list("pk", "status", "decided_at", "decided_by_id")),
        "memberships": sorted(Membership.objects.values_list("pk", "association_id", "user_id", "role")),
        "invitations": sorted(Invitation.objects.values_list("pk", "association_id", "email", "role", "accepted_at")),
        "requests": sorted(HelpRequest.objects.values_list("pk", "status", "routed_to_id", "status_changed_at")),
        "history": sorted(StatusChange.objects.values_list("pk", flat=True)),
        "news": sorted(NewsItem.objects.values_list("pk", flat=True)),
    }


def url(name: str, *args) -> str:
    return reverse(f"associations:{name}", args=args)


# URLs that take the id of one of B's objects, built for any association pk: B's own (the direct guess)
# or A's (the intruder's own space, with B's object id slipped in).
OBJECT_URLS = {
    "member_remove": ("post", lambda w, pk: url("member_remove", pk, w.b_membership.pk), {}),
    "mission_edit GET published": ("get", lambda w, pk: url("mission_edit", pk, w.published.pk), None),
    "mission_edit GET draft": ("get", lambda w, pk: url("mission_edit", pk, w.draft.pk), None),
    "mission_edit POST published": ("post", lambda w, pk: url("mission_edit", pk, w.published.pk), MISSION_DATA),
    "mission_edit POST draft": ("post", lambda w, pk: url("mission_edit", pk, w.draft.pk), MISSION_DATA),
    "mission_action publier": ("post", lambda w, pk: url("mission_action", pk, w.draft.pk, "publier"), {}),
    "mission_action clore": ("post", lambda w, pk: url("mission_action", pk, w.published.pk, "clore"), {}),
    "mission_action dupliquer published": (
        "post",
        lambda w, pk: url("mission_action", pk, w.published.pk, "dupliquer"),
        {},
    ),
    "mission_action dupliquer draft": ("post", lambda w, pk: url("mission_action", pk, w.draft.pk, "dupliquer"), {}),
    "application_decision accepter": (
        "post",
        lambda w, pk: url("application_decision", pk, w.application.pk, "accepter"),
        {},
    ),
    "application_decision decliner": (
        "post",
        lambda w, pk: url("application_decision", pk, w.application.pk, "decliner"),
        {},
    ),
    "routed GET": ("get", lambda w, pk: url("routed", pk, w.routed.reference), None),
    "routed_complete": ("post", lambda w, pk: url("routed_complete", pk, w.routed.reference), {}),
    "routed_hand_back": ("post", lambda w, pk: url("routed_hand_back", pk, w.routed.reference), HAND_BACK_DATA),
}
# Every URL of associations/urls.py that takes B's pk or one of B's objects.
B_URLS = {
    "space": ("get", lambda w, pk: url("space", pk), None),
    "members GET": ("get", lambda w, pk: url("members", pk), None),
    "members POST invite": ("post", lambda w, pk: url("members", pk), INVITE_DATA),
    "mission_new GET": ("get", lambda w, pk: url("mission_new", pk), None),
    "mission_new POST": ("post", lambda w, pk: url("mission_new", pk), MISSION_DATA),
    "applications": ("get", lambda w, pk: url("applications", pk), None),
    "news_create": ("post", lambda w, pk: url("news_create", pk), NEWS_DATA),
    **OBJECT_URLS,
}


def send(client, method: str, path: str, data):
    return client.get(path) if method == "get" else client.post(path, data)


@pytest.mark.parametrize("case", list(B_URLS))
def test_an_admin_of_a_is_refused_every_url_of_b_and_changes_nothing(client, world, intruder, case):
    method, build, data = B_URLS[case]
    before = snapshot()

    response = send(client, method, build(world, world.b.pk), data)

    assert response.status_code in REFUSED
    assert snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize("case", list(OBJECT_URLS))
def test_an_admin_of_a_cannot_reach_b_objects_through_a_own_space(client, world, intruder, case):
    method, build, data = OBJECT_URLS[case]
    before = snapshot()

    response = send(client, method, build(world, world.a.pk), data)

    assert response.status_code in REFUSED
    assert snapshot() == before


def test_cross_object_urls_are_really_those_of_a_space_with_b_ids(world):
    assert url("mission_edit", world.a.pk, world.published.pk) == (
        f"/associations/{world.a.pk}/missions/{world.published.pk}/modifier/"
    )
    assert world.published.association_id == world.b.pk != world.a.pk


def test_what_the_intruder_reads_on_a_refused_page_names_nothing_of_b(client, world, intruder):
    for case in ("space", "members GET", "applications", "routed GET", "mission_edit GET draft"):
        method, build, data = B_URLS[case]
        content = send(client, method, build(world, world.b.pk), data).content.decode()
        for secret in (world.b.name, world.draft.title, world.routed.requester_name, world.invitation.email):
            assert secret not in content, (case, secret)


@pytest.mark.parametrize("case", list(B_URLS))
def test_b_own_admin_reaches_the_same_urls_so_the_refusals_are_not_accidents(client, world, case):
    method, build, data = B_URLS[case]
    client.force_login(world.b_admin)
    before = snapshot()

    response = send(client, method, build(world, world.b.pk), data)

    assert response.status_code == (200 if method == "get" else 302)
    if method == "post":
        assert snapshot() != before


@pytest.mark.parametrize("case", list(B_URLS))
def test_an_anonymous_visitor_is_sent_to_the_login_page_and_changes_nothing(client, world, case):
    method, build, data = B_URLS[case]
    before = snapshot()

    response = send(client, method, build(world, world.b.pk), data)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert snapshot() == before
    assert mail.outbox == []


@pytest.fixture
def plain_member(client, world):
    return member_of(world.b, client, MemberRole.MEMBER)


def test_a_plain_member_of_b_sees_its_space_and_its_members(client, world, plain_member):
    assert client.get(url("space", world.b.pk)).status_code == 200
    response = client.get(url("members", world.b.pk))
    assert response.status_code == 200
    assert world.b_membership.user.email in response.content.decode()


def test_a_plain_member_of_b_cannot_invite_anyone(client, world, plain_member):
    before = snapshot()

    response = client.post(url("members", world.b.pk), INVITE_DATA)

    assert response.status_code == 404
    assert not Invitation.objects.filter(email=INVITE_DATA["email"]).exists()
    assert snapshot() == before
    assert mail.outbox == []


@pytest.mark.parametrize("target", ["the other plain member", "the admin", "himself"])
def test_a_plain_member_of_b_cannot_remove_anyone(client, world, plain_member, target):
    membership = {
        "the other plain member": world.b_membership,
        "the admin": Membership.objects.get(association=world.b, user=world.b_admin),
        "himself": Membership.objects.get(association=world.b, user=plain_member),
    }[target]
    before = snapshot()

    response = client.post(url("member_remove", world.b.pk, membership.pk))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert snapshot() == before


def test_a_user_in_no_association_gets_a_404_on_b_space_and_an_empty_list_of_his_own(client, world):
    loner = UserFactory()
    client.force_login(loner)

    assert client.get(url("space", world.b.pk)).status_code == 404
    mine = client.get(url("mine"))
    assert mine.status_code == 200
    assert url("space", world.b.pk) not in mine.content.decode()
    assert world.b.name not in mine.content.decode()


def test_an_admin_of_a_cannot_join_b_with_an_invitation_sent_to_someone_else(client, world, intruder):
    before = snapshot()

    response = client.post(url("invitation", world.invitation.token))

    assert response.status_code in (200, *REFUSED)
    assert not Membership.objects.filter(association=world.b, user=intruder).exists()
    assert snapshot() == before
    assert client.get(url("space", world.b.pk)).status_code == 404


def test_nothing_of_b_was_touched_by_the_fixture_itself(world):
    """The refusals above compare with this starting point: B's objects as the hotline and B left them."""
    world.routed.refresh_from_db()
    assert world.routed.status == Status.ROUTED and world.routed.routed_to == world.b
    assert world.published.status == MissionStatus.PUBLISHED
    assert world.draft.status == MissionStatus.DRAFT
    assert world.application.status == ApplicationStatus.PENDING
    assert Invitation.objects.usable().filter(association=world.b).count() == 1
