import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.enums import MemberRole
from associations.models import Invitation, Membership
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, MembershipFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def association():
    return AssociationFactory()


def test_an_admin_invites_a_colleague_who_joins_through_the_emailed_link(
    client, association, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://entraide54.fr"
    member_of(association, client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("associations:members", args=[association.pk]), {"email": "collegue@asso.fr", "role": "member"}
        )

    assert response.status_code == 302
    assert mailoutbox[0].to == ["collegue@asso.fr"]
    assert association.name in mailoutbox[0].subject
    link = re.search(r"https://entraide54.fr(/associations/invitation/\S+/)", mailoutbox[0].body).group(1)

    colleague = UserFactory(email="collegue@asso.fr")
    client.force_login(colleague)
    assert association.name in client.get(link).content.decode()
    client.post(link)

    assert Membership.objects.get(association=association, user=colleague).role == MemberRole.MEMBER
    assert Invitation.objects.get().accepted_at is not None


def test_an_invitation_is_for_the_address_it_was_sent_to(client, association):
    invitation = Invitation.objects.create(association=association, email="collegue@asso.fr")
    client.force_login(UserFactory(email="autre@asso.fr"))
    response = client.post(reverse("associations:invitation", args=[invitation.token]), follow=True)
    assert "collegue@asso.fr" in response.content.decode()
    assert not Membership.objects.filter(association=association).exists()


def test_an_expired_or_used_invitation_no_longer_works(client, association):
    expired = Invitation.objects.create(
        association=association, email="a@asso.fr", expires_at=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(UserFactory(email="a@asso.fr"))
    response = client.post(reverse("associations:invitation", args=[expired.token]), follow=True)
    assert "n'est plus valable" in html.unescape(response.content.decode())
    assert not Membership.objects.filter(association=association).exists()


def test_an_unknown_invitation_token_is_a_404(client):
    client.force_login(UserFactory())
    assert client.get("/associations/invitation/inconnu/").status_code == 404


def test_inviting_an_existing_member_or_a_bad_address_is_explained(client, association, mailoutbox):
    admin = member_of(association, client)
    url = reverse("associations:members", args=[association.pk])
    response = client.post(url, {"email": admin.email, "role": "member"})
    assert response.status_code == 400 and "déjà membre" in response.content.decode()
    response = client.post(url, {"email": "pas-une-adresse", "role": "member"})
    assert response.status_code == 400 and 'value="pas-une-adresse"' in response.content.decode()
    assert not mailoutbox and not Invitation.objects.exists()


def test_an_admin_removes_a_member_but_never_the_last_admin(client, association):
    admin = member_of(association, client)
    colleague = MembershipFactory(association=association, role=MemberRole.MEMBER)
    own = Membership.objects.get(user=admin)

    client.post(reverse("associations:member_remove", args=[association.pk, colleague.pk]))
    assert not Membership.objects.filter(pk=colleague.pk).exists()

    response = client.post(reverse("associations:member_remove", args=[association.pk, own.pk]), follow=True)
    assert Membership.objects.filter(pk=own.pk).exists()
    assert "dernier administrateur" in response.content.decode()


def test_a_plain_member_sees_the_members_but_cannot_invite_or_remove(client, association):
    admin_membership = MembershipFactory(association=association, role=MemberRole.ADMIN)
    member_of(association, client, role=MemberRole.MEMBER)
    url = reverse("associations:members", args=[association.pk])

    assert admin_membership.user.email in client.get(url).content.decode()
    assert client.post(url, {"email": "x@asso.fr", "role": "admin"}).status_code == 404
    assert (
        client.post(reverse("associations:member_remove", args=[association.pk, admin_membership.pk])).status_code
        == 404
    )
    assert Membership.objects.filter(pk=admin_membership.pk).exists()
    assert not Invitation.objects.exists()


def test_an_address_is_invited_once_and_other_links_stop_once_one_is_used_or_the_member_removed(client, association):
    member_of(association, client)
    url = reverse("associations:members", args=[association.pk])
    client.post(url, {"email": "collegue@asso.fr", "role": "member"})
    response = client.post(url, {"email": "collegue@asso.fr", "role": "admin"})
    assert response.status_code == 400 and "Une invitation attend déjà" in response.content.decode()

    stale = Invitation.objects.create(association=association, email="autre@asso.fr")
    other = Invitation.objects.create(association=association, email="autre@asso.fr")
    colleague = UserFactory(email="autre@asso.fr")
    client.force_login(colleague)
    client.post(reverse("associations:invitation", args=[other.token]))
    membership = Membership.objects.get(user=colleague)

    admin = association.memberships.get(role=MemberRole.ADMIN).user
    client.force_login(admin)
    client.post(reverse("associations:member_remove", args=[association.pk, membership.pk]))
    client.force_login(colleague)
    client.post(reverse("associations:invitation", args=[stale.token]))
    assert not Membership.objects.filter(user=colleague).exists()


@pytest.mark.parametrize(
    ("url_name", "label"), [("space", "Tableau de bord"), ("applications", "Candidatures"), ("members", "Membres")]
)
def test_the_space_s_menu_marks_the_page_one_is_on_and_only_it(client, association, url_name, label):
    member_of(association, client)
    content = client.get(reverse(f"associations:{url_name}", args=[association.pk])).content.decode()
    menu = re.search(r'<nav[^>]*aria-label="Espace de la structure">(.*?)</nav>', content, re.S).group(1)
    current = re.findall(r'<a class="nav-link active" href="[^"]+" aria-current="page">([^<]+)</a>', menu)
    assert current == [label]
    assert menu.count('aria-current="page"') == 1
