from django.db import transaction

from api.enums import Scope
from api.models import ApiToken


@transaction.atomic
def api_token_create(*, organisation, name: str, scopes: list[str], created_by) -> tuple[ApiToken, str]:
    """A new token for the organisation, and its secret: returned once, never stored (only its digest is)."""
    token = ApiToken(
        organisation=organisation,
        name=name,
        scopes=[scope for scope in Scope.values if scope in scopes],
        created_by=created_by,
    )
    secret = token.set_new_secret()
    token.full_clean()
    token.save()
    return token, secret
