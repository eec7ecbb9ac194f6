"""The triage admin: the queue of help requests, each request's page (candidates, notes, history) and the actions
that move requests through the services."""

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet, Value, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException

from accounts.roles import can_triage
from associations.models import Association
from core.admin import BaseAdmin, ReadOnlyInline
from core.enums import Domain
from matching.models import Proposal
from matching.ranking import association_suggestions, candidates
from matching.services import ProposalError, help_request_triage, proposal_create
from requests_app.admin.advances import advances_of
from requests_app.admin.callbacks import CallbackInline
from requests_app.admin.filters import (
    ArrondissementFilter,
    CommuneFilter,
    EpciFilter,
    SavedViewFilter,
    VulnerabilityFilter,
    saved_view,
)
from requests_app.admin.handoffs import HandOffAdminMixin, HandOffInline, hand_off_status_cell
from requests_app.enums import (
    TAKE_IN_CHARGE_WITHIN,
    WAITING_STATUSES,
    AccessReason,
    DuplicateReason,
    Source,
    Status,
    Urgency,
)
from requests_app.models import (
    PRIORITY_ORDERING,
    VULNERABILITY_HEADSTART,
    CarerConfirmationRefused,
    HelpRequest,
    HoldRefused,
    RequestNote,
    StatusChange,
    TransitionNotAllowed,
    clock,
)
from requests_app.privacy import SearchAccessLogged, contact_shown
from requests_app.references import REFERENCE_PATTERN, normalise_reference
from requests_app.services import (
    MergeNotAllowed,
    help_request_confirm_carer,
    help_request_merge,
    help_request_route,
)
from volunteers.models import VolunteerProfile


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("changed_by")


class RequestNoteInline(ReadOnlyInline):
    """Notes written so far: read-only, so that what was recorded of a call cannot be rewritten."""

    model = RequestNote
    fields = ("created_at", "author", "text")
    verbose_name_plural = _("notes")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class NewNoteInline(admin.TabularInline):
    model = RequestNote
    extra = 1
    max_num = 1
    fields = ("text",)
    can_delete = False
    verbose_name = _("nouvelle note")
    verbose_name_plural = _("ajouter une note")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "text":
            # A tabular inline gives its inputs a column header but no label: the one field gets a name here.
            field.widget.attrs["aria-label"] = str(self.verbose_name).capitalize()
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False


class ProposalInline(ReadOnlyInline):
    model = Proposal
    fields = ("volunteer", "status", "created_at", "respond_by", "decline_reason", "report", "concern")
    verbose_name_plural = _("propositions aux bénévoles")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("help_request", "volunteer__user")


class RouteActionForm(ActionForm):
    association = forms.ModelChoiceField(
        label=_("Confier à"), queryset=Association.objects.validated(), required=False
    )
    volunteer_email = forms.EmailField(label=_("Bénévole (courriel)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


def parse_phone(text: str) -> PhoneNumber | None:
    """A valid phone number if that is what was typed, else None (whatever was typed)."""
    try:
        phone = PhoneNumber.from_string(text, region="FR")
    except NumberParseException:
        return None
    return phone if phone.is_valid() else None


class QueueChangeList(ChangeList):
    """The queue in the order of its priority (HelpRequestQuerySet.with_priority), or of the saved view's own,
    until staff sort by a column. Here rather than in `ModelAdmin.ordering` (which must name fields, not the
    priority's annotations) or `get_ordering` (which the other admins ask too, to order their lists of requests)."""

    def _get_default_ordering(self):
        return list(saved_view(self.params)[1].ordering or PRIORITY_ORDERING)


# The queue keeps each request on one line: a short word in the cell, the full label beside it for screen readers
# and on hover.
URGENCY_SHORT = {Urgency.URGENT: _("Urgent"), Urgency.NORMAL: _("Semaine"), Urgency.FLEXIBLE: _("Pas pressé")}
URGENCY_CSS = {Urgency.URGENT: "error", Urgency.NORMAL: "info", Urgency.FLEXIBLE: "success"}
STATUS_SHORT = {
    Status.NEW: _("Reçue"),
    Status.TRIAGED: _("Étudiée"),
    Status.PROPOSED: _("Proposée"),
    Status.ASSIGNED: _("Prise en charge"),
    Status.DONE: _("Terminée"),
    Status.CANCELLED: _("Annulée"),
    Status.ROUTED: _("Confiée"),
    Status.NEEDS_STAFF: _("Attend un agent"),
}
SOURCE_SHORT = {
    Source.WEB: _("En ligne"),
    Source.PHONE: _("Tél."),
    Source.PARTNER: _("Partenaire"),
    Source.CAMPAIGN: _("Campagne"),
}
DUPLICATE_REASON_SHORT = {DuplicateReason.CONTACT: _("même contact"), DuplicateReason.SIMILAR: _("nom, adresse")}
VULNERABILITY_MARKS = {
    "lives_alone": _("Seule"),
    "aged_70_plus": _("70+"),
    "has_disability": _("Hand."),
    "no_internet": _("Ss web"),
}
# The waiting time turns amber once this share of the time its urgency allows (TAKE_IN_CHARGE_WITHIN) is gone.
DUE_SOON = 0.75


def shortened(short, full, css: str = ""):
    """A short word in the cell; the full text for screen readers and on hover."""
    return format_html(
        '<span class="{}" title="{}"><span aria-hidden="true">{}</span>'
        '<span class="entraide-sr-only">{}</span></span>',
        css,
        full,
        short,
        full,
    )


def cut(text):
    """A cell cut to its column's width by the style sheet: the whole text stays in the page and on hover."""
    return format_html('<span class="entraide-cut" title="{}">{}</span>', text, text)


def initialled(user) -> str:
    """ "Camille M.": enough to tell colleagues apart in a narrow column."""
    if user.first_name and user.last_name:
        return f"{user.first_name} {user.last_name[0]}."
    return str(user)


def duration(delta) -> str:
    """ "35 min", "5 h", "2 j 5 h", then days alone from the third: the hours no longer change what to do."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(m)s min") % {"m": max(minutes, 0)}
    hours = minutes // 60
    if hours < 24:
        return _("%(h)s h") % {"h": hours}
    if hours % 24 == 0 or hours >= 72:
        return _("%(d)s j") % {"d": hours // 24}
    return _("%(d)s j %(h)s h") % {"d": hours // 24, "h": hours % 24}


# A childcare request waits for staff to confirm who asks before any proposal (HelpRequest.confirm_carer).
CARER_MARK = (_("Garde ?"), _("qualité de l'aidant à confirmer"))


def triage_outcome(help_request: HelpRequest, proposal: Proposal | None) -> str:
    """What triage did to the request, in words: to whom it was proposed, or why to nobody."""
    if proposal is not None:
        return _("triée et proposée à %(who)s.") % {"who": proposal.volunteer}
    if help_request.awaits_carer_confirmation:
        return _(
            "triée ; garde d'enfants : qualité de l'aidant à confirmer (bouton sur la page de la demande) avant "
            "toute proposition."
        )
    if help_request.awaits_staff:
        return _(
            "triée ; aucun bénévole disponible ne correspond (%(help_type)s à %(commune)s) : passée en attente "
            "d'un agent, à proposer à la main ou à confier à une structure."
        ) % {"help_type": help_request.help_type, "commune": help_request.commune.name}
    if not settings.MATCHING_ON_TRIAGE:
        return _("triée ; la proposition automatique est désactivée : proposez-la à un bénévole.")
    return _("triée ; elle est maintenant « %(status)s ».") % {"status": help_request.get_status_display()}


@admin.register(HelpRequest)
class HelpRequestAdmin(HandOffAdminMixin, SearchAccessLogged, BaseAdmin):
    list_display = (
        "reference", "waiting", "urgency_badge", "marks", "help_type_cell", "commune_cell", "channel", "status_cell",
        "holder_cell",
    )  # fmt: skip
    list_display_links = ("reference",)
    list_filter = (
        SavedViewFilter, "status", "urgency", "domain", "help_type", "source", VulnerabilityFilter,
        EpciFilter, ArrondissementFilter, CommuneFilter,
    )  # fmt: skip
    list_select_related = ("help_type", "commune", "possible_duplicate_of", "held_by", "filed_by")
    # A saved view is a step of the work, not a search for someone: alone, it does not write to the access log.
    views_parameters = (SavedViewFilter.parameter_name,)
    search_fields = ("=reference", "=requester_phone", "=beneficiary_phone", "requester_name", "beneficiary_name",
                     "=requester_email")  # fmt: skip
    search_help_text = _("Référence, téléphone (06 12 34 56 78), courriel ou nom.")
    autocomplete_fields = ("commune", "routed_to")
    raw_id_fields = ("possible_duplicate_of",)
    readonly_fields = (
        "reference", "status", "source", "domain", "created_at", "status_changed_at", "created_by", "consent_at",
        "routed_to", "possible_duplicate_of", "duplicate_reason", "slots", "filed_by", "advances",
        "carer_confirmed_at", "carer_confirmed_by",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": (
            "reference", "status", "source", "filed_by", "created_at", "status_changed_at", "created_by",
        )}),
        (_("Demandeur et personne aidée"), {"fields": (
            "requester_relation", "requester_name", "requester_phone", "requester_email", "beneficiary_name",
            "beneficiary_phone", "preferred_channel",
        )}),
        (_("Besoin"), {"fields": (
            "help_type", "domain", "description", "volunteer_summary", "urgency", "commune", "address", "slots",
            ("lives_alone", "aged_70_plus", "has_disability", "no_internet"),
            ("carer_status", "carer_confirmed_at", "carer_confirmed_by"),
        )}),
        (_("Suivi"), {"fields": (
            "routed_to", ("possible_duplicate_of", "duplicate_reason"), "consent_at", "advances",
        )}),
    )  # fmt: skip
    # Callbacks: requests_app/admin/callbacks.py.
    # Hand-offs outside the portal: requests_app/admin/handoffs.py.
    inlines = [CallbackInline, NewNoteInline, RequestNoteInline, ProposalInline, HandOffInline, StatusChangeInline]
    action_form = RouteActionForm

    actions = ["hold", "release", "triage", "propose", "route", "cancel", "merge_into_original"]

    def has_add_permission(self, request):
        return False  # requests are filed on the public form or the hotline console, which apply the rules

    def has_change_permission(self, request, obj=None):
        return can_triage(request.user)  # the actions ask it too ("change")

    def has_delete_permission(self, request, obj=None):
        return False  # a request is cancelled, never deleted: its history must remain

    def get_urls(self):
        return [
            path(
                "<int:pk>/proposer/<int:volunteer_pk>/",
                self.admin_site.admin_view(self.propose_to_view),
                name="requests_app_helprequest_propose",
            ),
            path("<int:pk>/tenir/", self.admin_site.admin_view(self.hold_view), name="requests_app_helprequest_hold"),
            path(
                "<int:pk>/confirmer-aidant/",
                self.admin_site.admin_view(self.confirm_carer_view),
                name="requests_app_helprequest_confirm_carer",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        # The viewer, on every row: the list says "vous" for the requests they hold without asking who they are.
        queryset = super().get_queryset(request).with_priority().annotate(viewer_id=Value(request.user.pk))
        if saved_view(request.GET)[0] == "rappels-dus":  # listed in the order the calls fall due
            queryset = queryset.with_callback_due_at()
        return queryset

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_list_display(self, request):
        if saved_view(request.GET)[0] == "doublons":
            # The request each one may repeat, in the place of the marks: the list keeps its width.
            return tuple("duplicate" if name == "marks" else name for name in self.list_display)
        return self.list_display

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": _("File des demandes"),
            "allowed": [
                (URGENCY_SHORT[urgency], duration(within)) for urgency, within in TAKE_IN_CHARGE_WITHIN.items()
            ],
            "headstarts": [
                (HelpRequest._meta.get_field(flag).verbose_name, round(share * 100))
                for flag, share in VULNERABILITY_HEADSTART.items()
            ],
            "marks": [
                *(
                    (mark, HelpRequest._meta.get_field(flag).verbose_name)
                    for flag, mark in VULNERABILITY_MARKS.items()
                ),
                CARER_MARK,
            ],
            **(extra_context or {}),
        }
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # The filters panel's own "active" and "clear": the saved view is not a filter, and stays chosen.
            filters = [spec for spec in changelist.filter_specs if not getattr(spec, "is_saved_view", False)]
            response.context_data["filters_active"] = any(spec.used_parameters for spec in filters)
            response.context_data["clear_filters_qs"] = changelist.get_query_string(
                remove=[name for spec in filters for name in spec.expected_parameters()]
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Staff see who holds the request, the best candidates with the reasons for their scores, or organisations
        to route to."""
        help_request = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if (
            help_request is not None
            and request.method == "GET"
            and not contact_shown(request, help_request, AccessReason.STAFF_DETAIL)
        ):
            raise PermissionDenied  # the page shows who asked, where they live and how to reach them
        if help_request is not None:
            extra_context["hold"] = self._hold_context(request, help_request)
            extra_context["hand_off_box"] = self.hand_off_box(request, help_request)
        if help_request is not None and help_request.domain == Domain.CHILDCARE:
            extra_context["carer"] = {
                "awaiting": help_request.awaits_carer_confirmation,
                "can_confirm": not help_request.is_closed
                and bool(help_request.carer_status)
                and self.has_change_permission(request, help_request),
            }
        if help_request is not None and help_request.awaits_carer_confirmation:
            extra_context["candidates"] = []  # nobody is proposed before the confirmation: no list to tempt
        elif help_request is not None and not help_request.is_closed:
            ranked = candidates(help_request, limit=5)
            prefetch_related_objects([c.volunteer for c in ranked], "user", "home_commune")
            extra_context["candidates"] = ranked
            extra_context["suggestions"] = [] if ranked else association_suggestions(help_request)
        return super().change_view(request, object_id, form_url, extra_context)

    def _hold_context(self, request, help_request: HelpRequest) -> dict:
        holder = help_request.holder
        return {
            "holder": holder,
            "mine": holder is not None and holder.pk == request.user.pk,
            "since": clock(help_request.held_at) if holder else "",
            "until": clock(help_request.hold_ends_at) if holder else "",
            "can_hold": not help_request.is_closed and self.has_change_permission(request, help_request),
            "minutes": settings.HOLD_MINUTES,
        }

    def hold_view(self, request, pk: int):
        """ "Je m'en occupe", "prendre la main" and "libérer", from the request's page."""
        help_request = self.get_object(request, str(pk))
        if request.method != "POST" or help_request is None or not self.has_change_permission(request, help_request):
            raise PermissionDenied
        intent = request.POST.get("intent")
        if intent == "release":
            if help_request.release(by=request.user):
                self.message_user(request, _("%(ref)s : libérée.") % {"ref": help_request.reference}, messages.SUCCESS)
            else:
                self.message_user(request, _("%(ref)s : vous ne la teniez pas.") % {"ref": help_request.reference})
            return redirect("admin:requests_app_helprequest_change", pk)
        previous = help_request.holder
        try:
            help_request.hold(by=request.user, take_over=intent == "take_over")
        except HoldRefused as refusal:
            self.message_user(request, f"{help_request.reference} : {refusal}", messages.WARNING)
        else:
            done = {"ref": help_request.reference, "until": clock(help_request.hold_ends_at), "who": previous}
            if previous is not None and previous.pk != request.user.pk:
                text = _("%(ref)s : vous avez pris la main (%(who)s la tenait) ; à vous jusqu'à %(until)s.") % done
            else:
                text = _("%(ref)s : vous vous en occupez jusqu'à %(until)s.") % done
            self.message_user(request, text, messages.SUCCESS)
        return redirect("admin:requests_app_helprequest_change", pk)

    def confirm_carer_view(self, request, pk: int):
        """ "Qualité confirmée", from a childcare request's page: then the matching may propose it."""
        help_request = self.get_object(request, str(pk))
        if request.method != "POST" or help_request is None or not self.has_change_permission(request, help_request):
            raise PermissionDenied
        if help_request.held_by_another(request.user):
            self.message_user(request, self._held_message(help_request, link=False), messages.WARNING)
            return redirect("admin:requests_app_helprequest_change", pk)
        try:
            proposal = help_request_confirm_carer(help_request=help_request, by=request.user)
        except (CarerConfirmationRefused, TransitionNotAllowed, ProposalError) as refusal:
            self.message_user(request, f"{help_request.reference} : {refusal}", messages.ERROR)
        else:
            done = _("%(ref)s : qualité du demandeur confirmée.") % {"ref": help_request.reference}
            if proposal is not None:
                done += " " + _("Proposée à %(who)s.") % {"who": proposal.volunteer}
            self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:requests_app_helprequest_change", pk)

    def propose_to_view(self, request, pk: int, volunteer_pk: int):
        help_request = self.get_object(request, str(pk))
        if request.method != "POST" or help_request is None or not self.has_change_permission(request, help_request):
            raise PermissionDenied
        if help_request.held_by_another(request.user):
            self.message_user(request, self._held_message(help_request, link=False), messages.WARNING)
            return redirect("admin:requests_app_helprequest_change", pk)
        volunteer = VolunteerProfile.objects.filter(pk=volunteer_pk).first()
        try:
            if volunteer is None:
                raise ProposalError(_("Ce bénévole n'existe plus."))
            ranked = {c.volunteer.pk: c for c in candidates(help_request, limit=50)}
            chosen = ranked.get(volunteer.pk)
            proposal_create(
                help_request=help_request,
                volunteer=volunteer,
                by=request.user,
                score=chosen.score if chosen else 0,
                explanation=chosen.explanation if chosen else _("Choisi par un agent."),
            )
        except (ProposalError, TransitionNotAllowed) as refusal:
            self.message_user(request, f"{help_request.reference} : {refusal}", messages.ERROR)
        else:
            done = _("%(ref)s : proposée à %(who)s.") % {"ref": help_request.reference, "who": volunteer}
            self.message_user(request, done, messages.SUCCESS)
        return redirect("admin:requests_app_helprequest_change", pk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and obj.held_by_another(request.user):
            # Allowed, unlike the actions: refusing would lose what was typed, and the page said who holds it.
            self.message_user(
                request,
                _("%(who)s s'occupe de cette demande depuis %(since)s : vos modifications sont enregistrées, "
                  "pensez à le lui dire.") % {"who": obj.holder, "since": clock(obj.held_at)},
                messages.WARNING,
            )  # fmt: skip

    def get_search_results(self, request, queryset, search_term):
        """Phone numbers and references are searched as staff type them: 06 12 34 56 78, e54 7k3q 9pxd."""
        term = search_term.strip()
        if phone := parse_phone(term):
            return queryset.from_contact(phone=phone.as_e164), False
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        reference = normalise_reference(term)
        if REFERENCE_PATTERN.match(reference):
            # "Germaine" is eight letters, like a reference without its prefix: look for both.
            return queryset.filter(Q(reference=reference) | Q(pk__in=results.values("pk"))), False
        return results, may_have_duplicates

    @admin.display(description=_("attente"), ordering="created_at")
    def waiting(self, obj):
        """How long the request has waited, against the time its urgency allows while nobody has taken it in charge
        (TAKE_IN_CHARGE_WITHIN): amber and "bientôt" near the end, red and "retard" past it."""
        if obj.is_closed:
            return "—"
        waited = timezone.now() - obj.created_at
        if obj.status not in WAITING_STATUSES:
            return duration(waited)  # a volunteer or an organisation has it: the clock no longer runs against it
        allowed = TAKE_IN_CHARGE_WITHIN[obj.urgency]
        full = _("%(waited)s d'attente pour %(allowed)s permis") % {
            "waited": duration(waited),
            "allowed": duration(allowed),
        }
        if waited >= allowed:
            state, word = "late", _("retard")
        elif waited >= allowed * DUE_SOON:
            state, word = "soon", _("bientôt")
        else:
            return shortened(duration(waited), full)
        return shortened(
            format_html('{} <span class="entraide-wait__word">{}</span>', duration(waited), word),
            f"{full} : {word}",
            f"entraide-wait entraide-wait--{state}",
        )

    @admin.display(description=_("urgence"), ordering="urgency")
    def urgency_badge(self, obj):
        return shortened(
            URGENCY_SHORT[obj.urgency],
            obj.get_urgency_display(),
            f"entraide-urgency entraide-urgency--{URGENCY_CSS[obj.urgency]}",
        )

    @admin.display(description=_("fragilités"), empty_value="")
    def marks(self, obj):
        shown = [
            (mark, HelpRequest._meta.get_field(flag).verbose_name)
            for flag, mark in VULNERABILITY_MARKS.items()
            if getattr(obj, flag)
        ]
        if obj.awaits_carer_confirmation and obj.status in WAITING_STATUSES:
            shown.append(CARER_MARK)
        if not shown:
            return ""
        return format_html_join(
            "",
            '<span class="entraide-mark" title="{1}"><span aria-hidden="true">{0}</span>'
            '<span class="entraide-sr-only">{1}</span></span>',
            shown,
        )

    @admin.display(description=_("type d'aide"), ordering="help_type__name")
    def help_type_cell(self, obj):
        return cut(obj.help_type)

    @admin.display(description=_("commune"), ordering="commune__name")
    def commune_cell(self, obj):
        return cut(obj.commune.name)

    @admin.display(description=_("origine"), ordering="source")
    def channel(self, obj):
        if obj.filed_by_id is not None:
            filed = _("déposée par %(organisation)s") % {"organisation": obj.filed_by}
            return shortened(SOURCE_SHORT[obj.source], f"{obj.get_source_display()} : {filed}")
        return shortened(SOURCE_SHORT[obj.source], obj.get_source_display())

    @admin.display(description=_("statut"), ordering="status")
    def status_cell(self, obj):
        if handed_off := hand_off_status_cell(obj):
            return handed_off
        return shortened(STATUS_SHORT[obj.status], obj.get_status_display())

    @admin.display(description=_("tenue par"), empty_value="")
    def holder_cell(self, obj):
        holder = obj.holder
        if holder is None:
            return ""
        until = _("jusqu'à %(time)s") % {"time": clock(obj.hold_ends_at)}
        if holder.pk == obj.viewer_id:
            return format_html('<strong title="{}">{}</strong>', until, _("Vous"))
        return shortened(initialled(holder), f"{holder} {until}", "entraide-cut")

    @admin.display(description=_("doublon possible de"))
    def duplicate(self, obj):
        """The request it may repeat, and why: the same contact, or a similar name and address (then staff compare)."""
        if not obj.possible_duplicate_of or obj.is_closed:
            return ""
        if not obj.duplicate_reason:
            return obj.possible_duplicate_of.reference
        return format_html(
            "{} {}",
            obj.possible_duplicate_of.reference,
            shortened(
                DUPLICATE_REASON_SHORT[obj.duplicate_reason], obj.get_duplicate_reason_display(), "entraide-mark"
            ),
        )

    @admin.display(description=_("créneaux souhaités"))
    def slots(self, obj):
        return obj.slots_display

    @admin.display(description=_("avances de courses"))
    def advances(self, obj):
        return advances_of(obj)  # requests_app/admin/advances.py: each links to the page where staff act on it

    def save_formset(self, request, form, formset, change):
        notes = formset.save(commit=False)
        for note in notes:
            if isinstance(note, RequestNote) and not note.author_id:
                note.author = request.user
            note.save()
        formset.save_m2m()

    def _confirmation(self, request: HttpRequest, queryset: QuerySet, action: str, question: str):
        """The page that asks before an action that cannot be undone; None once staff have confirmed."""
        if request.POST.get("confirmer"):
            return None
        return TemplateResponse(
            request,
            "admin/requests_app/helprequest/confirm_action.html",
            {
                **self.admin_site.each_context(request),
                "title": question,
                "opts": self.model._meta,
                "action": action,
                "help_requests": queryset.select_related("help_type", "commune", "held_by"),
                "note": request.POST.get("note", "")[:500],
            },
        )

    def _held_message(self, help_request: HelpRequest, *, link: bool = True):
        text = _("%(ref)s : %(who)s s'en occupe depuis %(since)s, rien n'a été fait.") % {
            "ref": help_request.reference,
            "who": help_request.holder,
            "since": clock(help_request.held_at),
        }
        if not link:
            return format_html("{} {}", text, _("« Prendre la main » en haut de la page, si c'est convenu."))
        return format_html(
            '{} <a href="{}">{}</a>',
            text,
            reverse("admin:requests_app_helprequest_change", args=[help_request.pk]),
            _("Ouvrir la demande pour prendre la main."),
        )

    def _apply(self, request: HttpRequest, queryset: QuerySet, move: Callable[[HelpRequest], str]) -> None:
        """Does `move` to each request and says, request by request, what was done (its return) or why not.

        A request another agent holds is left alone, with their name and the way to take it over: holding is how
        two agents avoid proposing, routing or cancelling the same request at once, and an action run on rows
        ticked in a list is where a name in a column goes unnoticed. Editing the request's own page is allowed,
        with a warning (`save_model`).
        """
        rows = queryset.select_related("held_by", "help_type", "commune", "possible_duplicate_of")
        for help_request in rows:
            if help_request.held_by_another(request.user):
                self.message_user(request, self._held_message(help_request), messages.WARNING)
                continue
            try:
                done = move(help_request)
            except (TransitionNotAllowed, MergeNotAllowed, ProposalError, HoldRefused) as error:
                self.message_user(request, f"{help_request.reference} : {error}", messages.ERROR)
            else:
                self.message_user(request, f"{help_request.reference} : {done}", messages.SUCCESS)

    @admin.action(description=_("Je m'en occupe"), permissions=["change"])
    def hold(self, request, queryset):
        def move(help_request):
            help_request.hold(by=request.user)
            return _("vous vous en occupez jusqu'à %(time)s.") % {"time": clock(help_request.hold_ends_at)}

        self._apply(request, queryset, move)

    @admin.action(description=_("Je la libère"), permissions=["change"])
    def release(self, request, queryset):
        def move(help_request):
            if not help_request.release(by=request.user):
                raise HoldRefused(_("vous ne la teniez pas."))
            return _("libérée.")

        self._apply(request, queryset, move)

    @admin.action(description=_("Marquer comme étudiées (triées) et proposer"), permissions=["change"])
    def triage(self, request, queryset):
        note = request.POST.get("note", "")

        def move(help_request):
            proposal = help_request_triage(help_request, by=request.user, note=note)
            return triage_outcome(help_request, proposal)

        self._apply(request, queryset, move)

    @admin.action(description=_("Proposer au bénévole indiqué à côté (courriel)"), permissions=["change"])
    def propose(self, request, queryset):
        email = request.POST.get("volunteer_email", "").strip()
        volunteer = VolunteerProfile.objects.filter(user__email__iexact=email).first() if email else None
        if volunteer is None:
            self.message_user(request, _("Indiquez le courriel d'un bénévole inscrit."), messages.ERROR)
            return

        def move(help_request):
            proposal_create(help_request=help_request, volunteer=volunteer, by=request.user)
            return _("proposée à %(who)s.") % {"who": volunteer}

        self._apply(request, queryset, move)

    @admin.action(description=_("Confier à la structure choisie à côté"), permissions=["change"])
    def route(self, request, queryset):
        try:
            association = RouteActionForm.base_fields["association"].clean(request.POST.get("association"))
        except ValidationError:
            association = None
        if association is None:
            self.message_user(request, _("Choisissez la structure à qui confier la demande."), messages.ERROR)
            return
        note = request.POST.get("note", "")[:500]

        def move(help_request):
            help_request_route(help_request=help_request, association=association, by=request.user, note=note)
            return _("confiée à %(who)s.") % {"who": association}

        self._apply(request, queryset, move)

    @admin.action(description=_("Annuler"), permissions=["change"])
    def cancel(self, request, queryset):
        if confirmation := self._confirmation(request, queryset, "cancel", _("Annuler ces demandes ?")):
            return confirmation
        note = request.POST.get("note", "")[:500] or _("Annulée par un agent.")

        def move(help_request):
            help_request.cancel(by=request.user, note=note)
            return _("annulée.")

        self._apply(request, queryset, move)

    @admin.action(description=_("Fusionner les doublons dans la demande d'origine"), permissions=["change"])
    def merge_into_original(self, request, queryset):
        question = _("Fusionner ces demandes dans leur demande d'origine ?")
        if confirmation := self._confirmation(request, queryset, "merge_into_original", question):
            return confirmation

        def move(help_request):
            original = help_request.possible_duplicate_of
            if original is None:
                raise MergeNotAllowed(_("aucun doublon signalé, rien n'a été fait."))
            help_request_merge(duplicate=help_request, into=original, by=request.user)
            return _("fusionnée dans %(ref)s.") % {"ref": original.reference}

        self._apply(request, queryset, move)
