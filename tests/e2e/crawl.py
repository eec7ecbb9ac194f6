"""The pages a role can reach, found rather than listed, so that a new page is checked without anyone adding it.

Every pattern of the URL configuration (namespaces and the admin included) is filled from the demo data and asked
for, as the role; what it answers decides whether it is a page: HTML with 200 is one, a redirect leads to one, the
rest is not (see `Crawler.visit`). Each page's links to the site are followed too, breadth first. A pattern the
crawler cannot fill fails the crawl, so that it is taught rather than silently left out.

One address per pattern is enough to see its template (and, once, the pattern with a query string: a list's
filters or its next page). The admin's generic pages (add, history, delete, and the changelists and forms of other
packages' models) are seen once for all; the portal's own models each have their changelist and change page."""

import re
from collections import deque
from collections.abc import Callable, Hashable
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from accounts.models import User
from api.models import ApiCall, ApiToken
from api.services import api_token_create
from associations.enums import ApplicationStatus, MemberRole, MissionStatus
from associations.models import Application, Association, Invitation, Membership
from associations.services import application_create, invitation_create
from associations.views.space import MISSION_ACTIONS
from campaigns.enums import ConsentBasis, EntryState
from campaigns.models import CallerVetting, CallSheet, CampaignEntry, Register, RegisterEntry
from campaigns.services import campaign_create, campaign_sheets_split, campaign_start
from core.converters import DecisionConverter
from core.models import HelpType
from crisis.enums import Section
from crisis.models import CrisisUpdate, HealthRules
from matching.enums import LIVE_PROPOSAL_STATUSES, ProposalStatus
from matching.models import Proposal
from matching.services import proposal_accept, proposal_create
from orders.models import MissionOrder
from orders.services import mission_order_for_proposal
from pairings.models import Pairing, Visit
from portal.management.commands.load_demo_data import ASSOCIATION_EMAIL, STAFF_EMAIL, VOLUNTEER_EMAIL
from requests_app.advances import proposal_complete_with_advance
from requests_app.enums import AccessReason, Status
from requests_app.handoffs import hand_off_link_resend, help_request_hand_off
from requests_app.models import Advance, Callback, HandOff, HelpRequest, OrganisationAssignment
from requests_app.partners import partner_request_file
from requests_app.privacy import access_record
from volunteers.enums import DocumentKind
from volunteers.models import VettingDocument, VettingDocumentAccess, VolunteerProfile
from volunteers.vetting import vetting_document_submit

ROOT = Path(__file__).resolve().parents[2]
# The portal's own apps, each a folder at the top of the repository, as opposed to Django's and the packages'.
OWN_APPS = frozenset(config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT)
ADMIN_PAGES_PER_MODEL = ("changelist_view", "change_view")  # the generic ones are seen once for all models

# Patterns that are never pages, whoever asks. Everything else is asked for, and its answer says whether it is one.
NOT_PAGES = {
    # Probes for a load balancer and for monitoring: JSON, and /sante/complet/ waits on every dependency.
    "core:health",
    "core:health_full",
    # Redirects to an object's page on the site, named by content type; the object's own page is crawled.
    "admin:view_on_site",
    # A piece of the hotline console (the caller's earlier requests), fetched into it as a number is typed; the
    # console, crawled, shows it.
    "requests:intake_history",
    # The SMS providers' delivery reports: addresses their servers call, answering with an empty body.
    "notifications:twilio_report",
    "notifications:ovh_report",
    # The SMS Twilio receives, pushed to the portal: a signed POST answered with empty TwiML.
    "notifications:twilio_inbound",
    # A volunteer's document for staff to check: the file itself (a PDF or a picture), each opening logged; its
    # admin page, crawled, links it.
    "volunteers:vetting_document_file",
    # The open API's documentation: django-ninja's Swagger UI, a developer's tool in its own layout rather than one
    # of the portal's pages (tests/api/test_openapi.py checks it is served, tests/e2e/test_api_docs.py that it
    # renders under the CSP).
    "api:docs",
    # The open API's routes answer software holding a token, in JSON (tests/api); the one that takes an argument
    # is listed here, the others answer the crawler's call with a problem document, which is not a page.
    "api-v1:help_request_detail",
    # The open API's missions and open data: JSON for software (tests/api/test_missions_api.py and
    # test_public_api.py call every route).
    "api-v1:mission_list", "api-v1:mission_detail", "api-v1:mission_update", "api-v1:mission_create",
    "api-v1:mission_publish_route", "api-v1:mission_close_route",
    "api-v1:public_mission_list", "api-v1:public_mission_detail",
    "api-v1:public_structure_list", "api-v1:public_structure_detail",
}  # fmt: skip


class MissingDemoObject(Exception):
    pass


class NotTaught(Exception):
    pass


def found(instance, what: str):
    if instance is None:
        raise MissingDemoObject(what)
    return instance


def load_demo_data_and_what_it_lacks() -> None:
    """The demo data (`make run` shows it), plus what it does not hold and some pages need: an application to a
    mission, an invitation to join an organisation, an API token and a call made with it, a line of the access log
    (so that each of the portal's models has a change page in the admin)."""
    with override_settings(DEBUG=True):  # the command refuses to run without it: its passwords are public
        call_command("load_demo_data", verbosity=0)
    demo = Demo(user=None)
    organisation = demo.organisation
    application_create(mission=demo.mission, volunteer=demo.volunteer, message="Disponible le samedi matin.")
    member = Membership.objects.filter(association=organisation).select_related("user").first()
    invitation_create(
        association=organisation, email="nouveau.membre@exemple.fr", role=MemberRole.MEMBER, invited_by=member.user
    )
    token, _secret = api_token_create(
        organisation=organisation, name="Site de la mairie", scopes=["requests:read"], created_by=member.user
    )
    ApiCall.objects.create(token=token, organisation=organisation, method="GET", path="/api/v1/demandes/", status=200)
    # The crisis page's first versions come with the migrations, which the flush of an earlier browser test undid.
    if not HealthRules.objects.exists():
        HealthRules.objects.create(text="Masque, distance, mains lavées.", summary="Masque, distance, mains lavées")
    if not CrisisUpdate.objects.exists():
        CrisisUpdate.objects.create(section=Section.USEFUL_NUMBERS, text="15 : SAMU", change="Première version")
    staff_look = RequestFactory().get(reverse("admin:requests_app_helprequest_changelist"))
    staff_look.user = User.objects.get(email=STAFF_EMAIL)
    access_record(staff_look, AccessReason.STAFF_DETAIL, HelpRequest.objects.order_by("pk").first())
    register = Register.objects.create(name="Registre canicule de Nancy", source_organisation="CCAS de Nancy")
    RegisterEntry.objects.create(
        register=register, line_number=2, last_name="Martin", first_name="Odette", phone="+33383000000",
        commune=HelpRequest.objects.order_by("pk").first().commune, consent_basis=ConsentBasis.LEGAL_REGISTER,
        consent_date=date(2025, 6, 1),
    )  # fmt: skip
    # A running check-in campaign over that register, its sheet given to the demo volunteer (vetted for calls), one
    # person on it nobody reached: the calling pages, the volunteer's and the staff's.
    RegisterEntry.objects.create(
        register=register, line_number=3, last_name="Petit", first_name="Henri", phone="+33383000001",
        commune=HelpRequest.objects.order_by("pk").first().commune, consent_basis=ConsentBasis.LEGAL_REGISTER,
        consent_date=date(2025, 6, 1),
    )  # fmt: skip
    volunteer = User.objects.get(email=VOLUNTEER_EMAIL)
    CallerVetting.objects.create(volunteer=volunteer.volunteer_profile)
    campaign = campaign_create(
        name="Appel des inscrits de Nancy", registers=[register], deadline=timezone.localdate() + timedelta(days=3),
        script="Bonjour, j'appelle de la part du Département pour prendre de vos nouvelles.",
        created_by=User.objects.get(email=STAFF_EMAIL),
    )  # fmt: skip
    campaign_sheets_split(campaign=campaign, callers=[volunteer])
    campaign_start(campaign=campaign)
    campaign.entries.filter(entry__first_name="Henri").update(state=EntryState.UNREACHABLE)
    # A request handed to a responder outside the portal (its admin pages; each role's Demo sends a fresh link).
    routable = HelpRequest.objects.filter(status__in=[Status.NEW, Status.TRIAGED]).order_by("-pk").first()
    help_request_hand_off(
        help_request=found(routable, "a request that may be handed off"),
        responder_label="CCAS de Lunéville",
        responder_email="ccas@exemple.fr",
        note="Personne connue du CCAS.",
        by=User.objects.get(email=STAFF_EMAIL),
    )
    # The mission order of the demo volunteer's regular help (its check page, and its admin pages).
    mission_order_for_proposal(proposal=demo.assignment)
    # The demo volunteer's extract of her criminal record, waiting for staff, opened once (the review's pages and the
    # access log's).
    document = vetting_document_submit(
        volunteer=volunteer.volunteer_profile,
        kind=DocumentKind.CRIMINAL_RECORD,
        issued_on=timezone.localdate() - timedelta(days=5),
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="extrait.pdf"),
    )
    VettingDocumentAccess.objects.create(
        user=staff_look.user, user_email=STAFF_EMAIL, document=document, volunteer=document.volunteer, path="/"
    )
    # A request the demo organisation (a CCAS) filed for one of its residents: its list and its page.
    partner_request_file(
        organisation=organisation,
        help_request=HelpRequest(
            beneficiary_name="Germaine Petit", beneficiary_phone="+33600000999", address="12 rue des Lilas",
            commune=organisation.commune, help_type=HelpType.objects.get(code="shopping"),
            description="Courses de la semaine : pain, lait, légumes.", lives_alone=True, aged_70_plus=True,
        ),
        by=member.user,
        resident_agreed=True,
    )  # fmt: skip
    # Shopping the demo organisation filed, done by the demo volunteer who advanced the money, its receipt attached:
    # her dashboard's line, staff's and the organisation's pages of advances. A place more for the time it is hers.
    shopping = partner_request_file(
        organisation=organisation,
        help_request=HelpRequest(
            beneficiary_name="Marcel Petit", beneficiary_phone="+33600000998", address="3 rue des Lilas",
            commune=organisation.commune, help_type=HelpType.objects.get(code="shopping"),
            description="Pharmacie et courses.",
        ),
        by=member.user,
        resident_agreed=True,
    )  # fmt: skip
    shopping.triage()
    VolunteerProfile.objects.filter(user=volunteer).update(capacity=F("capacity") + 1)
    proposal = proposal_accept(proposal=proposal_create(help_request=shopping, volunteer=volunteer.volunteer_profile))
    photo = SimpleUploadedFile("ticket.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), "image/jpeg")
    proposal_complete_with_advance(
        proposal=proposal, report="Courses livrées.", concern=False, amount=Decimal("23.40"), receipt=photo
    )
    VolunteerProfile.objects.filter(user=volunteer).update(capacity=F("capacity") - 1)


class Demo:
    """The demo objects that fill addresses, found by query. `user` is the role's account (None for a visitor)."""

    def __init__(self, user: User | None):
        self.user = user

    @cached_property
    def volunteer(self) -> User:
        return found(User.objects.filter(email=VOLUNTEER_EMAIL).first(), "the demo volunteer")

    @cached_property
    def account(self) -> User:
        """Whose email confirmation and password reset keys to open: allauth signs out whoever opens someone
        else's, which would end the crawl as a visitor."""
        return self.user or self.volunteer

    @cached_property
    def organisation(self) -> Association:
        member_of = Association.objects.filter(memberships__user__email=ASSOCIATION_EMAIL)
        return found(member_of.order_by("pk").first(), "the demo member's organisation")

    @cached_property
    def api_token(self) -> ApiToken:
        return found(self.organisation.api_tokens.order_by("pk").first(), "an API token of the demo organisation")

    @cached_property
    def mission(self):
        missions = self.organisation.missions.filter(status=MissionStatus.PUBLISHED).order_by("pk")
        return found(missions.first(), "a published mission of the demo organisation")

    @cached_property
    def membership(self) -> Membership:
        return found(Membership.objects.filter(association=self.organisation).first(), "a membership")

    @cached_property
    def application(self) -> Application:
        applications = Application.objects.filter(mission__association=self.organisation).order_by("pk")
        return found(applications.first(), "an application to the demo organisation's missions")

    @cached_property
    def callback(self):
        return found(Callback.objects.open().order_by("pk").first(), "an open callback (the demo's Rappels)")

    @cached_property
    def invitation(self) -> Invitation:
        usable = Invitation.objects.usable().filter(association=self.organisation).order_by("pk")
        return found(usable.first(), "an invitation to the demo organisation")

    @cached_property
    def routed_request(self) -> HelpRequest:
        held = self.organisation.routed_requests.held().order_by("pk")
        return found(held.first(), "a request routed to the demo organisation")

    @cached_property
    def assigned_request(self) -> HelpRequest:
        passed = OrganisationAssignment.objects.live().filter(assignee=self.volunteer).select_related("help_request")
        return found(passed.first(), "a request the demo organisation passed to the demo volunteer").help_request

    @cached_property
    def filed_request(self) -> HelpRequest:
        filed = self.organisation.filed_requests.order_by("pk")
        return found(filed.first(), "a request the demo organisation filed for a resident")

    @cached_property
    def proposal(self) -> Proposal:
        live = Proposal.objects.filter(volunteer__user=self.volunteer, status__in=LIVE_PROPOSAL_STATUSES)
        return found(live.order_by("pk").first(), "a live proposal to the demo volunteer")

    @cached_property
    def assignment(self) -> Proposal:
        accepted = Proposal.objects.filter(volunteer__user=self.volunteer, status=ProposalStatus.ACCEPTED)
        return found(accepted.order_by("pk").first(), "an accepted proposal of the demo volunteer")

    @cached_property
    def accepted_application(self) -> Application:
        accepted = Application.objects.filter(volunteer=self.volunteer, status=ApplicationStatus.ACCEPTED)
        return found(accepted.order_by("pk").first(), "an accepted application of the demo volunteer")

    @cached_property
    def mission_order(self) -> MissionOrder:
        return found(MissionOrder.objects.order_by("pk").first(), "a mission order")

    @cached_property
    def pairing(self) -> Pairing:
        carried = Pairing.objects.filter(volunteer__user=self.volunteer).order_by("pk")
        return found(carried.first(), "a pairing carried by the demo volunteer")

    @cached_property
    def visit(self) -> Visit:
        return found(self.pairing.visits.order_by("date").first(), "a visit of the demo volunteer's pairing")

    @cached_property
    def call_sheet(self) -> CallSheet:
        return found(CallSheet.objects.order_by("pk").first(), "a call sheet (the demo's campaign)")

    @cached_property
    def person_to_call(self) -> CampaignEntry:
        return found(self.call_sheet.entries.to_call().order_by("pk").first(), "a person to call on the sheet")

    @cached_property
    def person_unreached(self) -> CampaignEntry:
        return found(CampaignEntry.objects.for_staff_follow_up().order_by("pk").first(), "a person nobody reached")

    @cached_property
    def hand_off(self) -> HandOff:
        return found(HandOff.objects.open().order_by("pk").first(), "a request handed off outside the portal")

    @cached_property
    def hand_off_token(self) -> str:
        """Only a link's hash is kept: a fresh link for the crawl (the one before it dies)."""
        return hand_off_link_resend(hand_off=self.hand_off)

    @cached_property
    def vetting_document(self) -> VettingDocument:
        waiting = VettingDocument.objects.pending().filter(volunteer__user=self.volunteer).order_by("pk")
        return found(waiting.first(), "a document of the demo volunteer waiting for staff")

    @cached_property
    def advance(self) -> Advance:
        return found(Advance.objects.for_organisation(self.organisation).first(), "an advance (the crawl's shopping)")

    @cached_property
    def help_request(self) -> HelpRequest:
        return found(HelpRequest.objects.order_by("pk").first(), "a help request")


def organisation_page(demo: Demo) -> dict:
    return {"pk": demo.organisation.pk}


def routed_page(demo: Demo) -> dict:
    return {"pk": demo.organisation.pk, "reference": demo.routed_request.reference}


def assigned_page(demo: Demo) -> dict:
    return {"reference": demo.assigned_request.reference}


def proposal_page(demo: Demo) -> dict:
    return {"pk": demo.proposal.pk}


def pairing_page(demo: Demo) -> dict:
    return {"pk": demo.pairing.pk}


def campaign_page(demo: Demo) -> dict:
    return {"pk": demo.call_sheet.campaign_id}


def sheet_page(demo: Demo) -> dict:
    return {"pk": demo.call_sheet.pk}


def tracking_page(demo: Demo) -> dict:
    return {"token": demo.help_request.tracking_token}


def advance_page(demo: Demo) -> dict:
    return {"pk": demo.advance.pk}


def organisation_advance_page(demo: Demo) -> dict:
    return {"pk": demo.organisation.pk, "advance_pk": demo.advance.pk}


def hand_off_buttons(demo: Demo) -> dict:
    return {"pk": demo.hand_off.help_request_id, "hand_off_pk": demo.hand_off.pk}


def email_confirmation(demo: Demo) -> dict:
    return {"key": EmailConfirmationHMAC(EmailAddress.objects.get_primary(demo.account)).key}


def password_reset(demo: Demo) -> dict:
    return {"uidb36": user_pk_to_url_str(demo.account), "key": default_token_generator.make_token(demo.account)}


# What fills the arguments of each pattern that has some, outside the admin (ADMIN_ARGUMENTS). Form actions
# (POST only) are filled too: their answer to GET is what tells that they are not pages.
PAGE_ARGUMENTS: dict[str, Callable[[Demo], dict]] = {
    "requests:advance": advance_page,
    "requests:advance_receipt": advance_page,
    "requests:advance_step": lambda demo: {**advance_page(demo), "step": "accepter"},
    "associations:advances": organisation_page,
    "associations:advance": organisation_advance_page,
    "associations:advance_receipt": organisation_advance_page,
    "associations:advance_step": lambda demo: {**organisation_advance_page(demo), "step": "accepter"},
    "associations:public": organisation_page,
    "associations:space": organisation_page,
    "associations:members": organisation_page,
    "associations:mission_new": organisation_page,
    "associations:applications": organisation_page,
    "associations:news_create": organisation_page,
    "associations:member_remove": lambda demo: {"pk": demo.organisation.pk, "membership_pk": demo.membership.pk},
    "associations:mission_edit": lambda demo: {"pk": demo.organisation.pk, "mission_pk": demo.mission.pk},
    "associations:mission_action": lambda demo: {
        "pk": demo.organisation.pk,
        "mission_pk": demo.mission.pk,
        "action": next(iter(MISSION_ACTIONS)),
    },
    "associations:application_decision": lambda demo: {
        "pk": demo.organisation.pk,
        "application_pk": demo.application.pk,
        "decision": DecisionConverter.regex.split("|")[0],
    },
    "associations:invitation": lambda demo: {"token": demo.invitation.token},
    "associations:api_tokens": organisation_page,
    "associations:api_token_revoke": lambda demo: {"pk": demo.organisation.pk, "token_pk": demo.api_token.pk},
    "associations:filed_requests": organisation_page,
    "associations:filed_request_new": organisation_page,
    "associations:filed_request": lambda demo: {"pk": demo.organisation.pk, "reference": demo.filed_request.reference},
    "associations:routed": routed_page,
    "associations:routed_complete": routed_page,
    "associations:routed_hand_back": routed_page,
    "associations:routed_assign": routed_page,
    "associations:routed_unassign": routed_page,
    "associations:assigned": assigned_page,
    "associations:assigned_done": assigned_page,
    "associations:assigned_unable": assigned_page,
    "missions:detail": lambda demo: {"pk": demo.mission.pk},
    "missions:apply": lambda demo: {"pk": demo.mission.pk},
    "missions:withdraw": lambda demo: {"pk": demo.application.pk},
    "volunteers:proposal": proposal_page,
    "volunteers:accept": proposal_page,
    "volunteers:decline": proposal_page,
    "volunteers:complete": proposal_page,
    "volunteers:hand_back": proposal_page,
    "orders:proposal": lambda demo: {"pk": demo.assignment.pk},
    "orders:proposal_pdf": lambda demo: {"pk": demo.assignment.pk},
    "orders:application": lambda demo: {"pk": demo.accepted_application.pk},
    "orders:application_pdf": lambda demo: {"pk": demo.accepted_application.pk},
    "orders:verify": lambda demo: {"code": demo.mission_order.code},
    "campaigns:register_detail": lambda demo: {"pk": found(Register.objects.order_by("pk").first(), "a register").pk},
    "volunteers:pairing": pairing_page,
    "volunteers:pairing_pause": pairing_page,
    "volunteers:pairing_end": pairing_page,
    "volunteers:visit_record": lambda demo: {"pk": demo.visit.pk},
    "volunteers:vetting_withdraw": lambda demo: {"pk": demo.vetting_document.pk},
    # Staff approve or refuse a volunteer's document (forms in the admin).
    "admin:volunteers_vettingdocument_approve": lambda demo: {"pk": demo.vetting_document.pk},
    "admin:volunteers_vettingdocument_refuse": lambda demo: {"pk": demo.vetting_document.pk},
    "campaigns:campaign": campaign_page,
    "campaigns:campaign_start": campaign_page,
    "campaigns:campaign_close": campaign_page,
    "campaigns:campaign_split": campaign_page,
    "campaigns:campaign_print": campaign_page,
    "campaigns:follow_up_record": lambda demo: {"entry_pk": demo.person_unreached.pk},
    "campaigns:sheet": sheet_page,
    "campaigns:sheet_print": sheet_page,
    "campaigns:sheet_type_back": sheet_page,
    "campaigns:call_record": lambda demo: {"pk": demo.call_sheet.pk, "entry_pk": demo.person_to_call.pk},
    "requests:track": tracking_page,
    "requests:cancel": tracking_page,
    "requests:track_short": tracking_page,
    "requests:handoff": lambda demo: {"token": demo.hand_off_token},
    # "Confier hors portail" (a form page in the admin), and the open hand-off's buttons (forms' targets).
    "admin:requests_app_helprequest_hand_off": lambda demo: {"pk": demo.help_request.pk},
    "admin:requests_app_helprequest_hand_off_resend": hand_off_buttons,
    "admin:requests_app_helprequest_hand_off_withdraw": hand_off_buttons,
    # The triage's "propose to this volunteer" button, in the admin.
    "admin:requests_app_helprequest_propose": lambda demo: {
        "pk": demo.help_request.pk,
        "volunteer_pk": demo.proposal.volunteer_id,
    },
    # Staff pause or end a regular help for the person helped (forms in the admin).
    "admin:pairings_pairing_pause": pairing_page,
    "admin:pairings_pairing_end": pairing_page,
    # The triage's "je m'en occupe", and a callback's try and scheduling (forms' targets, in the admin).
    "admin:requests_app_helprequest_hold": lambda demo: {"pk": demo.help_request.pk},
    # A childcare request's "qualité vérifiée : confirmer" (a form's target, in the admin).
    "admin:requests_app_helprequest_confirm_carer": lambda demo: {"pk": demo.help_request.pk},
    "admin:requests_app_callback_attempt": lambda demo: {"pk": demo.callback.pk},
    "admin:requests_app_callback_schedule": lambda demo: {"help_request_pk": demo.callback.help_request_id},
    # The links of allauth's emails, with keys made as allauth makes them.
    "account_confirm_email": email_confirmation,
    "account_reset_password_from_key": password_reset,
}


class Route:
    """A pattern of the URL configuration, with the model it belongs to when it is one of the admin's."""

    def __init__(self, pattern: str, name: str | None, arguments: tuple[str, ...], model=None):
        self.pattern, self.name, self.arguments, self.model = pattern, name, arguments, model

    def __repr__(self):
        return f"{self.pattern} ({self.name or 'unnamed'})"


def routes() -> list[Route]:
    admin_root = reverse("admin:index").lstrip("/")
    admin_models = {
        f"{admin_root}{model._meta.app_label}/{model._meta.model_name}/": model for model in admin.site._registry
    }
    found_routes = []

    def walk(patterns, prefix: str, namespace: str, arguments: tuple[str, ...], model) -> None:
        for entry in patterns:
            here = prefix + str(entry.pattern)
            own_arguments = arguments + tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = ":".join(part for part in (namespace, entry.namespace) if part)
                walk(entry.url_patterns, here, inner, own_arguments, admin_models.get(here, model))
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                found_routes.append(Route(here, name, own_arguments, model))

    walk(get_resolver().url_patterns, "", "", (), None)
    return found_routes


def admin_arguments(route: Route, demo: Demo) -> dict | None:
    """None when the pattern is one of another package's models that has no object: the generic admin pages it
    shares are seen through a model that has some."""
    arguments = {}
    for argument in route.arguments:
        if argument == "object_id":
            first = route.model._default_manager.order_by("pk").first()
            if first is None and route.model._meta.app_label not in OWN_APPS:
                return None
            arguments[argument] = found(first, f"an object of {route.model._meta.label}").pk
        elif argument == "app_label":
            listed = {model._meta.app_label for model in admin.site._registry}
            arguments[argument] = sorted(listed & OWN_APPS)[0]
        elif argument == "id":  # a user's password form: the staff member's own
            arguments[argument] = demo.account.pk
        else:
            raise NotTaught(argument)
    return arguments


def seed_paths(demo: Demo) -> tuple[list[str], list[str]]:
    """Every pattern, filled: the crawl's start. Also what could not be filled, a line each."""
    paths, problems = [], []
    for route in routes():
        if route.name in NOT_PAGES:
            continue
        in_admin = route.pattern.startswith(reverse("admin:index").lstrip("/"))
        if route.name is None:
            # The admin's unnamed patterns: an object's old address (a redirect to its change page) and the
            # catch-all that sends any other address under /admin/ to the login page or a 404.
            if not in_admin:
                problems.append(f"{route}: an unnamed pattern; name it, or list it in NOT_PAGES with why")
            continue
        try:
            if route.name in PAGE_ARGUMENTS:
                arguments = PAGE_ARGUMENTS[route.name](demo)
            elif in_admin and route.arguments:
                arguments = admin_arguments(route, demo)
                if arguments is None:
                    continue
            elif route.arguments:
                raise NotTaught(", ".join(route.arguments))
            else:
                arguments = {}
            paths.append(reverse(route.name, kwargs=arguments))
        except NotTaught as unknown:
            problems.append(
                f"{route}: the crawler does not know what fills {unknown}; teach it (PAGE_ARGUMENTS in "
                "tests/e2e/crawl.py), or list the pattern in NOT_PAGES with why"
            )
        except MissingDemoObject as missing:
            problems.append(f"{route}: the demo data holds no {missing}; add it (load_demo_data_and_what_it_lacks)")
        except NoReverseMatch as error:
            problems.append(f"{route}: the crawler's arguments do not fit: {error}")
    return paths, problems


def page_key(path: str, query: str) -> Hashable | None:
    """What makes two addresses the same page for the crawl; None for what is never a page. Raises Resolver404."""
    match = resolve(unquote(path))
    if match.view_name in NOT_PAGES:
        return None
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is not None:
        kind, label = match.func.__name__, model_admin.model._meta.label
        own = model_admin.model._meta.app_label in OWN_APPS and kind in ADMIN_PAGES_PER_MODEL
        return ("admin", kind, label if own else None)
    return (match.view_name, bool(query))


class Crawler:
    """Breadth first from the seeds, in one browser context (the role's cookies), at most `cap` pages. `check` is
    called on each page once loaded; the pages found are in `pages`, what went wrong in `problems`."""

    def __init__(self, context: BrowserContext, site: str, check: Callable[[Page, str], None], *, cap: int):
        self.context, self.site, self.check, self.cap = context, site, check, cap
        self.page = context.new_page()
        self.origin = urlsplit(site)[:2]
        self.admin_root = reverse("admin:index")
        self.queue: deque[tuple[str, str | None]] = deque()
        self.queued: set[str] = set()
        self.taken: set[Hashable] = set()
        self.sign_in_pages = {reverse(settings.LOGIN_URL), reverse("admin:login")}
        self.sent_to_sign_in: set[Hashable] = set()
        self.pages: list[str] = []
        self.problems: list[str] = []

    def crawl(self, seeds: list[str]) -> list[str]:
        for seed in seeds:
            self.enqueue(seed, found_on=None)
        while self.queue:
            self.visit(*self.queue.popleft())
            if len(self.pages) >= self.cap and self.queue:
                self.problems.append(f"the crawl stopped at {self.cap} pages, {len(self.queue)} addresses left")
                break
        return self.pages

    def enqueue(self, url: str, found_on: str | None) -> None:
        scheme, netloc, path, query, _fragment = urlsplit(urljoin(self.site + (found_on or "/"), url))
        if (scheme, netloc) != self.origin or path.startswith(settings.STATIC_URL):
            return  # another site, or a file WhiteNoise serves
        if path.startswith(self.admin_root):
            query = ""  # the admin's filter and sort links show the same changelist again
        else:  # where to go after signing in changes nothing on the page
            parameters = parse_qsl(query, keep_blank_values=True)
            query = urlencode([(name, value) for name, value in parameters if name != REDIRECT_FIELD_NAME])
        address = f"{path}?{query}" if query else path
        if address not in self.queued:
            self.queued.add(address)
            self.queue.append((address, found_on))

    def visit(self, address: str, found_on: str | None) -> None:
        link = f" (from {found_on})" if found_on else ""
        path, _, query = address.partition("?")
        try:
            key = page_key(path, query)
        except Resolver404:
            self.problems.append(f"{address}{link}: no such page in the URL configuration")
            return
        if key is None or key in self.taken or (found_on is None and key in self.sent_to_sign_in):
            return
        response = self.context.request.get(self.site + address, max_redirects=0, fail_on_status_code=False)
        status = response.status
        if 300 <= status < 400:  # not a page itself: where it leads may be one
            location = response.headers["location"]
            if found_on is None and urlsplit(location).path in self.sign_in_pages:
                # The other seeds of its kind would send there too: for anyone but staff, the admin's hundred.
                self.sent_to_sign_in.add(key)
            self.enqueue(location, found_on or address)
            return
        if status == 405:  # a form's action, POST only
            return
        if status >= 500 or (found_on and status >= 400):
            self.problems.append(f"{address}{link}: answers {status}")
            return
        if status >= 400:  # a page of another role's, or of another person's objects
            return
        if not response.headers.get("content-type", "").startswith("text/html"):
            return  # a file: CSV and JSON exports, recovery codes, translations for scripts
        self.taken.add(key)
        self.pages.append(address)
        self.page.goto(address)
        self.check(self.page, address)
        for href in self.page.eval_on_selector_all("a[href]", "links => links.map((link) => link.href)"):
            self.enqueue(href, address)

    def admin_models_missed(self) -> list[str]:
        """Once the admin is among the role's pages, each of the portal's own models must have its changelist and
        change page there."""
        if (resolve(self.admin_root).view_name, False) not in self.taken:
            return []
        return [
            f"the admin's {kind} of {model._meta.label} was not reached"
            for model in admin.site._registry
            if model._meta.app_label in OWN_APPS
            for kind in ADMIN_PAGES_PER_MODEL
            if ("admin", kind, model._meta.label) not in self.taken
        ]


def screenshot_name(address: str) -> str:
    path, _, query = address.partition("?")
    name = "-".join(part for part in path.split("/") if part) or "home"
    return re.sub(r"[^\w.-]+", "_", f"{name}--{query}" if query else name)[:150]
