import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.urls import reverse

from accounts import roles
from accounts.roles import POWERS, staff_emails
from requests_app.enums import Status
from tests.accounts.factories import AgentFactory, UserFactory
from tests.requests_app.factories import HelpRequestFactory

pytestmark = pytest.mark.django_db


def held(user) -> set[str]:
    return {name for name, power in POWERS.items() if power(user)}


def test_a_member_of_the_staff_group_holds_every_power():
    assert held(AgentFactory()) == set(POWERS)


def test_the_staff_flag_alone_opens_the_staff_pages_and_nothing_more():
    assert held(UserFactory(staff=True)) == {"staff"}


def test_nobody_without_the_staff_flag_holds_a_power_whatever_their_permissions():
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["requests_app", "pilotage"]))
    assert held(user) == set()
    assert held(AnonymousUser()) == set()


@pytest.mark.parametrize(
    ("power", "permission"),
    [
        (roles.can_take_calls, "add_helprequest"),
        (roles.can_triage, "change_helprequest"),
        (roles.can_see_contact_details, "view_helprequest"),
        (roles.can_export_personal_data, "export_personal_data"),
        (roles.can_resend_messages, "change_notification"),
    ],
)
def test_each_power_is_one_permission_given_to_a_staff_account(power, permission):
    user = UserFactory(staff=True)
    assert not power(user)
    user.user_permissions.add(Permission.objects.get(codename=permission))
    assert power(type(user).objects.get(pk=user.pk))  # a fresh instance: permissions are cached per instance


def test_alerts_go_to_the_active_members_of_the_staff_group_only():
    agent = AgentFactory(email="agent@cd54.fr")
    AgentFactory(email="parti@cd54.fr", is_active=False)
    UserFactory(staff=True, email="hors-groupe@cd54.fr")
    outsider = UserFactory(email="benevole@exemple.fr")
    outsider.groups.add(*agent.groups.all())  # the group without the staff flag
    assert staff_emails() == ["agent@cd54.fr"]


def test_the_header_offers_each_staff_page_to_those_who_may_open_it(client):
    client.force_login(UserFactory(staff=True))
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("pilotage:dashboard") in page
    assert reverse("requests:intake") not in page  # the hotline needs its permission too

    client.force_login(AgentFactory())
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("pilotage:dashboard") in page
    assert reverse("requests:intake") in page

    client.force_login(UserFactory())
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("pilotage:dashboard") not in page
    assert reverse("requests:intake") not in page


def test_staff_who_may_read_requests_but_not_triage_get_the_queue_without_its_actions(client):
    reader = UserFactory(staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_helprequest"))
    client.force_login(reader)
    help_request = HelpRequestFactory()
    changelist = reverse("admin:requests_app_helprequest_changelist")

    assert client.get(changelist).context["action_form"] is None
    client.post(changelist, {"action": "triage", "_selected_action": [help_request.pk], "index": 0})
    propose = reverse("admin:requests_app_helprequest_propose", args=[help_request.pk, 1])
    assert client.post(propose).status_code == 403
    help_request.refresh_from_db()
    assert help_request.status == Status.NEW
