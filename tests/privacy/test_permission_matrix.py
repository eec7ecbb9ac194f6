"""Who reaches what: every URL of the portal, tried by every role on objects that belong to someone else.

The list of URLs comes from the URL configuration: a new URL without a rule below makes
`test_every_url_has_a_rule` fail, so nobody adds a page without deciding who may see it.
An unauthorised try is a 403 or a 404 (a redirect to the login page for a visitor without an account) and its
body holds no personal field of the people it concerns.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from associations.enums import ApplicationStatus, MemberRole, OrganisationKind
from associations.models import Invitation
from campaigns.enums import EntryState
from campaigns.models import CallerVetting, CampaignEntry
from campaigns.services import campaign_create, campaign_sheets_split, campaign_start
from core.enums import DayPeriod
from matching.services import proposal_accept, proposal_create
from orders.services import mission_order_for_proposal
from requests_app.enums import Status
from requests_app.handoffs import help_request_hand_off
from requests_app.partners import partner_request_file
from requests_app.routing import routed_request_assign
from tests.accounts.factories import AgentFactory, UserFactory
from tests.api.factories import ApiTokenFactory
from tests.associations.factories import ApplicationFactory, AssociationFactory, MembershipFactory, MissionFactory
from tests.campaigns.factories import RegisterEntryFactory, RegisterFactory
from tests.pairings.factories import pairing_with
from tests.requests_app.factories import HelpRequestFactory
from tests.requests_app.shopping import advance_recorded
from tests.volunteers.factories import VettingDocumentFactory, VolunteerProfileFactory

ROLES = ["anonymous", "volunteer_a", "volunteer_b", "member_a", "member_b", "staff"]
# Account pages of allauth (sign-in, password, email, two-factor) act on the signed-in user's own account
# only and take no object id; the admin checks staff rights itself (tested in test_admin_is_staff_only).
# The open API's routes (namespace api-v1) are called with tokens, not sessions: their own matrix, route × scope ×
# organisation, is tests/api/test_permission_matrix.py.
NOT_IN_MATRIX_PREFIXES = ("account_", "mfa_", "admin:", "set_language", "api-v1:")

# What each person's data looks like in a page, and who may see which.
ASSIGNED_SECRETS = [
    "Bénédicte Secrète", "7 impasse Secrète", "99 88 77 66", "699887766", "benedicte@exemple.fr",
    "Lucienne Protégée", "11 22 33 44", "611223344", "la clé est chez la voisine",
]  # fmt: skip
ROUTED_SECRETS = ["Roger Confidentiel", "9 allée Cachée", "55 44 33 22", "655443322", "diabétique, ne sort plus"]
VOLUNTEER_B_SECRETS = ["benevole.b@exemple.fr", "77 66 55 44", "677665544"]
MEMBER_B_SECRETS = ["membre.b@exemple.fr"]
REGISTER_SECRETS = ["Gisèle Inscrite", "63 21 09 87", "8 sentier du Registre"]
# The people on the call sheet of volunteer B, vetted for calls, in a running campaign.
# The resident for whom organisation B (a CCAS) filed a request: its members may see what they typed.
FILED_SECRETS = ["Ginette Déposée", "4 rue du Dépôt", "62 33 44 55", "662334455", "un chat à nourrir"]
CALLED_SECRETS = ["Odile Appelée", "64 33 22 11", "644332211", "3 rue du Registre", "clé sous le paillasson",
                  "Henri Injoignable", "64 99 88 11", "649988811"]  # fmt: skip
ALL_SECRETS = (
    ASSIGNED_SECRETS
    + ROUTED_SECRETS
    + VOLUNTEER_B_SECRETS
    + MEMBER_B_SECRETS
    + REGISTER_SECRETS
    + CALLED_SECRETS
    + FILED_SECRETS
)
MAY_SEE = {
    "anonymous": [],
    "volunteer_a": [],
    # B is also the volunteer organisation B passed its routed request to (an accepted application to its missions).
    "volunteer_b": ASSIGNED_SECRETS + VOLUNTEER_B_SECRETS + CALLED_SECRETS + ROUTED_SECRETS,
    "member_a": [],
    # B applied to one of its missions; its organisation filed a request for a resident.
    "member_b": ROUTED_SECRETS + MEMBER_B_SECRETS + ["benevole.b@exemple.fr"] + FILED_SECRETS,
    "staff": ALL_SECRETS,
}


@dataclass
class Rule:
    """kind: "public" (anyone, no personal data), "own" (a signed-in user's own pages, no object in the URL),
    "owned" (an object of `owner`: everyone else is refused), "staff", "token" (reached only with a secret
    token sent to its holder: a forged one is a 404), "provider" (an SMS provider's reports and texts, taken only
    with the provider's signature or secret: every role is refused, staff included)."""

    kind: str
    kwargs: callable = field(default=lambda world: {})
    owner: str = ""
    staff_too: bool = False  # an "owned" object that staff who hold the power may also reach (a call sheet)


RULES = {
    "core:home": Rule("public"),
    "core:legal_notice": Rule("public"),
    "core:accessibility": Rule("public"),
    "core:privacy": Rule("public"),
    "crisis:page": Rule("public"),
    "crisis:history": Rule("public"),
    "core:health": Rule("public"),
    "core:health_full": Rule("public"),
    "core:commune_search": Rule("public"),
    "core:brand_css": Rule("public"),  # the operator's colours, the same for everyone
    "api:docs": Rule("public"),  # the open API's documentation
    "requests:new": Rule("public"),
    "associations:directory": Rule("public"),
    "associations:public": Rule("public", lambda w: {"pk": w.association_b.pk}),
    "missions:list": Rule("public"),
    "missions:detail": Rule("public", lambda w: {"pk": w.mission_b.pk}),
    "core:my_space": Rule("own"),
    "associations:register": Rule("own"),
    "associations:mine": Rule("own"),
    "associations:news": Rule("own"),
    "volunteers:dashboard": Rule("own"),
    "volunteers:history": Rule("own"),
    "volunteers:profile": Rule("own"),
    "volunteers:charter": Rule("public"),  # the volunteers' charter, read before signing up
    "volunteers:pause": Rule("own"),
    "volunteers:export": Rule("own"),
    "volunteers:delete": Rule("own"),
    "volunteers:vetting_upload": Rule("own"),
    # A volunteer's identity document or criminal-record extract: staff who review documents, nobody else, not even
    # the volunteer herself (tests/volunteers/test_vetting_file_access.py).
    "volunteers:vetting_document_file": Rule("staff", lambda w: {"pk": w.document_b.pk}),
    "volunteers:vetting_withdraw": Rule("owned", lambda w: {"pk": w.document_b.pk}, "volunteer_b"),
    "missions:apply": Rule("own", lambda w: {"pk": w.mission_b.pk}),  # any volunteer may apply
    "requests:track": Rule("token", lambda w: {"token": w.assigned.tracking_token}),
    "requests:cancel": Rule("token", lambda w: {"token": w.assigned.tracking_token}),
    "requests:track_short": Rule("token", lambda w: {"token": w.assigned.tracking_token}),
    "associations:invitation": Rule("token", lambda w: {"token": w.invitation.token}),
    # A responder outside the portal, by the link of its hand-off: before taking it, nothing of the person.
    "requests:handoff": Rule("token", lambda w: {"token": w.hand_off_token}),
    "requests:intake": Rule("staff"),
    "requests:intake_history": Rule("staff"),
    "pilotage:dashboard": Rule("staff"),
    "campaigns:register_list": Rule("staff"),
    "campaigns:register_upload": Rule("staff"),
    "campaigns:register_preview": Rule("staff"),  # with nothing pending, back to the upload form
    "campaigns:register_detail": Rule("staff", lambda w: {"pk": w.register_entry.register_id}),
    "campaigns:campaign_list": Rule("staff"),
    "campaigns:campaign_new": Rule("staff"),
    "campaigns:campaign": Rule("staff", lambda w: {"pk": w.campaign.pk}),
    "campaigns:campaign_start": Rule("staff", lambda w: {"pk": w.campaign.pk}),
    "campaigns:campaign_close": Rule("staff", lambda w: {"pk": w.campaign.pk}),
    "campaigns:campaign_split": Rule("staff", lambda w: {"pk": w.campaign.pk}),
    "campaigns:campaign_print": Rule("staff", lambda w: {"pk": w.campaign.pk}),
    "campaigns:follow_up": Rule("staff"),
    "campaigns:follow_up_record": Rule("staff", lambda w: {"entry_pk": w.unreachable.pk}),
    "campaigns:my_sheets": Rule("own"),
    # A call sheet: its caller while the campaign runs, and staff who run campaigns; nobody else.
    "campaigns:sheet": Rule("owned", lambda w: {"pk": w.sheet_b.pk}, "volunteer_b", staff_too=True),
    "campaigns:sheet_print": Rule("owned", lambda w: {"pk": w.sheet_b.pk}, "volunteer_b", staff_too=True),
    "campaigns:sheet_type_back": Rule("owned", lambda w: {"pk": w.sheet_b.pk}, "volunteer_b", staff_too=True),
    "campaigns:call_record": Rule(
        "owned", lambda w: {"pk": w.sheet_b.pk, "entry_pk": w.called.pk}, "volunteer_b", staff_too=True
    ),
    "pilotage:export_requests": Rule("staff"),
    "pilotage:export_volunteers": Rule("staff"),
    "pilotage:export_associations": Rule("staff"),
    "pilotage:export_open_data": Rule("staff"),
    "pilotage:export_advances": Rule("staff"),
    # Shopping advances: staff's pages (they take the person's answer, approve, repay) and the receipt.
    "requests:advances": Rule("staff"),
    "requests:advance": Rule("staff", lambda w: {"pk": w.advance_b.pk}),
    "requests:advance_receipt": Rule("staff", lambda w: {"pk": w.advance_b.pk}),
    "requests:advance_step": Rule("staff", lambda w: {"pk": w.advance_b.pk, "step": "accepter"}),
    # The organisation that filed the request (B) approves and repays its advance; nobody else, the volunteer who
    # advanced the money neither (she sees its state on her dashboard).
    "associations:advances": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:advance": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "advance_pk": w.advance_b.pk}, "member_b"
    ),
    "associations:advance_receipt": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "advance_pk": w.advance_b.pk}, "member_b"
    ),
    "associations:advance_step": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "advance_pk": w.advance_b.pk, "step": "accepter"}, "member_b"
    ),
    "associations:space": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:members": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:member_remove": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "membership_pk": w.colleague_b.pk}, "member_b"
    ),
    "associations:mission_new": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:mission_edit": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "mission_pk": w.mission_b.pk}, "member_b"
    ),
    "associations:mission_action": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "mission_pk": w.mission_b.pk, "action": "clore"}, "member_b"
    ),
    "associations:applications": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:application_decision": Rule(
        "owned",
        lambda w: {"pk": w.association_b.pk, "application_pk": w.application_b.pk, "decision": "accepter"},
        "member_b",
    ),
    "associations:news_create": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:routed": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "reference": w.routed.reference}, "member_b"
    ),
    "associations:routed_complete": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "reference": w.routed.reference}, "member_b"
    ),
    "associations:routed_hand_back": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "reference": w.routed.reference}, "member_b"
    ),
    # Passing the routed request to one of its people: the organisation's members; the person's own pages: that
    # person only (volunteer B), not the organisation's other members nor staff.
    "associations:routed_assign": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "reference": w.routed.reference}, "member_b"
    ),
    "associations:routed_unassign": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "reference": w.routed.reference}, "member_b"
    ),
    "associations:assigned_list": Rule("own"),
    "associations:assigned": Rule("owned", lambda w: {"reference": w.routed.reference}, "volunteer_b"),
    "associations:assigned_done": Rule("owned", lambda w: {"reference": w.routed.reference}, "volunteer_b"),
    "associations:assigned_unable": Rule("owned", lambda w: {"reference": w.routed.reference}, "volunteer_b"),
    # The organisation's API tokens: its admins only (member_b is B's admin; B's other members get a 404 too,
    # tests/api/test_token_pages.py).
    "associations:api_tokens": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:api_token_revoke": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "token_pk": w.api_token_b.pk}, "member_b"
    ),
    # The requests organisation B, a CCAS, filed for its residents: any of its members, nobody else, staff neither
    # (they read them in the admin).
    "associations:filed_requests": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:filed_request_new": Rule("owned", lambda w: {"pk": w.association_b.pk}, "member_b"),
    "associations:filed_request": Rule(
        "owned", lambda w: {"pk": w.association_b.pk, "reference": w.filed.reference}, "member_b"
    ),
    "volunteers:proposal": Rule("owned", lambda w: {"pk": w.proposal_b.pk}, "volunteer_b"),
    "volunteers:accept": Rule("owned", lambda w: {"pk": w.proposal_b.pk}, "volunteer_b"),
    "volunteers:decline": Rule("owned", lambda w: {"pk": w.proposal_b.pk}, "volunteer_b"),
    "volunteers:complete": Rule("owned", lambda w: {"pk": w.proposal_b.pk}, "volunteer_b"),
    "volunteers:hand_back": Rule("owned", lambda w: {"pk": w.proposal_b.pk}, "volunteer_b"),
    "missions:withdraw": Rule("owned", lambda w: {"pk": w.application_b.pk}, "volunteer_b"),
    # A mission order: the volunteer of the live assignment prints it (page and PDF); anyone holding the paper checks
    # it by its code, which shows a first name, the issuer and the validity, none of the secrets above.
    "orders:proposal": Rule("owned", lambda w: {"pk": w.proposal_b.pk}, "volunteer_b"),
    "orders:proposal_pdf": Rule("owned", lambda w: {"pk": w.proposal_b.pk}, "volunteer_b"),
    "orders:application": Rule("owned", lambda w: {"pk": w.accepted_application_b.pk}, "volunteer_b"),
    "orders:application_pdf": Rule("owned", lambda w: {"pk": w.accepted_application_b.pk}, "volunteer_b"),
    "orders:verify": Rule("public", lambda w: {"code": w.order_b.code}),
    # A regular help's page, pause and end, and the week's visits: the volunteer who carries it, no one else.
    "volunteers:pairing": Rule("owned", lambda w: {"pk": w.pairing_b.pk}, "volunteer_b"),
    "volunteers:pairing_pause": Rule("owned", lambda w: {"pk": w.pairing_b.pk}, "volunteer_b"),
    "volunteers:pairing_end": Rule("owned", lambda w: {"pk": w.pairing_b.pk}, "volunteer_b"),
    "volunteers:visit_record": Rule("owned", lambda w: {"pk": w.visit_b.pk}, "volunteer_b"),
    "notifications:twilio_report": Rule("provider"),
    "notifications:ovh_report": Rule("provider", lambda w: {"token": "x" * 43}),
    "notifications:twilio_inbound": Rule("provider"),
}


def project_url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_rule():
    names = {name for name in project_url_names() if not name.startswith(NOT_IN_MATRIX_PREFIXES)}
    assert names - set(RULES) == set(), "a URL without an access rule: add it to RULES"
    assert set(RULES) - names == set(), "a rule for a URL that no longer exists"


class World:
    """Two of each: what belongs to B is tried by A, by the other roles, and by nobody signed in."""

    def __init__(self):
        self.users = {
            "volunteer_a": VolunteerProfileFactory().user,
            "member_a": UserFactory(),
            "member_b": UserFactory(email="membre.b@exemple.fr"),
            "staff": AgentFactory(),
        }
        volunteer_b = VolunteerProfileFactory(user=UserFactory(email="benevole.b@exemple.fr"), phone="+33677665544")
        self.users["volunteer_b"] = volunteer_b.user
        self.document_b = VettingDocumentFactory(volunteer=volunteer_b)
        association_a = AssociationFactory()
        self.association_b = AssociationFactory(kind=OrganisationKind.COMMUNE)  # a CCAS: it files requests too
        MembershipFactory(association=association_a, user=self.users["member_a"], role=MemberRole.ADMIN)
        MembershipFactory(association=self.association_b, user=self.users["member_b"], role=MemberRole.ADMIN)
        self.colleague_b = MembershipFactory(association=self.association_b, role=MemberRole.MEMBER)
        self.mission_b = MissionFactory(association=self.association_b)
        self.api_token_b = ApiTokenFactory(organisation=self.association_b)
        self.application_b = ApplicationFactory(mission=self.mission_b, volunteer=volunteer_b.user)
        self.invitation = Invitation.objects.create(
            association=self.association_b, email="invite.b@exemple.fr", invited_by=self.users["member_b"]
        )
        self.assigned = HelpRequestFactory(
            status=Status.TRIAGED,
            requester_name="Bénédicte Secrète",
            requester_phone="+33699887766",
            requester_email="benedicte@exemple.fr",
            beneficiary_name="Lucienne Protégée",
            beneficiary_phone="+33611223344",
            address="7 impasse Secrète",
            description="Courses : la clé est chez la voisine.",
        )
        self.proposal_b = proposal_accept(proposal=proposal_create(help_request=self.assigned, volunteer=volunteer_b))
        self.order_b = mission_order_for_proposal(proposal=self.proposal_b)
        # A help every week, carried by B; today's visit for her to note.
        self.pairing_b = pairing_with(volunteer_b, day=timezone.localdate().weekday(), period=DayPeriod.MORNING)
        self.visit_b = self.pairing_b.visits.create(date=timezone.localdate(), volunteer=volunteer_b)
        self.routed = HelpRequestFactory(
            status=Status.TRIAGED, requester_name="Roger Confidentiel", requester_phone="+33655443322",
            address="9 allée Cachée", description="Il est diabétique, ne sort plus.",
        )  # fmt: skip
        self.routed.route_to(self.association_b)
        helped_b = MissionFactory(association=self.association_b)
        self.accepted_application_b = ApplicationFactory(
            mission=helped_b, volunteer=volunteer_b.user, status=ApplicationStatus.ACCEPTED
        )
        routed_request_assign(
            help_request=self.routed,
            membership=self.association_b.memberships.get(user=self.users["member_b"]),
            assignee=volunteer_b.user,
            by=self.users["member_b"],
        )
        # Handed off outside the portal, not taken yet: its link shows what to decide on, nobody's details.
        self.hand_off, self.hand_off_token = help_request_hand_off(
            help_request=HelpRequestFactory(status=Status.TRIAGED, requester_name="Roger Confidentiel"),
            responder_label="CCAS de Toul",
            responder_email="ccas@toul.fr",
            by=self.users["staff"],
        )
        self.filed = partner_request_file(
            organisation=self.association_b,
            help_request=HelpRequestFactory.build(
                requester_name="", requester_phone="", beneficiary_name="Ginette Déposée",
                beneficiary_phone="+33662334455", address="4 rue du Dépôt",
                description="Courses, et un chat à nourrir.",
            ),
            by=self.users["member_b"],
            resident_agreed=True,
        )  # fmt: skip
        # Shopping B filed for another resident, done by a volunteer who advanced the money.
        self.advance_b = advance_recorded(
            partner_request_file(
                organisation=self.association_b,
                help_request=HelpRequestFactory.build(
                    requester_name="", requester_phone="", beneficiary_name="", beneficiary_phone="+33662000001"
                ),
                by=self.users["member_b"],
                resident_agreed=True,
            )
        )
        CallerVetting.objects.create(volunteer=volunteer_b)
        called_register = RegisterFactory(name="Registre des appels", source_organisation="CCAS de Toul")
        called = RegisterEntryFactory(
            register=called_register, first_name="Odile", last_name="Appelée", phone="+33644332211",
            address="3 rue du Registre", notes="La clé sous le paillasson.",
        )  # fmt: skip
        RegisterEntryFactory(
            register=called_register, first_name="Henri", last_name="Injoignable", phone="+33649988811"
        )
        self.campaign = campaign_create(
            name="Campagne B", registers=[called_register], deadline=timezone.localdate(), script="Bonjour",
            created_by=self.users["staff"],
        )  # fmt: skip
        (self.sheet_b,) = campaign_sheets_split(campaign=self.campaign, callers=[volunteer_b.user])
        campaign_start(campaign=self.campaign)
        self.called = self.campaign.entries.get(entry=called)
        self.unreachable = self.campaign.entries.exclude(entry=called).get()
        CampaignEntry.objects.filter(pk=self.unreachable.pk).update(state=EntryState.UNREACHABLE)
        self.register_entry = RegisterEntryFactory(
            last_name="Inscrite", first_name="Gisèle", phone="+33663210987", address="8 sentier du Registre"
        )


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def try_as(client, world, role, method, url):
    client.logout()
    if role != "anonymous":
        client.force_login(world.users[role])
    return getattr(client, method)(url)


def assert_no_leak(role, response, where):
    page = body(response)
    for secret in set(ALL_SECRETS) - set(MAY_SEE[role]):
        assert secret not in page, f"{role} sees {secret!r} at {where}"


def refused(role, response) -> bool:
    """403 or 404; 405 for a method the URL never takes (answered before any lookup, so it reveals nothing);
    for a visitor without an account, the login page."""
    if role == "anonymous" and response.status_code == 302:
        return "/comptes/login/" in response["Location"]
    return response.status_code in (403, 404, 405)


MATRIX = [(name, role) for name in RULES for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("name, role", MATRIX, ids=[f"{name}-{role}" for name, role in MATRIX])
def test_access(client, name, role):
    world = World()
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    if rule.kind in ("owned", "staff") and (role == (rule.owner or "staff") or rule.staff_too and role == "staff"):
        # The rule's object is right: its owner gets through (else every refusal below would prove nothing).
        response = try_as(client, world, role, "get", url)
        if response.status_code == 405:
            response = try_as(client, world, role, "post", url)
        assert response.status_code not in (403, 404), url
        assert_no_leak(role, response, url)
        return
    for method in ("get", "post"):
        where = f"{method.upper()} {url}"
        if rule.kind == "token":
            forged = reverse(name, kwargs={"token": "x" * 43})
            assert refused(role, try_as(client, world, role, method, forged)), where
            response = try_as(client, world, role, "get", url)
            assert response.status_code in (200, 302, 405), where  # the token's holder gets in
        else:
            response = try_as(client, world, role, method, url)
        assert response.status_code < 500, where
        assert_no_leak(role, response, where)
        if rule.kind == "public" and method == "get":
            assert response.status_code == 200, where
        elif rule.kind == "own" and role == "anonymous":
            assert refused(role, response), where
        elif rule.kind == "staff" and role != "staff":
            assert refused(role, response), where
        elif rule.kind == "owned" and role != rule.owner and not (rule.staff_too and role == "staff"):
            assert refused(role, response), where
        elif rule.kind == "provider":
            assert response.status_code in (403, 405), where


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["volunteer_a", "member_b"])
def test_admin_is_staff_only(client, role):
    world = World()
    client.force_login(world.users[role])
    for url in (
        "/admin/",
        f"/admin/requests_app/helprequest/{world.assigned.pk}/change/",
        "/admin/requests_app/accesslog/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
        assert_no_leak("anonymous", response, url)
