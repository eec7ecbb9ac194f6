import pytest
from django.urls import reverse

from api.models import ApiCall, ApiToken, token_digest
from tests.api.factories import ApiTokenFactory, bearer
from tests.associations.factories import AssociationFactory

pytestmark = pytest.mark.django_db


def test_staff_create_a_token_for_an_organisation_and_see_its_secret_once(client, staff):
    organisation = AssociationFactory()
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"organisation": organisation.pk, "name": "Plateforme de bénévolat", "scopes": ["missions:write"]},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    token = ApiToken.objects.get()
    assert token.secret_hash == token_digest(secret) and token.created_by == staff
    assert token.scopes == ["missions:write"]
    change_page = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert secret not in change_page and token.secret_hash not in change_page
    assert 'name="secret_hash"' not in change_page and 'name="scopes"' not in change_page


def test_staff_cannot_give_a_token_to_an_organisation_not_validated(client, staff):
    organisation = AssociationFactory(pending=True)
    response = client.post(
        reverse("admin:api_apitoken_add"), {"organisation": organisation.pk, "name": "X", "scopes": ["missions:read"]}
    )
    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert "Seule une structure validée" in response.content.decode()


def test_staff_revoke_tokens_from_the_list(client, staff):
    tokens = ApiTokenFactory.create_batch(2)
    response = client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk for token in tokens]},
    )
    assert response.status_code == 302
    assert ApiToken.objects.filter(revoked_at__isnull=False, revoked_by=staff).count() == 2


def test_the_call_log_is_read_only(client, staff):
    token = ApiTokenFactory()
    client.get("/api/v1/jeton/", headers=bearer(token))
    call = ApiCall.objects.get()
    assert client.get(reverse("admin:api_apicall_changelist")).status_code == 200
    change = client.get(reverse("admin:api_apicall_change", args=[call.pk])).content.decode()
    assert 'name="path"' not in change
    assert client.get(reverse("admin:api_apicall_add")).status_code == 403
    with pytest.raises(PermissionError):
        call.delete()


def test_the_call_log_filters_by_kind_of_answer(client, staff):
    token = ApiTokenFactory()
    for status in (200, 401, 422, 500):
        ApiCall.objects.create(
            token=token, organisation=token.organisation, method="GET", path=f"/{status}/", status=status
        )
    listed = {
        kind: {
            call.status
            for call in client.get(reverse("admin:api_apicall_changelist"), {"reponse": kind})
            .context["cl"]
            .result_list
        }
        for kind in ("reussie", "refusee", "erreur-client", "erreur-serveur")
    }
    assert listed == {"reussie": {200}, "refusee": {401}, "erreur-client": {422}, "erreur-serveur": {500}}
