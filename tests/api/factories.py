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


def resident(**changes) -> dict:
    """What a commune's website sends for a resident who asked it for help."""
    return {
        "requester_relation": "professional",
        "requester_name": "Claire Martin",
        "requester_email": "claire.martin@mairie-luneville.fr",
        "beneficiary_name": "Germaine Petit",
        "beneficiary_phone": "03 83 12 34 56",
        "commune": "Lunéville",
        "address": "12 rue de la République",
        "help_type": "shopping",
        "description": "Courses de la semaine, une dizaine d'articles.",
        "urgency": 2,
        "lives_alone": True,
        "aged_70_plus": True,
        "days": [1, 3],
        "periods": [0],
        "preferred_channel": "email",
        "consent": True,
        **changes,
    }
