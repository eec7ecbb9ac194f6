"""The triage admin: the queue of help requests, each request's page (candidates, notes, history) and the actions
that move requests through the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException

from accounts.roles import can_triage
from associations.models import Association
from core.admin import BaseAdmin, ReadOnlyInline
from matching.models import Proposal
from matching.ranking import association_suggestions, candidates
from matching.services import ProposalError, help_request_triage, proposal_create
from requests_app.admin.callbacks import CallbackInline
from requests_app.admin.filters import (
    ArrondissementFilter,
    CommuneFilter,
    EpciFilter,
    OpenFilter,
    VulnerabilityFilter,
)
from requests_app.enums import AccessReason, Urgency
from requests_app.models import HelpRequest, RequestNote, StatusChange, TransitionNotAllowed
from requests_app.privacy import SearchAccessLogged, contact_shown
from requests_app.references import REFERENCE_PATTERN, normalise_reference
from requests_app.services import MergeNotAllowed, help_request_merge, help_request_route
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


@admin.register(HelpRequest)
class HelpRequestAdmin(SearchAccessLogged, BaseAdmin):
    list_display = (
        "reference", "urgency_badge", "status", "help_type", "commune", "source", "waiting", "flags", "duplicate",
    )  # fmt: skip
    list_display_links = ("reference",)
    list_filter = (
        OpenFilter, "status", "urgency", "domain", "help_type", "source", VulnerabilityFilter,
        EpciFilter, ArrondissementFilter, CommuneFilter,
    )  # fmt: skip
    list_select_related = ("help_type", "commune", "possible_duplicate_of")
    search_fields = ("=reference", "=requester_phone", "=beneficiary_phone", "requester_name", "beneficiary_name",
                     "=requester_email")  # fmt: skip
    search_help_text = _("Référence, téléphone (06 12 34 56 78), courriel ou nom.")
    ordering = ("urgency", "created_at")
    autocomplete_fields = ("commune", "routed_to")
    raw_id_fields = ("possible_duplicate_of",)
    readonly_fields = (
        "reference", "status", "source", "domain", "created_at", "status_changed_at", "created_by", "consent_at",
        "routed_to", "possible_duplicate_of", "slots",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("reference", "status", "source", "created_at", "status_changed_at", "created_by")}),
        (_("Demandeur et personne aidée"), {"fields": (
            "requester_relation", "requester_name", "requester_phone", "requester_email", "beneficiary_name",
            "beneficiary_phone", "preferred_channel",
        )}),
        (_("Besoin"), {"fields": (
            "help_type", "domain", "description", "volunteer_summary", "urgency", "commune", "address", "slots",
            ("lives_alone", "aged_70_plus", "has_disability", "no_internet"),
        )}),
        (_("Suivi"), {"fields": ("routed_to", "possible_duplicate_of", "consent_at")}),
    )  # fmt: skip
    # Callbacks: requests_app/admin/callbacks.py.
    inlines = [CallbackInline, NewNoteInline, RequestNoteInline, ProposalInline, StatusChangeInline]
    action_form = RouteActionForm

    actions = ["triage", "propose", "route", "cancel", "merge_into_original"]

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
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Staff see the best candidates with the reasons for their scores, or organisations to route to."""
        help_request = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if (
            help_request is not None
            and request.method == "GET"
            and not contact_shown(request, help_request, AccessReason.STAFF_DETAIL)
        ):
            raise PermissionDenied  # the page shows who asked, where they live and how to reach them
        if help_request is not None and not help_request.is_closed:
            ranked = candidates(help_request, limit=5)
            prefetch_related_objects([c.volunteer for c in ranked], "user", "home_commune")
            extra_context["candidates"] = ranked
            extra_context["suggestions"] = [] if ranked else association_suggestions(help_request)
        return super().change_view(request, object_id, form_url, extra_context)

    def propose_to_view(self, request, pk: int, volunteer_pk: int):
        help_request = self.get_object(request, str(pk))
        if request.method != "POST" or help_request is None or not self.has_change_permission(request, help_request):
            raise PermissionDenied
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
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(request, _("Demande proposée à %(who)s.") % {"who": volunteer}, messages.SUCCESS)
        return redirect("admin:requests_app_helprequest_change", pk)

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

    @admin.display(description=_("urgence"), ordering="urgency")
    def urgency_badge(self, obj):
        css = {Urgency.URGENT: "error", Urgency.NORMAL: "info", Urgency.FLEXIBLE: "success"}[obj.urgency]
        return format_html(
            '<span class="entraide-urgency entraide-urgency--{}">{}</span>', css, obj.get_urgency_display()
        )

    @admin.display(description=_("attente"), ordering="created_at")
    def waiting(self, obj):
        if obj.is_closed:
            return "—"
        delta = timezone.now() - obj.created_at
        hours = int(delta.total_seconds() // 3600)
        return (
            _("%(d)s j %(h)s h") % {"d": hours // 24, "h": hours % 24} if hours >= 24 else _("%(h)s h") % {"h": hours}
        )

    @admin.display(description=_("fragilités"))
    def flags(self, obj):
        return ", ".join(obj.vulnerabilities) or "—"

    @admin.display(description=_("doublon possible de"))
    def duplicate(self, obj):
        return obj.possible_duplicate_of.reference if obj.possible_duplicate_of and not obj.is_closed else ""

    @admin.display(description=_("créneaux souhaités"))
    def slots(self, obj):
        return obj.slots_display

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
                "help_requests": queryset.select_related("help_type", "commune"),
                "note": request.POST.get("note", "")[:500],
            },
        )

    def _apply(self, request: HttpRequest, queryset: QuerySet, move, done_message: str) -> None:
        moved, refused = 0, []
        for help_request in queryset:
            try:
                move(help_request)
                moved += 1
            except (TransitionNotAllowed, MergeNotAllowed, ProposalError) as error:
                refused.append(f"{help_request.reference} : {error}")
        if moved:
            self.message_user(request, done_message % {"count": moved}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=_("Marquer comme étudiées (triées)"), permissions=["change"])
    def triage(self, request, queryset):
        note = request.POST.get("note", "")
        self._apply(
            request,
            queryset,
            lambda r: help_request_triage(r, by=request.user, note=note),
            _("%(count)s demande(s) triée(s) et proposée(s) au meilleur bénévole quand il y en avait un."),
        )

    @admin.action(description=_("Proposer au bénévole indiqué à côté (courriel)"), permissions=["change"])
    def propose(self, request, queryset):
        email = request.POST.get("volunteer_email", "").strip()
        volunteer = VolunteerProfile.objects.filter(user__email__iexact=email).first() if email else None
        if volunteer is None:
            self.message_user(request, _("Indiquez le courriel d'un bénévole inscrit."), messages.ERROR)
            return
        self._apply(
            request, queryset, lambda r: proposal_create(help_request=r, volunteer=volunteer, by=request.user),
            _("%(count)s demande(s) proposée(s)."),
        )  # fmt: skip

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
        self._apply(
            request,
            queryset,
            lambda r: help_request_route(help_request=r, association=association, by=request.user, note=note),
            _("%(count)s demande(s) confiée(s)."),
        )

    @admin.action(description=_("Annuler"), permissions=["change"])
    def cancel(self, request, queryset):
        if confirmation := self._confirmation(request, queryset, "cancel", _("Annuler ces demandes ?")):
            return confirmation
        note = request.POST.get("note", "")[:500] or _("Annulée par un agent.")
        self._apply(
            request, queryset, lambda r: r.cancel(by=request.user, note=note), _("%(count)s demande(s) annulée(s).")
        )

    @admin.action(description=_("Fusionner les doublons dans la demande d'origine"), permissions=["change"])
    def merge_into_original(self, request, queryset):
        question = _("Fusionner ces demandes dans leur demande d'origine ?")
        if confirmation := self._confirmation(request, queryset, "merge_into_original", question):
            return confirmation
        flagged = queryset.filter(possible_duplicate_of__isnull=False).select_related("possible_duplicate_of")
        skipped = queryset.filter(possible_duplicate_of__isnull=True).count()
        self._apply(
            request, flagged,
            lambda r: help_request_merge(duplicate=r, into=r.possible_duplicate_of, by=request.user),
            _("%(count)s doublon(s) fusionné(s)."),
        )  # fmt: skip
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)s demande sans doublon signalé ignorée.",
                    "%(n)s demandes sans doublon signalé ignorées.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )
