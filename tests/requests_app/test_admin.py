import html
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.enums import OrganisationKind
from core.enums import Domain, domains_to_mask
from core.models import Commune, HelpType
from requests_app.enums import Status, Urgency
from requests_app.models import HelpRequest
from requests_app.services import help_request_create
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:requests_app_helprequest_changelist")


def listed(response) -> list[str]:
    return [row.reference for row in response.context["cl"].result_list]


def test_the_queue_shows_open_requests_unless_asked_for_all(client, staff):
    open_request, done = HelpRequestFactory(), HelpRequestFactory(done=True)
    assert listed(client.get(CHANGELIST)) == [open_request.reference]
    assert sorted(listed(client.get(CHANGELIST, {"file": "toutes"}))) == sorted(
        [open_request.reference, done.reference]
    )


def test_notes_already_written_cannot_be_edited(client, staff):
    help_request = help_request_create(help_request=HelpRequestFactory.build(reference=""), note="Appel du 3 avril")
    note = help_request.notes.get()
    url = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
    content = client.get(url).content.decode()
    assert "Appel du 3 avril" in content
    assert ">Appel du 3 avril</textarea>" not in content  # shown as text, not in an editable field
    assert note.text == "Appel du 3 avril"


def test_the_queue_puts_urgent_requests_first_then_the_longest_waiting(client, staff):
    now = timezone.now()
    recent_urgent = HelpRequestFactory(urgency=Urgency.URGENT, created_at=now - timedelta(hours=1))
    old_urgent = HelpRequestFactory(urgency=Urgency.URGENT, created_at=now - timedelta(hours=5))
    old_normal = HelpRequestFactory(urgency=Urgency.NORMAL, created_at=now - timedelta(days=2))
    flexible = HelpRequestFactory(urgency=Urgency.FLEXIBLE, created_at=now - timedelta(days=3))

    response = client.get(CHANGELIST)

    assert listed(response) == [r.reference for r in (old_urgent, recent_urgent, old_normal, flexible)]


def test_the_changelist_makes_the_same_queries_for_5_or_40_requests(client, staff):
    counts = []
    for batch in (5, 35):
        HelpRequestFactory.create_batch(batch, possible_duplicate_of=HelpRequestFactory())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CHANGELIST).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("typed", ["06 12 34 56 78", "+33612345678", "0612345678"])
def test_staff_find_requests_by_phone_however_typed(client, staff, typed):
    mine = HelpRequestFactory(requester_phone="+33612345678")
    for_a_relative = HelpRequestFactory(beneficiary_phone="+33612345678")
    HelpRequestFactory(requester_phone="+33611111111")
    assert sorted(listed(client.get(CHANGELIST, {"q": typed}))) == sorted([mine.reference, for_a_relative.reference])


@pytest.mark.parametrize("typed", ["e54 7k3q 9pxd", "e54-7k3q-9pxd", "E54-7K3Q-9PXD", "7k3q9pxd"])
def test_staff_find_a_request_by_its_reference_as_read_on_the_phone(client, staff, typed):
    wanted = HelpRequestFactory(reference="E54-7K3Q-9PXD")
    HelpRequestFactory()
    assert listed(client.get(CHANGELIST, {"q": typed})) == [wanted.reference]


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "12", "+", "e54-", "%", "x" * 500, "0" * 40])
def test_any_search_text_gets_an_answer_not_an_error(client, staff, typed):
    HelpRequestFactory()
    response = client.get(CHANGELIST, {"q": typed})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_staff_find_a_request_by_name(client, staff):
    wanted = HelpRequestFactory(requester_name="Josiane Colin")
    HelpRequestFactory()
    assert listed(client.get(CHANGELIST, {"q": "colin"})) == [wanted.reference]


def test_filters_return_exactly_the_matching_rows(client, staff):
    luneville = Commune.objects.get(insee="54329")
    alone_in_luneville = HelpRequestFactory(commune=luneville, lives_alone=True)
    HelpRequestFactory(lives_alone=False)
    phone_call = HelpRequestFactory(help_type=HelpType.objects.get(code="phone_call"))
    cancelled = HelpRequestFactory(cancelled=True)

    assert listed(client.get(CHANGELIST, {"vulnerabilite": "seule"})) == [alone_in_luneville.reference]
    assert listed(client.get(CHANGELIST, {"epci": luneville.epci_id})) == [alone_in_luneville.reference]
    assert listed(client.get(CHANGELIST, {"arrondissement": "542"})) == [alone_in_luneville.reference]
    assert listed(client.get(CHANGELIST, {"epci": luneville.epci_id, "commune": "54329"})) == [
        alone_in_luneville.reference
    ]
    assert listed(client.get(CHANGELIST, {"domain__exact": "isolated_contact"})) == [phone_call.reference]
    assert listed(client.get(CHANGELIST, {"status__exact": "cancelled", "file": "toutes"})) == [cancelled.reference]
    assert cancelled.reference not in listed(client.get(CHANGELIST, {"file": "ouvertes"}))


def run_action(client, action, requests, **extra):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [r.pk for r in requests], "index": 0, **extra},
        follow=True,
    )


def said(response) -> list[str]:
    """The messages as read on the page (some carry a link, their text escaped)."""
    return [html.unescape(str(m)) for m in response.context["messages"]]


def test_the_triage_action_says_for_each_request_to_whom_it_was_proposed_or_why_to_nobody(client, staff):
    volunteer = VolunteerProfileFactory(user__first_name="Camille", user__last_name="Durand")
    shopping = HelpRequestFactory()
    childcare = HelpRequestFactory(help_type=HelpType.objects.get(code="childcare"), commune=Commune.objects.get(
        name="Toul"
    ), carer_status="carer", carer_confirmed_at=timezone.now())  # fmt: skip
    volunteer.domains = domains_to_mask([Domain.LOCAL_SOLIDARITY])  # she does shopping, not childcare
    volunteer.save()
    already = HelpRequestFactory(triaged=True)

    response = run_action(client, "triage", [shopping, childcare, already])

    assert HelpRequest.objects.get(pk=shopping.pk).status == Status.PROPOSED
    assert HelpRequest.objects.get(pk=childcare.pk).status == Status.NEEDS_STAFF
    assert not already.status_changes.exists()
    messages = said(response)
    assert f"{shopping.reference} : triée et proposée à Camille Durand." in messages
    assert (
        f"{childcare.reference} : triée ; aucun bénévole disponible ne correspond (Garde d'enfants à Toul) : passée "
        "en attente d'un agent, à proposer à la main ou à confier à une structure."
    ) in messages
    assert f"{already.reference} : La demande est déjà « Étudiée par le département »." in messages
    assert shopping.status_changes.first().changed_by == staff


def test_the_triage_action_says_when_automatic_proposals_are_off(client, staff, settings):
    settings.MATCHING_ON_TRIAGE = False
    help_request = HelpRequestFactory()
    messages = said(run_action(client, "triage", [help_request]))
    assert messages == [
        f"{help_request.reference} : triée ; la proposition automatique est désactivée : proposez-la à un bénévole."
    ]


def test_the_propose_route_and_merge_actions_say_what_they_did_to_each_request(client, staff):
    volunteer = VolunteerProfileFactory(user__first_name="Camille", user__last_name="Durand")
    to_propose = HelpRequestFactory(triaged=True)
    messages = said(run_action(client, "propose", [to_propose], volunteer_email=volunteer.user.email))
    assert messages == [f"{to_propose.reference} : proposée à Camille Durand."]

    ccas = AssociationFactory(name="CCAS de Nancy", kind=OrganisationKind.COMMUNE)
    to_route = HelpRequestFactory(triaged=True)
    messages = said(run_action(client, "route", [to_route], association=ccas.pk))
    assert messages == [f"{to_route.reference} : confiée à CCAS de Nancy."]

    original = HelpRequestFactory()
    duplicate, lone = HelpRequestFactory(possible_duplicate_of=original), HelpRequestFactory()
    messages = said(run_action(client, "merge_into_original", [duplicate, lone], confirmer="1"))
    assert f"{duplicate.reference} : fusionnée dans {original.reference}." in messages
    assert f"{lone.reference} : aucun doublon signalé, rien n'a été fait." in messages


def test_the_route_action_hands_requests_to_the_chosen_organisation(client, staff):
    ccas = AssociationFactory(name="CCAS de Nancy", kind=OrganisationKind.COMMUNE)
    help_request = HelpRequestFactory(triaged=True)

    run_action(client, "route", [help_request], association=ccas.pk, note="Portage de repas")

    help_request.refresh_from_db()
    assert (help_request.status, help_request.routed_to) == (Status.ROUTED, ccas)
    assert help_request.status_changes.get().note == "Portage de repas"


def test_routing_without_choosing_an_organisation_changes_nothing(client, staff):
    help_request = HelpRequestFactory(triaged=True)
    response = run_action(client, "route", [help_request])
    assert HelpRequest.objects.get(pk=help_request.pk).status == Status.TRIAGED
    assert any("Choisissez la structure" in str(m) for m in response.context["messages"])


def test_the_cancel_and_merge_actions(client, staff):
    original = help_request_create(help_request=HelpRequestFactory.build(reference="", requester_phone="+33612345678"))
    duplicate = help_request_create(
        help_request=HelpRequestFactory.build(reference="", requester_phone="+33612345678")
    )
    other = HelpRequestFactory()

    for action, targets in (("merge_into_original", [duplicate]), ("cancel", [other])):
        confirmation = run_action(client, action, targets)
        assert "ne peut pas être défaite" in confirmation.content.decode()
        assert HelpRequest.objects.get(pk=targets[0].pk).status == Status.NEW
        run_action(client, action, targets, confirmer="1")

    assert HelpRequest.objects.get(pk=duplicate.pk).status == Status.CANCELLED
    assert HelpRequest.objects.get(pk=original.pk).status == Status.NEW
    assert HelpRequest.objects.get(pk=other.pk).status == Status.CANCELLED


def test_the_change_page_shows_the_history(client, staff):
    help_request = help_request_create(help_request=HelpRequestFactory.build(reference=""))
    help_request.triage(by=staff, note="Vérifié par téléphone")
    content = client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk])).content.decode()
    assert "Vérifié par téléphone" in content
    assert "Étudiée par le département" in content


def test_staff_cannot_add_or_delete_requests_in_the_admin(client, staff):
    help_request = HelpRequestFactory()
    assert client.get(reverse("admin:requests_app_helprequest_add")).status_code == 403
    assert client.get(reverse("admin:requests_app_helprequest_delete", args=[help_request.pk])).status_code == 403


def test_staff_without_the_permission_cannot_see_requests(client):
    user = UserFactory(staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_helptype"))
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403


def test_staff_edit_the_summary_for_volunteers(client, staff):
    help_request = HelpRequestFactory(volunteer_summary="Courses")
    url = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
    response = client.get(url)
    data = {
        name: value
        for name, value in response.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data["requester_phone"], data["beneficiary_phone"] = str(help_request.requester_phone), ""
    data["commune"] = help_request.commune_id
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(key): value for key, value in management.initial.items()})
    data["volunteer_summary"] = "Courses pour une personne âgée, le mardi matin"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    help_request.refresh_from_db()
    assert help_request.volunteer_summary == "Courses pour une personne âgée, le mardi matin"
