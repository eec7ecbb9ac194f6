"""core.constraints: a check constraint's condition decided in Python must agree with the database wherever it
answers, and leave to the database what SQL decides otherwise (a NULL compared, another lookup)."""

import itertools

import pytest
from django.db.models import F, Q, Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact

from core.constraints import condition_holds
from requests_app.enums import Source
from requests_app.models import HelpRequest

pytestmark = pytest.mark.django_db

# Every combination of these values for the fields the request's constraints read.
GRID = {
    "requester_phone": ["", "+33611223344"],
    "requester_email": ["", "a@example.fr"],
    "anonymised_at": [None, "2026-01-01T00:00:00+00:00"],
    "recurring_day": [None, 1],
    "recurring_period": [None, "morning"],
    "filed_by": [None, 7],
    "source": [Source.WEB, Source.PARTNER],
}


def database_says(condition: Q, values: dict) -> bool:
    """What Django's own validation asks PostgreSQL (the value types as the model's fields give them)."""
    fields = {field.name: field for field in HelpRequest._meta.get_fields() if field.name in values}
    against = {name: Value(value, output_field=fields[name]) for name, value in values.items()}
    return condition.check(against)


@pytest.mark.parametrize("constraint", HelpRequest._meta.constraints, ids=lambda constraint: constraint.name)
def test_python_agrees_with_the_database_on_every_combination_of_the_request_constraints_values(constraint):
    names = sorted(constraint.condition.referenced_base_fields)
    decided = 0
    for combination in itertools.product(*(GRID[name] for name in names)):
        values = dict(zip(names, combination, strict=True))
        in_python = condition_holds(constraint.condition, values)
        if in_python is not None:
            decided += 1
            assert in_python == database_says(constraint.condition, values), values
    assert decided == 2 ** len(names)  # none of these needed the database


@pytest.mark.parametrize(
    "condition, values, expected",
    [
        (Q(a=""), {"a": ""}, True),
        (~Q(a=""), {"a": ""}, False),
        (Q(a=1) | Q(b__isnull=True), {"a": 2, "b": None}, True),
        (Q(a=1) & Q(b__isnull=False), {"a": 1, "b": None}, False),
        (Q(a=1) ^ Q(b=2), {"a": 1, "b": 2}, False),
        (Q(a=1) ^ Q(b=2) ^ Q(c=3), {"a": 1, "b": 2, "c": 3}, True),
        (Q(a__exact="x"), {"a": "x"}, True),
    ],
)
def test_plain_comparisons_are_decided(condition, values, expected):
    assert condition_holds(condition, values) is expected


@pytest.mark.parametrize(
    "condition, values",
    [
        (Q(a=""), {"a": None}),  # SQL answers NULL: the database's logic applies
        (Q(a__gt=1), {"a": 2}),  # another lookup
        (Q(a=F("b")), {"a": 1, "b": 1}),  # an expression
        (Q(a=1), {}),  # a field not given
        (Q(a__isnull="yes"), {"a": None}),
        (Q(Exact(Lower("a"), "x")), {"a": "X"}),  # a child that is an expression, not a (lookup, value) pair
        (Q(a="x") & Q(Exact(Lower("a"), "x")), {"a": "x"}),
    ],
)
def test_anything_else_is_left_to_the_database(condition, values):
    assert condition_holds(condition, values) is None
