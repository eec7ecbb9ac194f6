"""Hand-offs to responders outside the portal, in the triage admin: "Confier hors portail" on a request's page (a
small form), the open hand-off above the page with "Renvoyer le lien" and "Reprendre la demande", the hand-offs
inline, the queue's status cell, and the hand-offs' own read-only list. The rules are in requests_app/handoffs.py."""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_triage
from core.admin import BaseAdmin, ReadOnlyInline
from requests_app.enums import TRANSITIONS, HandOffState, Status
from requests_app.handoff_forms import HandOffForm
from requests_app.handoffs import (
    HandOffRefused,
    hand_off_link_resend,
    hand_off_withdraw,
    help_request_hand_off,
    with_open_hand_off,
)
from requests_app.models import HandOff, HandOffLink, HelpRequest, TransitionNotAllowed


def since(moment) -> str:
    """ "3 h", "2 j": how long ago, as the queue says waiting times."""
    from requests_app.admin.triage import duration  # the queue's own wording of durations

    return duration(timezone.now() - moment)


def hand_off_summary(*, label: str, state: str, since_moment) -> str:
    """ "Confiée à CCAS de Lunéville (hors portail), sans réponse depuis 2 j": for the queue and the request's page."""
    words = {"who": label, "since": since(since_moment)}
    if state == HandOffState.TAKEN:
        return _("Confiée à %(who)s (hors portail), prise en charge depuis %(since)s") % words
    return _("Confiée à %(who)s (hors portail), sans réponse depuis %(since)s") % words


def hand_off_late(state: str, since_moment) -> bool:
    return state == HandOffState.SENT and timezone.now() - since_moment >= timedelta(
        hours=settings.HANDOFF_ANSWER_HOURS
    )


def hand_off_status_cell(obj: HelpRequest):
    """The queue's status cell of a request handed off outside the portal (annotated by `with_open_hand_off`), or
    None for any other: "Hors portail" and a word, the whole sentence for screen readers and on hover; "sans
    réponse" in red past HANDOFF_ANSWER_HOURS, as the waiting time past its deadline."""
    if getattr(obj, "hand_off_label", None) is None:
        return None
    full = hand_off_summary(label=obj.hand_off_label, state=obj.hand_off_state, since_moment=obj.hand_off_since)
    taken = obj.hand_off_state == HandOffState.TAKEN
    word = _("pris") if taken else _("sans réponse")
    css = "entraide-wait entraide-wait--late" if hand_off_late(obj.hand_off_state, obj.hand_off_since) else ""
    return format_html(
        '<span class="{}" title="{}"><span aria-hidden="true">{} <span class="entraide-wait__word">{}</span></span>'
        '<span class="entraide-sr-only">{}</span></span>',
        css,
        full,
        _("Hors portail"),
        word,
        full,
    )


class HandOffInline(ReadOnlyInline):
    model = HandOff
    fields = (
        "responder_label", "contact", "state", "created_at", "created_by", "taken_at", "done_at", "declined_at",
        "decline_reason", "note",
    )  # fmt: skip
    verbose_name_plural = _("relais hors portail")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    @admin.display(description=_("courriel, téléphone"))
    def contact(self, obj):
        return obj.contact_display


class HandOffAdminMixin:
    """What the request's admin (requests_app/admin/triage.py) does about hand-offs: its pages, its context, its
    annotations."""

    def get_urls(self):
        return [
            path(
                "<int:pk>/confier-hors-portail/",
                self.admin_site.admin_view(self.hand_off_view),
                name="requests_app_helprequest_hand_off",
            ),
            path(
                "<int:pk>/relais/<int:hand_off_pk>/renvoyer/",
                self.admin_site.admin_view(self.hand_off_resend_view),
                name="requests_app_helprequest_hand_off_resend",
            ),
            path(
                "<int:pk>/relais/<int:hand_off_pk>/reprendre/",
                self.admin_site.admin_view(self.hand_off_withdraw_view),
                name="requests_app_helprequest_hand_off_withdraw",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return with_open_hand_off(super().get_queryset(request))

    def hand_off_box(self, request, help_request: HelpRequest) -> dict:
        """For the request's page (its queryset annotated by `with_open_hand_off`: no query): the open hand-off in a
        sentence with its buttons, or the way to make one."""
        box = {
            "can_act": can_triage(request.user),
            "can_hand_off": help_request.hand_off_pk is None and Status.ROUTED in TRANSITIONS[help_request.status],
            "hand_off_pk": help_request.hand_off_pk,
        }
        if help_request.hand_off_pk is not None:
            state, since_moment = help_request.hand_off_state, help_request.hand_off_since
            box["summary"] = hand_off_summary(
                label=help_request.hand_off_label, state=state, since_moment=since_moment
            )
            box["late"] = hand_off_late(state, since_moment)
        return box

    def _hand_off_request(self, request, pk: int) -> HelpRequest:
        help_request = self.get_object(request, str(pk))
        if help_request is None or not self.has_change_permission(request, help_request):
            raise PermissionDenied
        return help_request

    def hand_off_view(self, request, pk: int):
        """ "Confier hors portail": the form, refilled with its errors in French (400), then the hand-off."""
        help_request = self._hand_off_request(request, pk)
        page = redirect("admin:requests_app_helprequest_change", pk)
        if help_request.held_by_another(request.user):
            self.message_user(request, self._held_message(help_request, link=False), messages.WARNING)
            return page
        form = HandOffForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                hand_off, _token = help_request_hand_off(
                    help_request=help_request, by=request.user, **form.cleaned_data
                )
            except (TransitionNotAllowed, HandOffRefused) as refusal:
                form.add_error(None, str(refusal))
            else:
                done = _("%(ref)s : confiée à %(who)s (hors portail) ; le lien lui est envoyé (%(contact)s).") % {
                    "ref": help_request.reference,
                    "who": hand_off.responder_label,
                    "contact": hand_off.contact_display,
                }
                self.message_user(request, done, messages.SUCCESS)
                return page
        context = {
            **self.admin_site.each_context(request),
            "title": _("Confier la demande %(ref)s hors portail") % {"ref": help_request.reference},
            "opts": self.model._meta,
            "original": help_request,
            "form": form,
            "answer_hours": settings.HANDOFF_ANSWER_HOURS,
            "valid_hours": settings.HANDOFF_LINK_VALID_HOURS,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/requests_app/helprequest/hand_off_form.html", context, status=status)

    def _open_hand_off(self, request, pk: int, hand_off_pk: int) -> HandOff:
        if request.method != "POST":
            raise PermissionDenied
        help_request = self._hand_off_request(request, pk)
        return get_object_or_404(help_request.hand_offs.select_related("help_request"), pk=hand_off_pk)

    def hand_off_resend_view(self, request, pk: int, hand_off_pk: int):
        hand_off = self._open_hand_off(request, pk, hand_off_pk)
        try:
            hand_off_link_resend(hand_off=hand_off)
        except HandOffRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Nouveau lien envoyé à %(who)s (%(contact)s) ; l'ancien ne sert plus.")
                % {"who": hand_off.responder_label, "contact": hand_off.contact_display},
                messages.SUCCESS,
            )
        return redirect("admin:requests_app_helprequest_change", pk)

    def hand_off_withdraw_view(self, request, pk: int, hand_off_pk: int):
        hand_off = self._open_hand_off(request, pk, hand_off_pk)
        if not hand_off.is_open:
            self.message_user(request, _("Ce relais est déjà terminé."), messages.WARNING)
        else:
            try:
                hand_off_withdraw(hand_off=hand_off, by=request.user, note=request.POST.get("note", "")[:500])
            except TransitionNotAllowed as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(ref)s : reprise à %(who)s, qui en est prévenu ; à confier de nouveau.")
                    % {"ref": hand_off.help_request.reference, "who": hand_off.responder_label},
                    messages.SUCCESS,
                )
        return redirect("admin:requests_app_helprequest_change", pk)


class HandOffLinkInline(ReadOnlyInline):
    """A hand-off's links: when each was sent, used, replaced; never the token, which the portal does not keep."""

    model = HandOffLink
    fields = ("stage", "created_at", "expires_at", "used_at", "revoked_at")


@admin.register(HandOff)
class HandOffAdmin(BaseAdmin):
    """Read by staff, written by the hand-off's services only (from the request's page and the responder's links)."""

    list_display = (
        "created_at", "help_request", "responder_label", "state", "contact", "taken_at", "done_at", "declined_at",
        "alerted_at",
    )  # fmt: skip
    list_filter = ("state",)
    list_select_related = ("help_request",)
    search_fields = ("responder_label", "responder_email", "=help_request__reference")
    date_hierarchy = "created_at"
    readonly_fields = (
        "help_request", "responder_label", "responder_email", "responder_phone", "note", "created_by", "created_at",
        "state", "taken_at", "done_at", "declined_at", "decline_reason", "ended_at", "alerted_at",
    )  # fmt: skip
    fields = readonly_fields
    inlines = [HandOffLinkInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("courriel, téléphone"))
    def contact(self, obj):
        return obj.contact_display
