import pytest
from django.urls import reverse

from api.models import ApiToken, token_digest
from associations.enums import MemberRole
from tests.api.factories import ApiTokenFactory, bearer
from tests.associations.factories import AssociationFactory, member_of

pytestmark = pytest.mark.django_db


def tokens_url(organisation) -> str:
    return reverse("associations:api_tokens", kwargs={"pk": organisation.pk})


def revoke_url(token) -> str:
    return reverse("associations:api_token_revoke", kwargs={"pk": token.organisation_id, "token_pk": token.pk})


def test_an_admin_creates_a_token_shown_once_and_only_its_digest_is_kept(client):
    organisation = AssociationFactory(name="CCAS de Toul")
    admin_user = member_of(organisation, client)
    response = client.post(
        tokens_url(organisation), {"name": "Site de la mairie", "scopes": ["requests:write", "requests:read"]}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("e54_") and secret in response.content.decode()
    assert "il ne sera plus jamais affiché" in response.content.decode()
    token = ApiToken.objects.get()
    assert (token.organisation, token.name, token.scopes, token.created_by) == (
        organisation, "Site de la mairie", ["requests:write", "requests:read"], admin_user
    )  # fmt: skip
    assert token.secret_hash == token_digest(secret) and secret not in str(ApiToken.objects.values().get())
    # The list shows its prefix, never the secret again; the secret works.
    listing = client.get(tokens_url(organisation)).content.decode()
    assert token.prefix in listing and secret not in listing
    assert client.get("/api/v1/jeton/", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_token_needs_a_name_and_a_scope(client):
    organisation = AssociationFactory()
    member_of(organisation, client)
    response = client.post(tokens_url(organisation), {"name": "", "scopes": []})
    assert response.status_code == 400
    assert "Cochez au moins une permission." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_list_shows_name_prefix_scopes_dates_and_revocations(client):
    organisation = AssociationFactory()
    member_of(organisation, client)
    live = ApiTokenFactory(organisation=organisation, name="Logiciel SAAD", scopes=["missions:read"])
    revoked = ApiTokenFactory(organisation=organisation, name="Ancien site", revoked=True)
    ApiTokenFactory(name="Jeton d'une autre structure")
    page = client.get(tokens_url(organisation)).content.decode()
    assert "Logiciel SAAD" in page and live.prefix in page and "Lire les missions de la structure" in page
    assert "Ancien site" in page and revoked.prefix in page and "Révoqué le" in page
    assert "Jeton d&#x27;une autre structure" not in page and "Jeton d'une autre structure" not in page
    assert "jamais" in page  # never used


def test_an_admin_revokes_a_token_and_calls_with_it_are_refused(client):
    organisation = AssociationFactory()
    admin_user = member_of(organisation, client)
    token = ApiTokenFactory(organisation=organisation)
    response = client.post(revoke_url(token))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked and token.revoked_by == admin_user
    assert client.get("/api/v1/jeton/", headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_member_who_is_not_an_admin_sees_nothing(client, method):
    organisation = AssociationFactory()
    member_of(organisation, client, role=MemberRole.MEMBER)
    token = ApiTokenFactory(organisation=organisation)
    assert getattr(client, method)(tokens_url(organisation)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked


def test_the_admin_of_another_organisation_gets_404(client):
    organisation = AssociationFactory()
    member_of(AssociationFactory(), client)
    token = ApiTokenFactory(organisation=organisation)
    assert client.get(tokens_url(organisation)).status_code == 404
    assert client.post(revoke_url(token)).status_code == 404


def test_an_admin_cannot_revoke_another_organisations_token_through_their_own_space(client):
    mine = AssociationFactory()
    member_of(mine, client)
    theirs = ApiTokenFactory()
    url = reverse("associations:api_token_revoke", kwargs={"pk": mine.pk, "token_pk": theirs.pk})
    assert client.post(url).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_revoked


@pytest.mark.parametrize("status", ["pending", "suspended"])
def test_an_organisation_not_validated_has_no_token_pages(client, status):
    organisation = AssociationFactory(**{status: True})
    member_of(organisation, client)
    assert client.get(tokens_url(organisation)).status_code == 404


def test_the_space_links_to_the_token_page_for_admins_only(client):
    organisation = AssociationFactory()
    member_of(organisation, client)
    space = reverse("associations:space", kwargs={"pk": organisation.pk})
    assert tokens_url(organisation) in client.get(space).content.decode()
    member_of(organisation, client, role=MemberRole.MEMBER)
    assert tokens_url(organisation) not in client.get(space).content.decode()
