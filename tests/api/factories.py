import factory
from django.utils import timezone

from api.enums import Scope
from api.models import ApiToken
from tests.associations.factories import AssociationFactory


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token of a validated organisation with every scope. Its secret is `token.secret` (never stored: the
    factory keeps it on the instance so that a test can call the API with it)."""

    class Meta:
        model = ApiToken

    organisation = factory.SubFactory(AssociationFactory)
    name = factory.Sequence(lambda n: f"Logiciel {n}")
    scopes = factory.LazyFunction(lambda: list(Scope.values))

    class Params:
        revoked = factory.Trait(revoked_at=factory.LazyFunction(timezone.now))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token = model_class(*args, **kwargs)
        token.secret = token.set_new_secret()
        token.save()
        return token


def bearer(token) -> dict:
    """The header of a call made with this token, for Django's test client: `client.get(url, headers=bearer(t))`."""
    return {"Authorization": f"Bearer {token.secret}"}
