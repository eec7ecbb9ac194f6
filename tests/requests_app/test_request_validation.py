"""A request's model validation (HelpRequest.clean_fields, validate_constraints): each rule still refuses what it
refused, with its message, while a filing asks the database fewer times."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Commune, HelpType
from requests_app.enums import Source
from requests_app.models import HelpRequest
from tests.associations.factories import AssociationFactory

pytestmark = pytest.mark.django_db


def unsaved(**fields) -> HelpRequest:
    return HelpRequest(**{
        "requester_name": "Monique Petit", "requester_phone": "+33611223344", "description": "Des courses.",
        "consent_at": timezone.now(),
        "commune": Commune.objects.get(insee="54395"), "help_type": HelpType.objects.get(code="shopping"), **fields,
    })  # fmt: skip


def test_a_valid_request_checks_its_constraints_in_one_query_and_its_loaded_relations_in_none():
    help_request = unsaved()
    with CaptureQueriesContext(connection) as queries:
        help_request.full_clean(exclude=["reference", "tracking_token", "domain"])
    # Inside the test's transaction the check runs in a savepoint: one query besides it.
    assert [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]] == [queries[1]["sql"]]
    assert "_check" in queries[1]["sql"]


def test_a_commune_or_help_type_given_by_its_key_alone_is_still_looked_up():
    help_request = unsaved()
    help_request.commune_id = "99999"
    help_request.help_type_id = 999_999
    with pytest.raises(ValidationError) as refused:
        help_request.full_clean(exclude=["reference", "tracking_token", "domain"])
    assert {"commune", "help_type"} <= set(refused.value.message_dict)


@pytest.mark.parametrize(
    "fields",
    [
        {"requester_phone": "", "requester_email": ""},  # help_request_has_contact
        {"recurring_day": 1},  # help_request_recurring_day_and_period
        {"source": Source.WEB, "filed_by": AssociationFactory},  # help_request_filed_by_partner
    ],
)
def test_each_broken_constraint_is_still_refused_with_its_own_message(fields):
    fields = {name: value() if callable(value) else value for name, value in fields.items()}
    help_request = unsaved(**fields)
    with pytest.raises(ValidationError) as refused:
        help_request.validate_constraints()
    assert len(refused.value.messages) == 1
