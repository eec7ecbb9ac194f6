"""What the Django admin's widgets lack, added by the project's admin defaults (core/admin.py)."""

import re

import pytest

from core.models import Epci
from tests.accounts.factories import AgentFactory
from tests.associations.factories import AssociationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(AgentFactory(is_superuser=True))
    return client


def test_the_editable_cells_of_a_list_are_named_after_their_column(staff_client):
    page = staff_client.get("/admin/core/helptype/").content.decode()
    inputs = re.findall(r'<input[^>]+name="form-0-(?:is_active|position)"[^>]*>', page)
    assert len(inputs) == 2
    assert all('aria-label="' in tag for tag in inputs), inputs


def test_short_many_to_many_lists_are_labelled_checkboxes_not_the_two_list_selector(staff_client):
    epci, _ = Epci.objects.get_or_create(siren="245400676", defaults={"name": "Métropole du Grand Nancy"})
    association = AssociationFactory()
    page = staff_client.get(f"/admin/associations/association/{association.pk}/change/").content.decode()
    assert "selectfilter" not in page  # the two-list selector's class
    assert re.search(rf'<input type="checkbox" name="epcis_covered" value="{epci.pk}"[^>]*>', page)
