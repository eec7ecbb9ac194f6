"""Query budgets: every list and detail page makes at most a fixed number of queries, the same with 1 row as
with 50 (an N+1 shows as a count that grows with the rows). Each scenario builds `rows` rows of what the page
lists (or, for a detail page, of what it shows about the object), signs in whoever sees the page, and returns
its path. A budget is what the page makes today, the session and user lookups of a signed-in page included:
a page that needs one more query raises its budget here, in review, rather than by accident. Pages that show
a beneficiary's personal data count the access log's one INSERT (one for all the rows on the hotline console).

The admin change page of a request is the costliest (23): its matching panel ranks candidates tier by tier.
Its inlines read 50 notes and history lines with their authors in one query each (they made one per row).
The steering dashboard's budget is in tests/pilotage/test_dashboard.py."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from api.models import ApiCall
from associations.enums import AssociationStatus, OrganisationKind
from associations.models import Application, NewsItem
from core import page_cache
from core.enums import Vetting
from core.models import Commune
from crisis.enums import Section
from crisis.models import CrisisUpdate
from matching.enums import ProposalStatus
from notifications.enums import Channel, Event
from notifications.models import InboundSms, Notification
from orders.models import MissionOrder
from pairings.models import Pairing, PairingChange, Visit
from requests_app.admin.filters import SAVED_VIEWS
from requests_app.enums import CallbackOutcome, CallbackState, Source, Status
from requests_app.models import Advance, CallbackAttempt, OrganisationAssignment, RequestNote, StatusChange
from tests.accounts.factories import AgentFactory, UserFactory
from tests.api.factories import ApiTokenFactory
from tests.associations.factories import ApplicationFactory, AssociationFactory, MissionFactory, member_of
from tests.core.factories import HelpTypeFactory
from tests.matching.factories import ProposalFactory
from tests.notifications.factories import InboundSmsFactory
from tests.pairings.factories import pairing_with
from tests.requests_app.factories import CallbackFactory, HelpRequestFactory
from tests.volunteers.factories import VettingDocumentFactory, VolunteerProfileFactory
from volunteers.enums import DocumentStatus
from volunteers.models import VettingDocumentAccess

pytestmark = pytest.mark.django_db

SCENARIOS = {}


def page(name: str, budget: int):
    def register(build):
        SCENARIOS[name] = (budget, build)
        return build

    return register


def history(help_request, rows: int, by=None) -> None:
    now = timezone.now()
    StatusChange.objects.bulk_create(
        StatusChange(help_request=help_request, from_status=Status.NEW, to_status=Status.TRIAGED, note=f"étape {i}",
                     changed_by=by, changed_at=now - timedelta(minutes=rows - i))
        for i in range(rows)
    )  # fmt: skip


# Public pages


@page("crisis page", 2)  # 2: the last version of each section, the health rules in force
def crisis_page(client, rows):
    for i in range(rows):
        CrisisUpdate.objects.create(section=Section.WHAT_CHANGED, text=f"Changement {i}", change=f"n° {i}")
    return "/crise/"


@page("crisis history", 2)  # 2: the sections' versions, the health rules' versions
def crisis_history(client, rows):
    for i in range(rows):
        CrisisUpdate.objects.create(section=Section.OPENING_HOURS, text=f"Horaires {i}", change=f"n° {i}", urgent=True)
    return "/crise/historique/"


@page("mission list", 3)
def mission_list(client, rows):
    association = AssociationFactory()
    MissionFactory.create_batch(rows, association=association)
    return "/missions/?domain=food_emergency"


@page("mission detail", 1)
def mission_detail(client, rows):
    mission = MissionFactory(volunteers_needed=rows + 1)
    ApplicationFactory.create_batch(rows, mission=mission, status="accepted")
    return f"/missions/{mission.pk}/"


@page("mission detail with the checks its help type demands", 1)
def mission_detail_with_checks(client, rows):
    # The page names the help type and what it demands: those columns come with the mission's one query.
    help_type = HelpTypeFactory(vetting=Vetting.DOCUMENT, minimum_age=21)
    mission = MissionFactory(volunteers_needed=rows + 1, help_type=help_type)
    ApplicationFactory.create_batch(rows, mission=mission, status="accepted")
    return f"/missions/{mission.pk}/"


@page("mission detail, signed-in volunteer", 6)
def mission_detail_signed_in(client, rows):
    mission = MissionFactory(volunteers_needed=rows + 1)
    ApplicationFactory.create_batch(rows, mission=mission, status="accepted")
    client.force_login(UserFactory())
    return f"/missions/{mission.pk}/"


@page("directory", 2)
def directory(client, rows):
    AssociationFactory.create_batch(rows)
    return "/associations/"


@page("association public page", 2)
def association_public(client, rows):
    association = AssociationFactory()
    MissionFactory.create_batch(rows, association=association)
    return f"/associations/annuaire/{association.pk}/"


@page("tracking page", 0)  # 0: a reload comes from the cache (requests_app.tracking)
def tracking(client, rows):
    help_request = HelpRequestFactory()
    history(help_request, rows)
    return f"/demandes/suivi/{help_request.tracking_token}/"


# Members' pages


@page("news", 6)
def news(client, rows):
    association = AssociationFactory()
    author = member_of(association, client)
    other = AssociationFactory()
    NewsItem.objects.bulk_create(
        NewsItem(association=other if i % 10 == 0 else association, author=author, title=f"Nouvelle {i}", body="…")
        for i in range(rows)
    )
    return "/associations/actualites/"


@page("my organisations", 5)
def my_associations(client, rows):
    user = UserFactory()
    client.force_login(user)
    for association in AssociationFactory.create_batch(rows + 1):  # with one, the page sends its member to it
        member_of(association)  # another member, whom the page does not list
        association.memberships.create(user=user, role="admin")
    return "/associations/mes-structures/"


@page("association space", 8)
def association_space(client, rows):
    association = AssociationFactory()
    member_of(association, client)
    MissionFactory.create_batch(rows, association=association)
    HelpRequestFactory.create_batch(rows, status=Status.ROUTED, routed_to=association)
    NewsItem.objects.bulk_create(
        NewsItem(association=association, title=f"Nouvelle {i}", body="Texte.") for i in range(rows)
    )
    return f"/associations/{association.pk}/"


@page("association members", 7)
def association_members(client, rows):
    association = AssociationFactory()
    member_of(association, client)
    for _ in range(rows):
        member_of(association, role="member")
    return f"/associations/{association.pk}/membres/"


@page("association applications", 6)
def association_applications(client, rows):
    association = AssociationFactory()
    member_of(association, client)
    for mission in MissionFactory.create_batch(max(1, rows // 5), association=association, volunteers_needed=100):
        ApplicationFactory.create_batch(5 if rows > 1 else 1, mission=mission)
    return f"/associations/{association.pk}/candidatures/"


def people_of(association, rows: int) -> list:
    """`rows` members and `rows` volunteers accepted on its missions: the people its requests may be passed to."""
    members = [member_of(association, role="member") for _ in range(rows)]
    mission = MissionFactory(association=association, volunteers_needed=rows + 1)
    volunteers = [application.volunteer for application in ApplicationFactory.create_batch(rows, mission=mission)]
    Application.objects.filter(mission=mission).update(status="accepted")
    return members + volunteers


@page("routed request", 10)  # with the people it may be passed to, and who had it (one query each)
def routed_request(client, rows):
    association = AssociationFactory()
    member = member_of(association, client)
    help_request = HelpRequestFactory(status=Status.ROUTED, routed_to=association)
    history(help_request, rows)
    people = people_of(association, rows)
    OrganisationAssignment.objects.bulk_create(
        OrganisationAssignment(
            help_request=help_request, association=association, assignee=person, assigned_by=member,
            ended_at=timezone.now(), ended_reason="unable", ended_note="Pas disponible.",
        )
        for person in people
    )  # fmt: skip
    OrganisationAssignment.objects.create(
        help_request=help_request, association=association, assignee=people[-1], assigned_by=member
    )
    return f"/associations/{association.pk}/demandes/{help_request.reference}/"


def passed_to(person, association, help_request) -> None:
    OrganisationAssignment.objects.create(
        help_request=help_request, association=association, assignee=person, assigned_by=None, note="Le matin."
    )


@page("requests passed to me", 2)  # the user, the assignments in force with their request and organisation
def assigned_list(client, rows):
    association = AssociationFactory()
    member_of(association)
    volunteer = people_of(association, 1)[-1]
    client.force_login(volunteer)
    for _ in range(rows):
        passed_to(volunteer, association, HelpRequestFactory(status=Status.ROUTED, routed_to=association))
    return "/associations/demandes-confiees/"


@page("request passed to me", 7)  # user, assignment, the privacy checks (3), the organisation, the log
def assigned_request(client, rows):
    association = AssociationFactory()
    member_of(association)
    volunteer = people_of(association, rows)[-1]
    client.force_login(volunteer)
    help_request = HelpRequestFactory(status=Status.ROUTED, routed_to=association, beneficiary_name="Germaine Petit")
    history(help_request, rows)
    passed_to(volunteer, association, help_request)
    return f"/associations/demandes-confiees/{help_request.reference}/"


def partner_with_member(client):
    """A CCAS and one of its agents, signed in: the pages of the requests it files for its residents."""
    association = AssociationFactory(kind=OrganisationKind.COMMUNE)
    return association, member_of(association, client)


@page("filed requests", 4)  # the user, the membership, the count, the page
def filed_requests(client, rows):
    association, agent = partner_with_member(client)
    HelpRequestFactory.create_batch(
        rows, source=Source.PARTNER, filed_by=association, created_by=agent, beneficiary_name="Germaine Petit"
    )
    return f"/associations/{association.pk}/demandes-deposees/?etat=en-attente"


@page("filed request form", 3)  # the user, the membership, the help types
def filed_request_form(client, rows):
    association, _agent = partner_with_member(client)
    return f"/associations/{association.pk}/demandes-deposees/nouvelle/"


@page("filed request", 7)  # 7: the rights checked (membership, no proposal), the access log's INSERT
def filed_request(client, rows):
    association, agent = partner_with_member(client)
    help_request = HelpRequestFactory(source=Source.PARTNER, filed_by=association, created_by=agent)
    history(help_request, rows, by=agent)
    return f"/associations/{association.pk}/demandes-deposees/{help_request.reference}/"


ACCEPTED = {"status": ProposalStatus.ACCEPTED, "help_request__status": Status.ASSIGNED}
DONE = {"status": ProposalStatus.DONE, "help_request__status": Status.DONE}


@page("volunteer dashboard", 5)  # 5: her profile says whether she has call sheets or requests passed to her
def volunteer_dashboard(client, rows):
    volunteer = VolunteerProfileFactory(capacity=3)
    client.force_login(volunteer.user)
    ProposalFactory(volunteer=volunteer)
    ProposalFactory(volunteer=volunteer, **ACCEPTED)
    ProposalFactory.create_batch(rows, volunteer=volunteer, **DONE)
    ApplicationFactory.create_batch(rows, volunteer=volunteer.user)
    return "/benevoles/"


@page("volunteer proposal", 7)
def volunteer_proposal(client, rows):
    volunteer = VolunteerProfileFactory(capacity=3)
    client.force_login(volunteer.user)
    proposal = ProposalFactory(volunteer=volunteer, **ACCEPTED)
    history(proposal.help_request, rows)
    ProposalFactory.create_batch(rows, volunteer=volunteer, **DONE)
    return f"/benevoles/propositions/{proposal.pk}/"


# Her mission order, printed again: the proposal (hers, accepted), its row locked and its current order, the
# contact's check and the access log's INSERT, the health rules in force; the same with many orders expired before.
@page("volunteer mission order", 9)
def volunteer_mission_order(client, rows):
    volunteer = VolunteerProfileFactory(capacity=3)
    client.force_login(volunteer.user)
    proposal = ProposalFactory(volunteer=volunteer, **ACCEPTED)
    today = timezone.localdate()
    MissionOrder.objects.bulk_create(
        MissionOrder(code=f"{i:010d}", volunteer=volunteer.user, proposal=proposal, first_name="Camille",
                     issuer_name="Département", valid_from=today - timedelta(days=30 + i),
                     valid_until=today - timedelta(days=16 + i))
        for i in range(rows)
    )  # fmt: skip
    return f"/benevoles/propositions/{proposal.pk}/ordre-de-mission/"


# What an officer's phone asks: one query, whatever the volunteer's other orders (and the rate limit in Redis).
@page("mission order check", 1)
def mission_order_check(client, rows):
    volunteer = VolunteerProfileFactory(capacity=3)
    proposal = ProposalFactory(volunteer=volunteer, **ACCEPTED)
    today = timezone.localdate()
    MissionOrder.objects.bulk_create(
        MissionOrder(code=f"{i:010d}", volunteer=volunteer.user, proposal=proposal, first_name="Camille",
                     issuer_name="Département", valid_from=today - timedelta(days=30 + i),
                     valid_until=today - timedelta(days=16 + i))
        for i in range(rows)
    )  # fmt: skip
    return f"/verifier/{0:010d}/"


def pairing_visits_to_record(pairing, rows: int) -> None:
    """`rows` past weeks left unnoted (missed), each shown with its form."""
    today = timezone.localdate()
    Visit.objects.bulk_create(
        Visit(pairing=pairing, volunteer=pairing.volunteer, date=today - timedelta(weeks=week), outcome="missed")
        for week in range(1, rows + 1)
    )


# The dashboard's regular helps: her pairings (looked for among her accepted proposals), then their visits to note and
# to come, in one query each.
@page("volunteer dashboard, regular helps", 6)
def volunteer_dashboard_pairings(client, rows):
    volunteer = VolunteerProfileFactory(capacity=10)
    client.force_login(volunteer.user)
    for _ in range(3):
        pairing_visits_to_record(pairing_with(volunteer), rows)
    return "/benevoles/"


# The pairing (hers, live), again with its visits in one query, and the access log's INSERT for the contact shown.
@page("volunteer pairing", 7)
def volunteer_pairing(client, rows):
    volunteer = VolunteerProfileFactory(capacity=3)
    client.force_login(volunteer.user)
    pairing = pairing_with(volunteer)
    pairing_visits_to_record(pairing, rows)
    PairingChange.objects.bulk_create(PairingChange(pairing=pairing, action="paused") for _ in range(rows))
    return f"/benevoles/accompagnements/{pairing.pk}/"


# Staff pages


@page("hotline console, known caller", 7)
def hotline(client, rows):
    client.force_login(AgentFactory())
    HelpRequestFactory.create_batch(rows, requester_phone="+33611223344", source=Source.PHONE)
    return "/accueil-telephonique/?telephone=0611223344"


# The panel the console fetches as a number is typed in its form: the user and its two permission lookups, the
# requests from the number, the access log's one INSERT for all of them.
@page("hotline console, caller's history panel", 5)
def hotline_history(client, rows):
    client.force_login(AgentFactory())
    HelpRequestFactory.create_batch(rows, requester_phone="+33611223344", source=Source.PHONE)
    return "/accueil-telephonique/historique/?telephone=0611223344"


# As the saved views below; one more COUNT, of the SMS received waiting for an agent (above the queue).
@page("admin: help requests", 11)
def admin_requests(client, rows):
    client.force_login(AgentFactory())
    nancy, toul = Commune.objects.get(insee="54395"), Commune.objects.get(name="Toul")
    for i in range(rows):
        HelpRequestFactory(commune=toul if i % 2 else nancy, status=Status.TRIAGED if i % 3 else Status.NEW)
    return "/admin/requests_app/helprequest/"


def queue_of(client, rows: int) -> None:
    """Requests in every state the queue's saved views sort out, half of them held: by the agent signed in (for
    "mes demandes"), by another."""
    agent, other = AgentFactory(), AgentFactory()
    client.force_login(agent)
    original = HelpRequestFactory()
    states = [Status.NEW, Status.TRIAGED, Status.NEEDS_STAFF, Status.PROPOSED]
    for i in range(rows):
        help_request = HelpRequestFactory(
            status=states[i % len(states)], lives_alone=bool(i % 2), possible_duplicate_of=original if i % 3 else None
        )
        help_request.hold(by=other if i % 2 else agent)


# The user and its two permission lookups, the saved views' counts (one query for all), the filters' help types,
# EPCIs and arrondissements, the COUNT, the page's rows with their help type, commune, duplicate and holder, the
# organisations of the routing action, the COUNT of SMS received waiting for an agent. No access log: a saved view
# finds nobody.
for view in SAVED_VIEWS:

    @page(f"admin: help requests, saved view {view}", 11)
    def admin_requests_view(client, rows, view=view):
        queue_of(client, rows)
        return f"/admin/requests_app/helprequest/?file={view}"


# The same, and the access log's one INSERT for all the requests on the page (it reads them with the page: no
# second SELECT).
@page("admin: help requests, searched by phone", 12)
def admin_requests_search(client, rows):
    client.force_login(AgentFactory())
    HelpRequestFactory.create_batch(rows, requester_phone="+33611223344")
    return "/admin/requests_app/helprequest/?q=0611223344"


@page("admin: help request", 23)
def admin_request(client, rows):
    client.force_login(AgentFactory())
    help_request = HelpRequestFactory(status=Status.TRIAGED)
    author = AgentFactory()
    history(help_request, rows, by=author)
    ProposalFactory.create_batch(rows, help_request=help_request, status=ProposalStatus.DECLINED)
    RequestNote.objects.bulk_create(
        RequestNote(help_request=help_request, author=author, text=f"Note {i}") for i in range(rows)
    )
    for i in range(rows):
        state = CallbackState.OPEN if i == 0 else CallbackState.UNREACHABLE
        callback = CallbackFactory(
            help_request=help_request, state=state, closed_at=None if i == 0 else timezone.now()
        )
        callback.attempts.create(outcome=CallbackOutcome.VOICEMAIL, by=author, note=f"Essai {i}")
    return f"/admin/requests_app/helprequest/{help_request.pk}/change/"


# The user and its two permission lookups, the COUNT for the pages, the page's callbacks with their requests, their
# tries counted and the last one's outcome in the same query (the access log reads them there), the log's one INSERT.
@page("admin: callbacks", 6)
def admin_callbacks(client, rows):
    client.force_login(AgentFactory())
    now = timezone.now()
    for i in range(rows):
        callback = CallbackFactory(due_at=now - timedelta(minutes=i), preferred_slots=i % 8)
        CallbackAttempt.objects.bulk_create(
            CallbackAttempt(callback=callback, outcome=CallbackOutcome.NO_ANSWER) for _ in range(i % 3)
        )
    return "/admin/requests_app/callback/"


# The user and its two permission lookups, the COUNT of what waits (the title), the COUNT for the pages, the page's
# messages with their requests and handlers, the access log's one INSERT.
@page("admin: SMS received", 7)
def admin_inbox(client, rows):
    agent = AgentFactory()
    client.force_login(agent)
    for i in range(rows):
        InboundSmsFactory(waiting=True, help_request=HelpRequestFactory() if i % 2 else None, handled_by=agent)
    return "/admin/notifications/inboundsms/"


# The user and its permissions, the message with its request, the log's INSERTs (the page; the requests of a number
# whose text is tied to none, read once), the texts received from the number and the SMS sent to it, the volunteer
# who has the number, the STOP it may have answered.
@page("admin: SMS received, its conversation", 11)
def admin_inbox_conversation(client, rows):
    client.force_login(AgentFactory())
    HelpRequestFactory.create_batch(rows, requester_phone="+33612345678")
    InboundSmsFactory.create_batch(rows, sender="+33612345678", waiting=True)
    for i in range(rows):
        Notification.objects.create(
            event=Event.STAFF_SMS, channel=Channel.SMS, recipient="+33612345678", body=f"Réponse {i}"
        )
    return f"/admin/notifications/inboundsms/{InboundSms.objects.first().pk}/change/"


@page("admin: volunteers", 7)
def admin_volunteers(client, rows):
    client.force_login(AgentFactory())
    VolunteerProfileFactory.create_batch(rows)
    return "/admin/volunteers/volunteerprofile/"


@page("admin: pairings", 5)
def admin_pairings(client, rows):
    client.force_login(AgentFactory())
    for _ in range(rows):
        Pairing.objects.create(
            help_request=HelpRequestFactory(), volunteer=VolunteerProfileFactory(), weekday=1, period=0
        )
    return "/admin/pairings/pairing/"


@page("admin: pairing", 13)
def admin_pairing(client, rows):
    client.force_login(AgentFactory())
    pairing = pairing_with()
    pairing_visits_to_record(pairing, rows)
    PairingChange.objects.bulk_create(
        PairingChange(pairing=pairing, action="paused", by=pairing.volunteer.user) for _ in range(rows)
    )
    return f"/admin/pairings/pairing/{pairing.pk}/change/"


@page("admin: associations", 6)
def admin_associations(client, rows):
    client.force_login(AgentFactory())
    AssociationFactory.create_batch(rows, status=AssociationStatus.PENDING)
    return "/admin/associations/association/"


# The session and user, the admin's membership, its tokens with who created and revoked them (one query).
@page("API tokens", 4)
def api_tokens(client, rows):
    association = AssociationFactory()
    author = member_of(association, client)
    ApiTokenFactory.create_batch(rows, organisation=association, created_by=author, revoked=True, revoked_by=author)
    return f"/associations/{association.pk}/api/"


# The user and its permissions (3), the count, the rows with their organisation, the date hierarchy's two.
@page("admin: API tokens", 7)
def admin_api_tokens(client, rows):
    client.force_login(AgentFactory())
    ApiTokenFactory.create_batch(rows)
    return "/admin/api/apitoken/"


@page("admin: API call log", 7)
def admin_api_calls(client, rows):
    client.force_login(AgentFactory())
    token = ApiTokenFactory()
    ApiCall.objects.bulk_create(
        ApiCall(token=token, organisation=token.organisation, method="GET", path="/api/v1/demandes/", status=200)
        for _ in range(rows)
    )
    return "/admin/api/apicall/"


# Volunteers' checked documents (volunteers/vetting.py): her profile with its Vérifications section, staff's review.
@page("volunteer profile, her documents", 8)
def volunteer_profile_documents(client, rows):
    volunteer = VolunteerProfileFactory()
    VettingDocumentFactory.create_batch(rows, volunteer=volunteer, status=DocumentStatus.REFUSED, refusal_reason="x")
    client.force_login(volunteer.user)
    return "/benevoles/profil/"


@page("admin: volunteers' documents", 5)
def admin_vetting_documents(client, rows):
    client.force_login(AgentFactory())
    VettingDocumentFactory.create_batch(rows)
    return "/admin/volunteers/vettingdocument/"


@page("admin: volunteer's document", 4)
def admin_vetting_document(client, rows):
    client.force_login(AgentFactory())
    return f"/admin/volunteers/vettingdocument/{VettingDocumentFactory().pk}/change/"


@page("admin: documents' access log", 7)
def admin_vetting_access_log(client, rows):
    agent = AgentFactory()
    client.force_login(agent)
    document = VettingDocumentFactory()
    VettingDocumentAccess.objects.bulk_create(
        VettingDocumentAccess(user=agent, user_email=agent.email, document=document, volunteer=document.volunteer)
        for _ in range(rows)
    )
    return "/admin/volunteers/vettingdocumentaccess/"


# Shopping advances


def advances_of(proposals) -> list[Advance]:
    return Advance.objects.bulk_create(
        Advance(proposal=proposal, amount=Decimal("23.40"), receipt="receipts/ticket.jpg") for proposal in proposals
    )


@page("volunteer dashboard, advances", 4)
def volunteer_dashboard_advances(client, rows):
    volunteer = VolunteerProfileFactory(capacity=3)
    client.force_login(volunteer.user)
    advances_of(ProposalFactory.create_batch(rows, volunteer=volunteer, **DONE))
    return "/benevoles/"


@page("staff advances to repay", 5)
def staff_advances(client, rows):
    client.force_login(AgentFactory())
    advances_of(ProposalFactory.create_batch(rows, **DONE))
    return "/avances/"


@page("staff advance page", 5)
def staff_advance(client, rows):
    client.force_login(AgentFactory())
    [advance] = advances_of([ProposalFactory(**DONE)])
    return f"/avances/{advance.pk}/"


@page("organisation advances to repay", 4)
def organisation_advances(client, rows):
    association = AssociationFactory(kind=OrganisationKind.COMMUNE)
    member_of(association, client)
    proposals = ProposalFactory.create_batch(
        rows, help_request__filed_by=association, help_request__source=Source.PARTNER, **DONE
    )
    advances_of(proposals)
    return f"/associations/{association.pk}/avances/"


@page("organisation advance page", 4)
def organisation_advance(client, rows):
    association = AssociationFactory(kind=OrganisationKind.COMMUNE)
    member_of(association, client)
    [advance] = advances_of([ProposalFactory(help_request__routed_to=association, **DONE)])
    return f"/associations/{association.pk}/avances/{advance.pk}/"


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_page_stays_within_its_query_budget(client, django_assert_max_num_queries, name, rows):
    budget, build = SCENARIOS[name]
    path = build(client, rows)
    client.get(path)  # warms what is cached per process (content types, site, sessions' first write)
    # A public page is then kept whole for visitors without an account (core.page_cache, tested on its own): the
    # budget is the drawing's, so that an N+1 still shows.
    cache.delete_pattern(f"{page_cache.PAGE_PREFIX}*")
    with django_assert_max_num_queries(budget):
        response = client.get(path)
    assert response.status_code == 200, (name, response.status_code)
