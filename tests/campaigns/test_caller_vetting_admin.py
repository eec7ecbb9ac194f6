"""Staff vet a volunteer for calls in the admin; she is then offered as a caller."""

import pytest
from django.urls import reverse

from campaigns.models import CallerVetting
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def test_staff_vet_a_volunteer_and_are_recorded_as_who_vetted_her(client, staff):
    volunteer = VolunteerProfileFactory()
    response = client.post(
        reverse("admin:campaigns_callervetting_add"), {"volunteer": volunteer.pk, "note": "Entretien le 2 juin"}
    )
    assert response.status_code == 302
    vetting = CallerVetting.objects.get()
    assert (vetting.volunteer, vetting.vetted_by, vetting.note) == (volunteer, staff, "Entretien le 2 juin")
    assert f'value="{volunteer.user.pk}"' in client.get(reverse("campaigns:campaign_new")).content.decode()
    assert client.get(reverse("admin:campaigns_callervetting_changelist")).status_code == 200
