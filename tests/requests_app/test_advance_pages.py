"""The pages of shopping advances (requests_app/views/advances.py): staff's list and each advance's page with its
steps; the organisation's, for the requests it filed or was routed; the receipt, logged, for them only."""

import html

import pytest
from django.urls import reverse

from associations.enums import OrganisationKind
from matching.models import Proposal
from requests_app.enums import AccessReason, AdvanceStatus
from requests_app.models import AccessLog, Advance
from requests_app.partners import partner_request_file
from tests.accounts.factories import UserFactory
from tests.associations.factories import AssociationFactory, member_of
from tests.requests_app.factories import HelpRequestFactory
from tests.requests_app.shopping import JPEG, advance_recorded
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def organisation():
    return AssociationFactory(kind=OrganisationKind.COMMUNE)


@pytest.fixture
def advance(organisation):
    """Shopping the organisation (a CCAS) filed for a resident, done by a volunteer who advanced 23,40 €."""
    filed = partner_request_file(
        organisation=organisation,
        help_request=HelpRequestFactory.build(
            requester_name="", requester_phone="", beneficiary_name="Ginette Petit", beneficiary_phone="+33662334455"
        ),
        by=member_of(organisation),
        resident_agreed=True,
    )
    return advance_recorded(filed, volunteer=VolunteerProfileFactory(user__first_name="Lucie", user__last_name="Roy"))


def staff_url(name, advance, *args):
    return reverse(f"requests:{name}", args=[advance.pk, *args])


def organisation_url(name, organisation, advance, *args):
    return reverse(f"associations:{name}", args=[organisation.pk, advance.pk, *args])


# --- Staff ------------------------------------------------------------------------------------------------------


def test_staff_list_the_advances_to_handle_and_filter_them_by_state(client, staff, advance):
    content = page(client.get(reverse("requests:advances")))
    assert advance.help_request.reference in content and "23,40 €" in content and "Lucie Roy" in content
    assert (
        page(client.get(reverse("requests:advances"), {"etat": "repaid"})).count(advance.help_request.reference) == 0
    )
    response = client.get(reverse("requests:advances"), {"etat": "nimporte"})
    assert response.status_code == 400 and "Sélectionnez un choix valide" in page(response)


def test_staff_take_the_answer_on_the_phone_approve_and_record_the_repayment(client, staff, advance):
    response = client.post(staff_url("advance_step", advance, "reponse"), {"confirmed": "1"})
    assert response.status_code == 302
    client.post(staff_url("advance_step", advance, "accepter"))
    response = client.post(staff_url("advance_step", advance, "rembourser"), {"repaid_on": "2099-01-01"})
    assert response.status_code == 400 and "ne peut pas être dans le futur" in page(response)
    # A date before the approval: the service refuses it, and the form comes back with the date typed.
    response = client.post(staff_url("advance_step", advance, "rembourser"), {"repaid_on": "2020-01-01"})
    assert response.status_code == 400 and "précéder son accord" in page(response)
    assert 'value="2020-01-01"' in page(response)
    client.post(staff_url("advance_step", advance, "rembourser"), {"repaid_on": advance.recorded_at.date()})
    advance.refresh_from_db()
    assert (advance.status, advance.answered_by, advance.decided_by, advance.repaid_recorded_by) == (
        AdvanceStatus.REPAID, staff, staff, staff,
    )  # fmt: skip
    content = page(client.get(staff_url("advance", advance)))
    assert "Remboursée le" in content and "confirmée, au téléphone, avec un agent" in content


def test_approving_before_the_person_confirmed_is_refused_with_a_message(client, staff, advance):
    response = client.post(staff_url("advance_step", advance, "accepter"), follow=True)
    assert "n'a pas encore confirmé" in page(response)
    advance.refresh_from_db()
    assert advance.status == AdvanceStatus.AWAITING


def test_a_refusal_without_reason_comes_back_with_the_form(client, staff, advance):
    response = client.post(staff_url("advance_step", advance, "refuser"), {"reason": ""})
    assert response.status_code == 400 and "Donnez le motif du refus" in page(response)
    client.post(staff_url("advance_step", advance, "refuser"), {"reason": "Montant sans rapport avec le ticket."})
    advance.refresh_from_db()
    assert advance.status == AdvanceStatus.REFUSED and advance.refusal_reason.startswith("Montant")


def test_an_unknown_step_or_advance_is_a_404(client, staff, advance):
    assert client.post(staff_url("advance_step", advance, "effacer")).status_code == 404
    assert client.get(reverse("requests:advance", args=[advance.pk + 1000])).status_code == 404


def test_staff_see_the_receipt_and_each_look_is_logged(client, staff, advance):
    response = client.get(staff_url("advance_receipt", advance))
    assert response.status_code == 200 and body(response) == JPEG
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"].startswith("private, no-store")
    [line] = AccessLog.objects.filter(reason=AccessReason.RECEIPT)
    assert (line.user, line.help_request_id) == (staff, advance.help_request.pk)


def test_the_request_s_admin_page_links_to_its_advance(client, staff, advance):
    content = page(client.get(reverse("admin:requests_app_helprequest_change", args=[advance.help_request.pk])))
    assert staff_url("advance", advance) in content and "23,40 € — En attente" in content


@pytest.mark.parametrize("name", ["advances", "advance", "advance_receipt"])
def test_a_volunteer_or_a_member_is_not_staff(client, advance, organisation, name):
    for user in (advance.proposal.volunteer.user, UserFactory()):
        client.force_login(user)
        url = reverse("requests:advances") if name == "advances" else staff_url(name, advance)
        assert client.get(url).status_code == 403


# --- The organisation ----------------------------------------------------------------------------------------------


def test_the_filing_organisation_approves_and_repays_after_the_person_confirmed(client, organisation, advance):
    member_of(organisation, client)
    assert "23,40 €" in page(client.get(reverse("associations:advances", args=[organisation.pk])))
    content = page(client.get(organisation_url("advance", organisation, advance)))
    assert "Lucie Roy" in content and "Ginette" not in content
    # The person's answer is the hotline's: not an organisation's step.
    assert (
        client.post(organisation_url("advance_step", organisation, advance, "reponse"), {"confirmed": "1"}).status_code
        == 404
    )
    Advance.objects.filter(pk=advance.pk).update(status=AdvanceStatus.CONFIRMED)
    client.post(organisation_url("advance_step", organisation, advance, "accepter"))
    client.post(
        organisation_url("advance_step", organisation, advance, "rembourser"),
        {"repaid_on": advance.recorded_at.date()},
    )
    advance.refresh_from_db()
    assert advance.status == AdvanceStatus.REPAID
    response = client.get(organisation_url("advance_receipt", organisation, advance))
    assert response.status_code == 200 and body(response) == JPEG
    assert AccessLog.objects.filter(reason=AccessReason.RECEIPT, help_request=advance.help_request).count() == 1


def test_a_member_who_advanced_the_money_herself_cannot_approve_her_own_repayment(client, organisation, advance):
    """The volunteer is also a member of the organisation that filed the request: another member decides."""
    member = member_of(organisation)
    client.force_login(member)
    Advance.objects.filter(pk=advance.pk).update(status=AdvanceStatus.CONFIRMED)
    Proposal.objects.filter(pk=advance.proposal_id).update(volunteer=VolunteerProfileFactory(user=member))
    response = client.post(organisation_url("advance_step", organisation, advance, "accepter"), follow=True)
    assert "votre propre avance" in page(response)
    advance.refresh_from_db()
    assert advance.status == AdvanceStatus.CONFIRMED and advance.decided_by is None


def test_the_organisation_routed_the_request_reaches_its_advance_too(client):
    routed_to = AssociationFactory()
    help_request = HelpRequestFactory(triaged=True, routed_to=routed_to)
    advance = advance_recorded(help_request)
    member_of(routed_to, client)
    assert client.get(organisation_url("advance", routed_to, advance)).status_code == 200


@pytest.mark.parametrize("name", ["advance", "advance_receipt"])
def test_another_organisation_or_a_volunteer_gets_a_404(client, organisation, advance, name):
    other = AssociationFactory()
    member_of(other, client)
    assert client.get(organisation_url(name, other, advance)).status_code == 404
    assert client.get(organisation_url(name, organisation, advance)).status_code == 404  # not her organisation
    client.force_login(advance.proposal.volunteer.user)
    assert client.get(organisation_url(name, organisation, advance)).status_code == 404
    assert client.post(organisation_url("advance_step", other, advance, "accepter")).status_code == 404


def test_a_suspended_organisation_reaches_no_advance(client, organisation, advance):
    member_of(organisation, client)
    organisation.status = "suspended"
    organisation.save(update_fields=["status"])
    assert client.get(reverse("associations:advances", args=[organisation.pk])).status_code == 404
    assert client.get(organisation_url("advance", organisation, advance)).status_code == 404
