"""Requests a commune or CCAS, a home-help service or a département service files for one of the people it looks
after: the service, the form, the organisation's pages of the requests it filed, and what it is told."""

import html
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from associations.enums import MemberRole, OrganisationKind
from core.models import Commune, HelpType
from matching.services import proposal_accept, proposal_complete, proposal_create
from notifications.enums import Channel, Event
from notifications.models import Notification
from requests_app.enums import AccessReason, ContactChannel, HandOffAnswer, RequesterRelation, Source, Status
from requests_app.handoffs import hand_off_answer, help_request_hand_off, link_find
from requests_app.models import AccessLog, HelpRequest
from requests_app.partners import FilingRefused, partner_request_file
from requests_app.routing import routed_request_complete
from requests_app.services import help_request_route
from tests.accounts.factories import AgentFactory, UserFactory
from tests.associations.factories import AssociationFactory, member_of
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 24, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))
# What the resident's file holds: none of it may leave in a message to the organisation, or reach another one.
RESIDENT = ["Germaine Petit", "Petit", "12 rue des Lilas", "06 12 34 56 78", "612345678", "la clé chez la voisine"]
VOLUNTEER = ["Rosalie Bénévole", "rosalie@exemple.fr", "699001122", "99 00 11 22"]


@pytest.fixture
def ccas():
    return AssociationFactory(name="CCAS de Toul", kind=OrganisationKind.COMMUNE, rna="", siret="21540528100011",
                              commune=Commune.objects.get(insee="54528"))  # fmt: skip


@pytest.fixture
def agent(client, ccas):
    """A plain member, not an admin: filing for a resident is every agent's job."""
    user = member_of(ccas, client, MemberRole.MEMBER)
    user.first_name, user.last_name = "Claire", "Agent"
    user.save()
    return user


def text(response) -> str:
    """The page as read, entities decoded ("l'étudier", not "l&#x27;étudier")."""
    return html.unescape(response.content.decode())


def form_data(**overrides) -> dict:
    """What a CCAS agent types about a resident."""
    data = {
        "beneficiary_name": "Germaine Petit",
        "beneficiary_phone": "06 12 34 56 78",
        "commune": "Vandœuvre-lès-Nancy (54500)",
        "address": "12 rue des Lilas",
        "help_type": str(HelpType.objects.get(code="shopping").pk),
        "description": "Courses de la semaine ; la clé chez la voisine.",
        "urgency": "1",
        "lives_alone": "on",
        "aged_70_plus": "on",
        "preferred_channel": "sms",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def list_url(association) -> str:
    return f"/associations/{association.pk}/demandes-deposees/"


def new_url(association) -> str:
    return list_url(association) + "nouvelle/"


def detail_url(association, reference: str) -> str:
    return list_url(association) + f"{quote(reference, safe='')}/"


def filed(organisation, by=None, **fields) -> HelpRequest:
    """A request the organisation filed through the service, as its agent `by` (None: its software)."""
    fields = {"beneficiary_name": "Germaine Petit", "beneficiary_phone": "+33612345678",
              "address": "12 rue des Lilas", "description": "Courses ; la clé chez la voisine.", **fields}  # fmt: skip
    built = HelpRequestFactory.build(requester_name="", requester_phone="", reference="", tracking_token="", **fields)
    return partner_request_file(organisation=organisation, help_request=built, by=by, resident_agreed=True)


def test_the_paths_built_here_are_those_of_the_urlconf(ccas):
    assert list_url(ccas) == reverse("associations:filed_requests", args=[ccas.pk])
    assert new_url(ccas) == reverse("associations:filed_request_new", args=[ccas.pk])
    assert detail_url(ccas, "E54-ABCD-EFGH") == reverse("associations:filed_request", args=[ccas.pk, "E54-ABCD-EFGH"])


# --- Filing -----------------------------------------------------------------------------------------------------


def test_filing_records_the_organisation_its_agent_the_resident_and_the_agreement(client, ccas, agent):
    with time_machine.travel(NOW, tick=False):
        response = client.post(new_url(ccas), form_data())

    help_request = HelpRequest.objects.get()
    assert response.status_code == 302 and response.url == detail_url(ccas, help_request.reference)
    assert (help_request.source, help_request.filed_by, help_request.created_by) == (Source.PARTNER, ccas, agent)
    assert help_request.consent_at == NOW
    assert help_request.requester_relation == RequesterRelation.PROFESSIONAL
    assert help_request.requester_name == "Claire Agent (CCAS de Toul)"
    assert help_request.beneficiary_name == "Germaine Petit"
    # The number the request is followed by is the resident's: the SMS she chose, and the duplicate flag.
    assert help_request.beneficiary_phone == help_request.requester_phone == "+33612345678"
    assert help_request.requester_email == ""
    assert (help_request.commune.insee, help_request.lives_alone, help_request.urgency) == ("54547", True, 1)
    first = help_request.status_changes.get()
    assert (first.from_status, first.to_status, first.changed_by) == ("", Status.NEW, agent)


def test_after_filing_the_agent_reads_the_reference_and_what_happens_next(client, ccas, agent):
    response = client.post(new_url(ccas), form_data(), follow=True)

    help_request = HelpRequest.objects.get()
    content = text(response)
    assert f"Demande {help_request.reference} déposée" in content
    assert "Un agent du département va l'étudier" in content
    assert "Vous recevrez un courriel quand quelqu'un la prendra en charge" in content


@pytest.mark.parametrize("kind", [OrganisationKind.COMMUNE, OrganisationKind.HOME_HELP,
                                  OrganisationKind.DEPARTEMENT_SERVICE])  # fmt: skip
def test_communes_home_help_and_departement_services_file_requests(client, kind):
    organisation = AssociationFactory(kind=kind)
    member_of(organisation, client, MemberRole.MEMBER)

    assert client.get(new_url(organisation)).status_code == 200
    response = client.post(new_url(organisation), form_data())

    assert response.status_code == 302
    assert HelpRequest.objects.get().filed_by == organisation


@pytest.mark.parametrize("kind", [OrganisationKind.ASSOCIATION, OrganisationKind.OTHER])
def test_the_pages_do_not_exist_for_other_kinds_of_organisation(client, kind):
    organisation = AssociationFactory(kind=kind)
    member_of(organisation, client)
    stray = HelpRequestFactory(source=Source.PARTNER, filed_by=organisation)  # as if filed before a change of kind

    for url in (list_url(organisation), new_url(organisation), detail_url(organisation, stray.reference)):
        assert client.get(url).status_code == 404, url
    assert client.post(new_url(organisation), form_data()).status_code == 404
    assert HelpRequest.objects.count() == 1
    assert "Demandes déposées" not in text(client.get(reverse("associations:space", args=[organisation.pk])))


@pytest.mark.parametrize(
    "trait, said",
    [("pending", "attend la validation du département"), ("suspended", "Votre structure est suspendue")],
)
def test_a_pending_or_suspended_partner_is_told_why_it_cannot_file_or_follow(client, trait, said):
    organisation = AssociationFactory(kind=OrganisationKind.HOME_HELP, **{trait: True})
    member_of(organisation, client)
    earlier = HelpRequestFactory(source=Source.PARTNER, filed_by=organisation, beneficiary_name="Germaine Petit")

    for url in (list_url(organisation), new_url(organisation)):
        response = client.get(url)
        assert response.status_code == 403, url
        assert said in text(response)
    assert client.post(new_url(organisation), form_data()).status_code == 403
    assert HelpRequest.objects.count() == 1
    # Nobody's details for an organisation that is not (or no longer) validated.
    response = client.get(detail_url(organisation, earlier.reference))
    assert response.status_code == 404
    assert "Germaine" not in text(response)


def test_without_the_resident_agreement_nothing_is_filed_and_the_form_comes_back_filled(client, ccas, agent):
    response = client.post(new_url(ccas), form_data(consent=None))

    assert response.status_code == 400
    content = text(response)
    assert "Recueillez l'accord de la personne avant de déposer la demande" in content
    assert 'value="Germaine Petit"' in content and "la clé chez la voisine" in content
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"beneficiary_phone": "12"}, "beneficiary_phone", "Numéro de téléphone invalide"),
        ({"beneficiary_phone": ""}, "beneficiary_phone", "Indiquez un téléphone où joindre la personne"),
        ({"beneficiary_name": ""}, "beneficiary_name", "Indiquez le nom de la personne à aider."),
        ({"help_type": None}, "help_type", "Choisissez le type d'aide dont la personne a besoin."),
        ({"commune": "Atlantide"}, "commune", "Commune inconnue dans le département"),
        # An SMS to a landline would never arrive: she would think nobody had heard of her request.
        ({"beneficiary_phone": "03 83 12 34 56"}, "preferred_channel", "Un SMS ne part que vers un portable"),
        ({"recurring_day": "1"}, "recurring_period", "Pour une aide chaque semaine, choisissez le moment"),
    ],
    ids=["bad-phone", "no-phone", "no-name", "no-help-type", "unknown-commune", "sms-to-landline", "day-alone"],
)
def test_bad_input_is_refused_in_french_and_nothing_typed_is_lost(client, ccas, agent, overrides, field, message):
    response = client.post(new_url(ccas), form_data(**overrides))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert "la clé chez la voisine" in text(response)
    assert not HelpRequest.objects.exists()


def test_a_landline_is_fine_when_the_resident_wants_no_sms(client, ccas, agent):
    response = client.post(new_url(ccas), form_data(beneficiary_phone="03 83 12 34 56", preferred_channel="phone"))

    assert response.status_code == 302
    assert HelpRequest.objects.get().preferred_channel == ContactChannel.PHONE


def test_a_commune_finds_its_own_commune_in_the_form_and_a_home_help_service_does_not(client, ccas, agent):
    assert client.get(new_url(ccas)).context["form"]["commune"].value() == "Toul (54200)"

    home_help = AssociationFactory(kind=OrganisationKind.HOME_HELP, commune=ccas.commune)
    member_of(home_help, client)
    assert client.get(new_url(home_help)).context["form"]["commune"].value() is None


def test_the_service_refuses_without_the_resident_agreement(ccas, agent):
    with pytest.raises(FilingRefused, match="L'accord de la personne est nécessaire"):
        partner_request_file(organisation=ccas, help_request=HelpRequestFactory.build(), by=agent,
                             resident_agreed=False)  # fmt: skip
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    "organisation, said",
    [
        ({"kind": OrganisationKind.ASSOCIATION}, "Seules les communes et CCAS"),
        ({"kind": OrganisationKind.COMMUNE, "pending": True}, "attend la validation"),
        ({"kind": OrganisationKind.COMMUNE, "suspended": True}, "est suspendue"),
    ],
    ids=["association", "pending", "suspended"],
)
def test_the_service_refuses_organisations_that_may_not_file(organisation, said):
    organisation = AssociationFactory(**organisation)
    with pytest.raises(FilingRefused, match=said):
        filed(organisation, by=member_of(organisation))
    assert not HelpRequest.objects.exists()


def test_the_service_refuses_someone_who_is_not_a_member(ccas):
    with pytest.raises(FilingRefused, match="Seuls les membres de CCAS de Toul"):
        filed(ccas, by=UserFactory())
    assert not HelpRequest.objects.exists()


def test_filed_by_its_software_the_request_is_signed_by_the_organisation(ccas):
    """The API has no user: the organisation is the requester, and nobody is named as its agent."""
    help_request = filed(ccas, by=None)

    assert (help_request.source, help_request.filed_by, help_request.created_by) == (Source.PARTNER, ccas, None)
    assert help_request.requester_name == "CCAS de Toul"
    assert help_request.consent_at is not None


def test_a_resident_filed_again_is_flagged_as_a_possible_duplicate_and_another_is_not(ccas, agent):
    first = filed(ccas, by=agent)
    again = filed(ccas, by=agent)
    neighbour = filed(ccas, by=agent, beneficiary_name="Paul Voisin", beneficiary_phone="+33698765432")

    assert again.possible_duplicate_of == first
    assert neighbour.possible_duplicate_of is None  # the same agent filing for many people ties nothing together


# --- The organisation's list and pages --------------------------------------------------------------------------


def test_the_list_shows_the_organisation_s_requests_with_the_first_name_only(client, ccas, agent):
    with time_machine.travel(NOW, tick=False):
        mine = filed(ccas, by=agent)
    other = filed(AssociationFactory(kind=OrganisationKind.HOME_HELP), beneficiary_name="Roger Autre")
    HelpRequestFactory(requester_name="Monique Publique")  # from the public form

    response = client.get(list_url(ccas))

    assert response.status_code == 200
    content = text(response)
    assert [r.reference for r in response.context["page"]] == [mine.reference]
    assert other.reference not in content and "Roger" not in content and "Monique" not in content
    assert "Germaine" in content and "Petit" not in content
    assert "12 rue des Lilas" not in content and "12 34 56 78" not in content
    assert "Nancy" in content and "Courses" in content
    assert "Reçue" in content and "Un agent du département va l'étudier" in content
    assert "24/03/2026 10:30" in content and "par Claire Agent" in content
    assert f'href="{detail_url(ccas, mine.reference)}"' in content
    assert not AccessLog.objects.exists()  # a first name, for the organisation that typed it: not a look at a file


def test_a_name_that_does_not_tell_the_first_name_is_listed_by_its_initials(client, ccas, agent):
    filed(ccas, by=agent, beneficiary_name="Raymond Colin")  # either may be a surname

    content = text(client.get(list_url(ccas)))

    assert "R. C. — Courses" in content
    assert "Raymond" not in content and "Colin" not in content


def test_a_colleague_sees_every_request_the_organisation_filed(client, ccas, agent):
    mine = filed(ccas, by=agent)
    colleague = member_of(ccas, client, MemberRole.MEMBER)

    assert [r.reference for r in client.get(list_url(ccas)).context["page"]] == [mine.reference]
    assert client.get(detail_url(ccas, mine.reference)).status_code == 200
    assert AccessLog.objects.get().user == colleague


def test_the_list_is_filtered_by_where_the_requests_stand(client, ccas, agent):
    waiting = filed(ccas, by=agent)
    taken = filed(ccas, by=agent, beneficiary_phone="+33698765432")
    help_request_route(help_request=taken, association=AssociationFactory())
    done = filed(ccas, by=agent, beneficiary_phone="+33698765400")
    done.transition(Status.CANCELLED)

    def shown(step):
        return [r.reference for r in client.get(list_url(ccas), {"etat": step}).context["page"]]

    assert shown("en-attente") == [waiting.reference]
    assert shown("prises-en-charge") == [taken.reference]
    assert shown("annulees") == [done.reference]
    assert shown("terminees") == []
    assert len(shown("")) == 3
    response = client.get(list_url(ccas), {"etat": "n-importe-quoi"})
    assert response.status_code == 400 and not response.context["page"].object_list


def test_the_list_is_paginated(client, ccas, agent):
    for index in range(27):
        filed(ccas, by=agent, beneficiary_phone=f"+336980000{index:02d}")

    first, second = client.get(list_url(ccas)), client.get(list_url(ccas), {"page": 2})

    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 2
    assert "Page 1 sur 2" in text(first)


def test_the_detail_page_gives_what_the_organisation_typed_and_writes_it_to_the_access_log(client, ccas, agent):
    help_request = filed(ccas, by=agent)

    response = client.get(detail_url(ccas, help_request.reference))

    assert response.status_code == 200
    content = text(response)
    for typed in ("Germaine Petit", 'href="tel:+33612345678"', "12 rue des Lilas", "la clé chez la voisine"):
        assert typed in content, typed
    assert "Reçue" in content and "Historique" in content
    line = AccessLog.objects.get()
    assert (line.user, line.help_request, line.reason) == (agent, help_request, AccessReason.PARTNER_FILED)
    assert line.path == detail_url(ccas, help_request.reference)


def test_another_organisation_s_request_is_a_404_even_to_a_partner(client, ccas, agent):
    elsewhere = filed(AssociationFactory(kind=OrganisationKind.COMMUNE), beneficiary_name="Roger Autre")
    routed_here = HelpRequestFactory(triaged=True, beneficiary_name="Lucien Confié")
    routed_here.route_to(ccas)  # routed to the CCAS, not filed by it: that page is the routed request's

    for help_request in (elsewhere, routed_here):
        response = client.get(detail_url(ccas, help_request.reference))
        assert response.status_code == 404
        assert "Roger" not in text(response) and "Lucien" not in text(response)
    assert not AccessLog.objects.exists()


def test_a_non_member_reaches_none_of_the_pages(client, ccas):
    help_request = filed(ccas)
    client.force_login(member_of(AssociationFactory(kind=OrganisationKind.COMMUNE)))

    for url in (list_url(ccas), new_url(ccas), detail_url(ccas, help_request.reference)):
        assert client.get(url).status_code == 404, url
    assert client.post(new_url(ccas), form_data()).status_code == 404
    assert HelpRequest.objects.count() == 1


def test_the_detail_page_names_no_volunteer(client, ccas, agent):
    help_request = filed(ccas, by=agent)
    volunteer = VolunteerProfileFactory(
        user=UserFactory(first_name="Rosalie", last_name="Bénévole", email="rosalie@exemple.fr"), phone="+33699001122"
    )
    proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=volunteer))

    content = text(client.get(detail_url(ccas, help_request.reference)))

    assert "Prise en charge par un bénévole" in content
    for secret in VOLUNTEER:
        assert secret not in content, secret


def test_the_organisation_space_leads_to_the_requests_it_files(client, ccas, agent):
    content = text(client.get(reverse("associations:space", args=[ccas.pk])))

    assert f'href="{new_url(ccas)}"' in content
    assert f'href="{list_url(ccas)}"' in content


# --- What the organisation and the resident are told --------------------------------------------------------------


def partner_rows(event: Event) -> list[Notification]:
    return list(Notification.objects.filter(event=event).order_by("recipient"))


def assert_nothing_personal(notification: Notification) -> None:
    for secret in RESIDENT + VOLUNTEER:
        assert secret not in notification.subject and secret not in notification.body, secret


@pytest.fixture
def colleague(ccas):
    return member_of(ccas, role=MemberRole.ADMIN)


def test_the_agent_who_filed_it_is_told_when_a_volunteer_takes_it(ccas, agent, colleague):
    help_request = filed(ccas, by=agent)
    volunteer = VolunteerProfileFactory(
        user=UserFactory(first_name="Rosalie", last_name="Bénévole", email="rosalie@exemple.fr"), phone="+33699001122"
    )

    proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=volunteer))

    (taken,) = partner_rows(Event.PARTNER_REQUEST_TAKEN)
    assert (taken.channel, taken.recipient, taken.help_request) == (Channel.EMAIL, agent.email, help_request)
    assert help_request.reference in taken.subject
    assert "un bénévole l'a acceptée" in taken.body
    assert settings.SITE_URL + detail_url(ccas, help_request.reference) in taken.body
    assert_nothing_personal(taken)


def test_the_agent_is_told_when_the_departement_gives_it_to_an_organisation_named(ccas, agent, colleague):
    help_request = filed(ccas, by=agent)

    help_request_route(help_request=help_request, association=AssociationFactory(name="ADMR du Toulois"))

    (taken,) = partner_rows(Event.PARTNER_REQUEST_TAKEN)
    assert taken.recipient == agent.email
    assert "le département l'a confiée à ADMR du Toulois" in taken.body
    assert_nothing_personal(taken)


def test_the_agent_is_told_when_a_responder_outside_the_portal_takes_it(ccas, agent, colleague):
    help_request = filed(ccas, by=agent)
    help_request.triage()
    _hand_off, token = help_request_hand_off(
        help_request=help_request,
        responder_label="Banque alimentaire de Toul",
        responder_email="ba@toul.fr",
        by=AgentFactory(),
    )
    assert partner_rows(Event.PARTNER_REQUEST_TAKEN) == []  # sent, not yet taken

    hand_off_answer(link=link_find(token), answer=HandOffAnswer.TAKE)

    (taken,) = partner_rows(Event.PARTNER_REQUEST_TAKEN)
    assert taken.recipient == agent.email
    assert "le département l'a confiée à Banque alimentaire de Toul" in taken.body
    assert "bénévole" not in taken.body
    assert_nothing_personal(taken)


def test_given_back_to_the_organisation_that_filed_it_the_request_is_told_as_routed_only(ccas, agent):
    help_request = filed(ccas, by=agent)

    help_request_route(help_request=help_request, association=ccas)

    assert partner_rows(Event.PARTNER_REQUEST_TAKEN) == []
    assert [n.recipient for n in partner_rows(Event.REQUEST_ROUTED)] == [agent.email]


def test_the_agent_is_told_when_the_request_is_done(ccas, agent, colleague):
    help_request = filed(ccas, by=agent)
    volunteer = VolunteerProfileFactory()
    proposal = proposal_accept(proposal=proposal_create(help_request=help_request, volunteer=volunteer))

    proposal_complete(proposal=proposal, report="Courses faites.", concern=False)

    (done,) = partner_rows(Event.PARTNER_REQUEST_DONE)
    assert (done.recipient, done.help_request) == (agent.email, help_request)
    assert "est indiquée comme terminée" in done.body
    assert settings.SITE_URL + detail_url(ccas, help_request.reference) in done.body
    assert_nothing_personal(done)


def test_done_by_the_organisation_it_was_routed_to_is_told_too(ccas, agent):
    help_request = filed(ccas, by=agent)
    partner = AssociationFactory()
    help_request_route(help_request=help_request, association=partner)

    routed_request_complete(help_request=help_request, by=member_of(partner))

    assert [n.recipient for n in partner_rows(Event.PARTNER_REQUEST_DONE)] == [agent.email]


def test_filed_by_its_software_or_by_an_agent_who_left_every_member_is_told(ccas, agent, colleague):
    by_software = filed(ccas)
    by_leaver = filed(ccas, by=agent, beneficiary_phone="+33698765432")
    ccas.memberships.filter(user=agent).delete()

    help_request_route(help_request=by_software, association=AssociationFactory())
    help_request_route(help_request=by_leaver, association=AssociationFactory())

    assert sorted(n.recipient for n in partner_rows(Event.PARTNER_REQUEST_TAKEN)) == [colleague.email] * 2


def test_a_suspended_organisation_is_told_nothing_more(ccas, agent):
    help_request = filed(ccas, by=agent)
    ccas.suspend("Fermeture du service")

    help_request_route(help_request=help_request, association=AssociationFactory())

    assert partner_rows(Event.PARTNER_REQUEST_TAKEN) == []


def test_the_resident_who_chose_sms_gets_them_and_the_agent_no_requester_email(client, ccas, agent):
    client.post(new_url(ccas), form_data(preferred_channel="sms"))
    help_request = HelpRequest.objects.get()
    help_request_route(help_request=help_request, association=AssociationFactory())

    received = Notification.objects.filter(event=Event.REQUEST_RECEIVED)
    assert [(n.channel, n.recipient) for n in received] == [(Channel.SMS, "+33612345678")]
    taken = Notification.objects.filter(event=Event.REQUEST_TAKEN)
    assert [(n.channel, n.recipient) for n in taken] == [(Channel.SMS, "+33612345678")]
    assert not Notification.objects.filter(channel=Channel.EMAIL, recipient=agent.email).exclude(
        event=Event.PARTNER_REQUEST_TAKEN
    )


def test_a_resident_who_wants_no_sms_gets_none(client, ccas, agent):
    client.post(new_url(ccas), form_data(preferred_channel="phone"))

    assert not Notification.objects.filter(event=Event.REQUEST_RECEIVED).exists()


# --- Staff ------------------------------------------------------------------------------------------------------


def test_staff_read_which_organisation_filed_it_in_the_queue_and_on_its_page(client, ccas):
    help_request = filed(ccas, by=member_of(ccas))
    client.force_login(AgentFactory())

    queue = text(client.get(reverse("admin:requests_app_helprequest_changelist")))
    page = text(client.get(reverse("admin:requests_app_helprequest_change", args=[help_request.pk])))

    assert "Partenaire : déposée par CCAS de Toul" in queue
    assert "déposée par la structure" in page.lower() and "CCAS de Toul" in page
