import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from associations.demo import ORGANISATIONS
from associations.models import Association, Mission
from core.reference_data import load_communes
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.models import Notification
from portal.management.commands.load_demo_data import (
    ASSOCIATION_EMAIL,
    DEMO_PASSWORD,
    DEMO_REQUESTS,
    STAFF_EMAIL,
    VOLUNTEER_EMAIL,
)
from requests_app.models import HelpRequest

pytestmark = pytest.mark.django_db


def test_demo_data_creates_one_account_per_role_and_can_be_loaded_twice(settings, client):
    settings.DEBUG = True
    call_command("load_demo_data")
    call_command("load_demo_data")

    assert User.objects.count() == 3
    assert Association.objects.count() == len(ORGANISATIONS)
    assert Mission.objects.published().count() > 40
    assert HelpRequest.objects.count() == DEMO_REQUESTS
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_staff and staff.has_perm("core.change_helptype")
    assert User.objects.get(email=ASSOCIATION_EMAIL).memberships.count() == 1
    assert hasattr(User.objects.get(email=VOLUNTEER_EMAIL), "volunteer_profile")
    # Nobody invented for the demo is emailed or texted: the SMS shown in the inbox's conversations are a record,
    # already delivered, and nothing waits in the outbox to leave.
    assert not Notification.objects.exclude(status=DeliveryStatus.DELIVERED).exists()
    assert not Notification.objects.exclude(event=Event.REQUEST_RECEIVED, channel=Channel.SMS).exists()

    client.post("/comptes/login/", {"login": STAFF_EMAIL, "password": DEMO_PASSWORD})
    assert client.get("/admin/").status_code == 200


def test_demo_data_is_refused_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_data")
    assert not User.objects.exists()


def test_demo_data_take_the_communes_of_the_territory(settings):
    settings.DEBUG, settings.TERRITORY = True, "974"
    load_communes("974")
    call_command("load_demo_data", verbosity=0)

    assert set(Association.objects.values_list("commune__departement", flat=True)) == {"974"}
    assert set(HelpRequest.objects.values_list("commune__departement", flat=True)) == {"974"}
    assert User.objects.get(email=VOLUNTEER_EMAIL).volunteer_profile.home_commune.name == "Saint-Denis"
    member_of = User.objects.get(email=ASSOCIATION_EMAIL).memberships.get().association
    assert member_of.name == "CCAS de Saint-Denis"
    assert Association.objects.filter(name="Les Restos de Saint-André").exists()
