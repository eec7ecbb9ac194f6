"""Every path that shows a beneficiary's personal data to someone other than the requester leaves a line in
the access log, which nobody can edit."""

import html
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from matching.services import proposal_accept, proposal_create
from notifications.enums import Channel, Event
from notifications.models import Notification
from requests_app.enums import AccessReason, Status
from requests_app.models import AccessLog
from requests_app.privacy import contact_allowed
from tests.accounts.factories import AgentFactory, UserFactory
from tests.associations.factories import AssociationFactory, member_of
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def help_request():
    return HelpRequestFactory(triaged=True, requester_name="Paulette Secret", address="3 impasse des Roses")


def lines(**filters):
    return list(AccessLog.objects.filter(**filters).values_list("user_email", "reason", "help_request"))


def test_the_assigned_volunteer_s_view_of_the_contact_is_logged(client, help_request):
    volunteer = VolunteerProfileFactory()
    client.force_login(volunteer.user)
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    page = reverse("volunteers:proposal", args=[proposal.pk])

    assert "Paulette Secret" not in client.get(page).content.decode()  # not yet accepted: nothing shown
    assert lines() == []

    proposal_accept(proposal=proposal)
    assert "Paulette Secret" in client.get(page).content.decode()
    assert lines() == [(volunteer.user.email, AccessReason.VOLUNTEER_ASSIGNED, help_request.pk)]
    assert AccessLog.objects.get().path == page


def test_the_organisation_s_view_of_a_routed_request_is_logged(client, help_request):
    association = AssociationFactory()
    member = member_of(association, client)
    help_request.route_to(association)

    response = client.get(reverse("associations:routed", args=[association.pk, help_request.reference]))

    assert "Paulette Secret" in response.content.decode()
    assert lines() == [(member.email, AccessReason.ASSOCIATION_ROUTED, help_request.pk)]


def test_each_staff_view_of_a_request_s_detail_is_logged(client, staff, help_request):
    client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk]))
    client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk]))
    assert lines() == [(staff.email, AccessReason.STAFF_DETAIL, help_request.pk)] * 2


def test_the_hotline_lookup_logs_each_earlier_request_it_shows(client, staff):
    first = HelpRequestFactory(requester_phone="+33612345678")
    second = HelpRequestFactory(requester_phone="+33612345678")
    client.get(reverse("requests:intake"), {"telephone": "06 12 34 56 78"})
    assert sorted(lines()) == sorted(
        [(staff.email, AccessReason.HOTLINE_LOOKUP, first.pk), (staff.email, AccessReason.HOTLINE_LOOKUP, second.pk)]
    )
    # The log outlives the requests it names: it keeps the page, not the number typed in the search box.
    assert set(AccessLog.objects.values_list("path", flat=True)) == {reverse("requests:intake")}


def test_the_console_s_history_panel_logs_each_earlier_request_it_shows(client, staff):
    first = HelpRequestFactory(requester_phone="+33612345678")
    second = HelpRequestFactory(beneficiary_phone="+33612345678")
    client.get(reverse("requests:intake_history"), {"telephone": "06 12 34 56 78"})
    assert sorted(lines()) == sorted(
        [(staff.email, AccessReason.HOTLINE_LOOKUP, first.pk), (staff.email, AccessReason.HOTLINE_LOOKUP, second.pk)]
    )
    assert set(AccessLog.objects.values_list("path", flat=True)) == {reverse("requests:intake_history")}


def test_a_personal_data_export_is_logged_and_the_open_data_one_is_not(client, staff):
    client.get(reverse("pilotage:export_requests")).getvalue()
    client.get(reverse("pilotage:export_open_data")).getvalue()
    assert lines() == [(staff.email, AccessReason.EXPORT, None)]


def test_who_may_see_the_contact(help_request):
    volunteer = VolunteerProfileFactory()
    proposal = proposal_create(help_request=help_request, volunteer=volunteer)
    association = AssociationFactory()
    member = member_of(association)

    assert contact_allowed(AgentFactory(), help_request)
    assert not contact_allowed(volunteer.user, help_request)  # proposed, not accepted
    proposal_accept(proposal=proposal)
    assert contact_allowed(volunteer.user, help_request)
    assert not contact_allowed(VolunteerProfileFactory().user, help_request)
    assert not contact_allowed(member, help_request)
    assert not contact_allowed(UserFactory(is_staff=True), help_request)  # staff flag without the permission

    routed = HelpRequestFactory(triaged=True)
    routed.route_to(association)
    assert contact_allowed(member, routed)
    routed.transition(Status.DONE)
    assert not contact_allowed(member, routed)  # once it no longer holds it


def test_the_log_cannot_be_edited_or_deleted(client, staff, help_request):
    client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk]))
    line = AccessLog.objects.get()

    with pytest.raises(PermissionError):
        line.save()
    with pytest.raises(PermissionError):
        line.delete()
    for statement in ("UPDATE requests_app_accesslog SET user_email = 'x'", "DELETE FROM requests_app_accesslog"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AccessLog.objects.get().user_email == staff.email


def test_staff_read_the_log_in_the_admin_without_any_way_to_change_it(client, staff, help_request):
    client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk]))
    line = AccessLog.objects.get()

    page = client.get(reverse("admin:requests_app_accesslog_changelist")).content.decode()
    assert staff.email in page and help_request.reference in page
    assert client.get(reverse("admin:requests_app_accesslog_add")).status_code == 403
    assert (
        client.post(reverse("admin:requests_app_accesslog_delete", args=[line.pk]), {"post": "yes"}).status_code == 403
    )
    assert AccessLog.objects.count() == 1


def test_an_admin_search_by_phone_logs_the_query_and_each_request_it_lists(client, staff):
    caller = HelpRequestFactory.create_batch(21, requester_phone="+33612345678")
    HelpRequestFactory(requester_phone="+33699999999")
    changelist = reverse("admin:requests_app_helprequest_changelist")

    response = client.get(changelist, {"q": "06 12 34 56 78", "o": "2", "p": "1"})

    assert response.status_code == 200
    assert sorted(lines()) == sorted((staff.email, AccessReason.SEARCH, shown.pk) for shown in caller)
    # What was typed, kept in the log itself (not in its path, which stays the page's), without paging or sorting.
    assert set(AccessLog.objects.values_list("path", "query")) == {(changelist, "q=06 12 34 56 78")}


def test_an_admin_search_by_name_logs_the_query_and_the_request_it_finds(client, staff, help_request):
    HelpRequestFactory(requester_name="Marcel Autre")

    client.get(reverse("admin:requests_app_helprequest_changelist"), {"q": "Paulette"})

    assert lines() == [(staff.email, AccessReason.SEARCH, help_request.pk)]
    assert AccessLog.objects.get().query == "q=Paulette"


def test_a_field_lookup_typed_in_the_address_is_logged_as_a_search(client, staff, help_request):
    HelpRequestFactory(requester_name="Marcel Autre")
    lookup = {"requester_name__icontains": help_request.requester_name.split()[0]}

    client.get(reverse("admin:requests_app_helprequest_changelist"), lookup)

    assert lines() == [(staff.email, AccessReason.SEARCH, help_request.pk)]


def test_a_filtered_admin_list_logs_its_filters_and_each_request_on_the_page(client, staff, help_request):
    alone = HelpRequestFactory.create_batch(3, lives_alone=True)
    HelpRequestFactory(lives_alone=False)
    changelist = reverse("admin:requests_app_helprequest_changelist")

    # The plain queue shows no name nor contact detail: logging its fifty lines on every look would bury the rest.
    page = client.get(changelist).content.decode()
    assert help_request.reference in page and "Paulette Secret" not in page
    assert lines() == []

    client.get(changelist, {"vulnerabilite": "seule", "file": "toutes"})
    assert sorted(lines()) == sorted((staff.email, AccessReason.SEARCH, shown.pk) for shown in alone)
    assert set(AccessLog.objects.values_list("query", flat=True)) == {"vulnerabilite=seule ; file=toutes"}


def test_the_admin_list_of_messages_which_shows_their_recipients_is_logged(client, staff, help_request):
    other = HelpRequestFactory()
    for about, recipient in [(help_request, "paulette@exemple.fr"), (help_request, "+33612345678"), (other, "x@y.fr")]:
        Notification.objects.create(
            event=Event.REQUEST_RECEIVED, channel=Channel.EMAIL, recipient=recipient, body="…", help_request=about
        )
    Notification.objects.create(event=Event.DAILY_DIGEST, channel=Channel.EMAIL, recipient="agent@cd54.fr", body="…")

    page = client.get(reverse("admin:notifications_notification_changelist")).content.decode()

    assert "paulette@exemple.fr" in page
    assert sorted(lines()) == sorted(
        [(staff.email, AccessReason.SEARCH, help_request.pk), (staff.email, AccessReason.SEARCH, other.pk)]
    )


def test_the_requests_export_logs_its_filters_and_each_request_in_the_file(client, staff, help_request):
    other = HelpRequestFactory()
    export = reverse("pilotage:export_requests")

    today = timezone.localdate()
    period = {"du": today - timedelta(days=7), "au": today, "domaine": help_request.domain}
    text = b"".join(client.get(export, period).streaming_content).decode()

    assert help_request.reference in text and other.reference in text
    assert sorted(lines(), key=str) == sorted(
        [(staff.email, AccessReason.EXPORT, None)]  # the export itself, even when its file turns out empty
        + [(staff.email, AccessReason.EXPORT, shown.pk) for shown in (help_request, other)],
        key=str,
    )
    filters = f"du={period['du']} ; au={period['au']} ; domaine={help_request.domain}"
    assert set(AccessLog.objects.values_list("path", "query")) == {(export, filters)}


def test_the_volunteers_and_organisations_exports_log_each_person_and_organisation_in_the_file(client, staff):
    volunteers = VolunteerProfileFactory.create_batch(2)
    association = AssociationFactory()

    b"".join(client.get(reverse("pilotage:export_volunteers")).streaming_content)
    b"".join(client.get(reverse("pilotage:export_associations")).streaming_content)

    logged = AccessLog.objects.exclude(volunteer=None, association=None)
    assert sorted(logged.values_list("reason", "volunteer", "association"), key=str) == sorted(
        [(AccessReason.EXPORT, v.pk, None) for v in volunteers] + [(AccessReason.EXPORT, None, association.pk)],
        key=str,
    )
    assert all(query.startswith("du=") for query in AccessLog.objects.values_list("query", flat=True))


def staff_without_contact_details(*codenames: str):
    """A staff account holding some powers on requests but not the one to see a beneficiary's contact details."""
    user = UserFactory(staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames)
    )
    return user


def test_the_request_page_asks_privacy_and_refuses_staff_who_may_not_see_contact_details(client):
    help_request = HelpRequestFactory()
    client.force_login(staff_without_contact_details("change_helprequest"))
    response = client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk]))
    assert response.status_code == 403
    assert help_request.requester_phone.as_national not in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_hotline_shows_earlier_requests_only_to_whoever_may_see_contact_details(client):
    HelpRequestFactory(requester_phone="+33612345678")
    client.force_login(staff_without_contact_details("add_helprequest"))
    response = client.get(reverse("requests:intake"), {"telephone": "06 12 34 56 78"})
    assert response.status_code == 200
    assert response.context["earlier"] == []
    assert not AccessLog.objects.exists()
    response = client.get(reverse("requests:intake_history"), {"telephone": "06 12 34 56 78"})
    assert response.status_code == 200
    assert "Votre compte ne permet pas de voir les demandes" in html.unescape(response.content.decode())
    assert not AccessLog.objects.exists()
