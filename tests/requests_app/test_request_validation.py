"""A request's model validation (HelpRequest.clean_fields, validate_constraints): each rule still refuses what it
refused, with its message, while a filing asks the database fewer times."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
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


def test_a_valid_request_is_validated_without_asking_the_database():
    help_request = unsaved()
    with CaptureQueriesContext(connection) as queries:
        help_request.full_clean(exclude=["reference", "tracking_token", "domain"])
    # Its check constraints are decided in Python (core.constraints), its loaded relations are not looked up again.
    assert [query["sql"] for query in queries] == []


def test_a_form_leaving_out_the_fields_a_constraint_reads_does_not_check_it():
    # The public form leaves out the anonymisation date and the partner: the constraints reading them wait for the
    # service's full validation, as Django has it, instead of a query deciding nothing.
    help_request = unsaved(requester_phone="", requester_email="")
    with CaptureQueriesContext(connection) as queries:
        help_request.validate_constraints(exclude={"anonymised_at", "filed_by", "recurring_day"})
    assert queries.captured_queries == []
    with pytest.raises(ValidationError):
        help_request.validate_constraints(exclude={"filed_by", "recurring_day"})


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


def test_a_constraint_reading_the_primary_key_is_left_to_the_database(monkeypatch):
    # `pk` is no column of its own: Python cannot read it as a field, so the database decides, as Django does.
    reads_the_key = models.CheckConstraint(condition=Q(pk__isnull=True) | Q(pk__gt=0), name="reads_the_key")
    monkeypatch.setattr(HelpRequest._meta, "constraints", [*HelpRequest._meta.constraints, reads_the_key])
    help_request = unsaved()
    with CaptureQueriesContext(connection) as queries:
        help_request.validate_constraints()
    assert len(queries) >= 1  # asked, not guessed


def test_a_constraint_naming_a_relation_by_its_column_is_decided_in_python(monkeypatch):
    by_column = models.CheckConstraint(condition=~Q(commune_id="54001"), name="not_abaucourt")
    monkeypatch.setattr(HelpRequest._meta, "constraints", [*HelpRequest._meta.constraints, by_column])
    in_nancy = unsaved()
    with CaptureQueriesContext(connection) as queries:
        in_nancy.validate_constraints()
    assert queries.captured_queries == []  # by `commune` or `commune_id`, the same column
