"""The staff inbox, "SMS reçus": the texts the portal could not act on by itself (a question, a word it could not
read, a reply it could not tie to a request), each with the request it belongs to; the conversation with the number;
an answer by SMS, or "marquer comme traité".

A text from a beneficiary is personal data: every look at the list or at a conversation is in the access log. It is
registered here, beside the outbox's admin (records.py), because of that: the notifications app knows nothing of
requests.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import can_answer_sms
from core.admin import RecordAdmin
from core.forms import status_for
from core.log_redaction import redact_text
from core.phones import readable_phone
from notifications.enums import Channel
from notifications.forms import HandledForm, StaffReplyForm
from notifications.inbox import AlreadyHandled, inbound_sms_answer, inbound_sms_handled
from notifications.models import InboundSms, Notification, SmsOptOut
from requests_app.admin.triage import parse_phone
from requests_app.enums import AccessReason
from requests_app.models import HelpRequest
from requests_app.privacy import SearchAccessLogged, access_record, contacts_shown
from requests_app.references import normalise_reference
from volunteers.models import VolunteerProfile

CONVERSATION_LENGTH = 40  # the latest messages each way: enough to follow a conversation, bounded for the page
OTHER_REQUESTS_SHOWN = 5
EXCERPT_LENGTH = 70


class InboxStateFilter(admin.SimpleListFilter):
    """The inbox opens on what waits for an agent; what was dealt with, and what the portal answered by itself,
    are there when asked for."""

    title = gettext_lazy("état")
    parameter_name = "etat"
    TO_DO = "a-traiter"
    STATES = {
        TO_DO: (gettext_lazy("À traiter"), None),
        "traites": (gettext_lazy("Traités par un agent"), Q(handled_at__isnull=False)),
        "automatiques": (gettext_lazy("Traités par le portail seul"), Q(needs_staff=False)),
        "tous": (gettext_lazy("Tous"), Q()),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _condition) in self.STATES.items()]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or self.TO_DO) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        _label, condition = self.STATES.get(self.value() or self.TO_DO, self.STATES[self.TO_DO])
        return queryset.for_staff() if condition is None else queryset.filter(condition)


def received(when: datetime) -> str:
    when = timezone.localtime(when)
    return f"{when:%H:%M}" if when.date() == timezone.localdate() else f"{when:%d/%m %H:%M}"


@dataclass(frozen=True)
class Line:
    """One message of a conversation, either way."""

    at: datetime
    incoming: bool
    body: str
    status: str = ""  # for a message sent: the outbox's state (sent, delivered, withheld…)
    event: str = ""
    current: bool = False  # the message the page is about


def conversation(inbound: InboundSms) -> list[Line]:
    """The SMS received from this number and the SMS sent to it, oldest first: the latest CONVERSATION_LENGTH each
    way, in two queries whatever their number."""
    texts = InboundSms.objects.filter(sender=inbound.sender).order_by("-received_at")[:CONVERSATION_LENGTH]
    sent = Notification.objects.filter(channel=Channel.SMS, recipient=inbound.sender).order_by("-created_at")[
        :CONVERSATION_LENGTH
    ]
    lines = [
        Line(at=text.received_at, incoming=True, body=text.body, current=text.pk == inbound.pk) for text in texts
    ] + [
        Line(
            at=message.sent_at or message.created_at,
            incoming=False,
            # A link we sent may be a secret (a tracking or hand-off link): the agent reads the message, not the key.
            body=redact_text(message.body),
            status=message.get_status_display(),
            event=message.get_event_display(),
        )
        for message in sent
    ]
    return sorted(lines, key=lambda line: line.at)


@admin.register(InboundSms)
class InboundSmsAdmin(SearchAccessLogged, RecordAdmin):
    """ "SMS reçus". Read by the staff who may see contact details, answered by those who also handle the inbox
    (accounts.roles.can_answer_sms); nobody adds, edits or deletes a message: it is what the person wrote."""

    log_unfiltered_list = True  # the list shows numbers and what people wrote

    list_display = ("received", "sender_cell", "excerpt", "kind", "request_link", "outcome", "handled")
    list_display_links = ("received",)
    list_filter = (InboxStateFilter, "kind")
    list_select_related = ("help_request", "handled_by")
    search_fields = ("=sender",)  # get_search_results reads numbers and references as staff type them
    search_help_text = gettext_lazy("Numéro (06 12 34 56 78) ou référence de la demande (E54-7K3Q-9PXD).")
    ordering = ("-received_at", "-pk")
    actions = None

    def has_view_permission(self, request, obj=None):
        return can_answer_sms(request.user)

    def has_module_permission(self, request):
        return can_answer_sms(request.user)

    def requests_shown(self, objects):
        shown: list[HelpRequest | None] = list(
            {message.help_request for message in objects if message.help_request_id}
        )
        if any(not message.help_request_id for message in objects):
            shown.append(None)  # the look at texts tied to no request is logged too, once
        return shown

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if phone := parse_phone(term):
            return queryset.filter(sender=phone.as_e164), False
        if term:
            return queryset.filter(help_request__reference=normalise_reference(term)), False
        return queryset, False

    def changelist_view(self, request, extra_context=None):
        waiting = InboundSms.objects.for_staff().count()
        extra_context = {
            "title": _("SMS reçus à traiter : %(n)s") % {"n": waiting} if waiting else _("SMS reçus"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("reçu"), ordering="received_at")
    def received(self, obj):
        return received(obj.received_at)

    @admin.display(description=gettext_lazy("de"), ordering="sender")
    def sender_cell(self, obj):
        return readable_phone(obj.sender)

    @admin.display(description=gettext_lazy("message"))
    def excerpt(self, obj):
        body = " ".join(obj.body.split())
        short = body if len(body) <= EXCERPT_LENGTH else body[: EXCERPT_LENGTH - 1] + "…"
        return format_html('<span title="{}">{}</span>', body, short)

    @admin.display(description=gettext_lazy("demande"))
    def request_link(self, obj):
        if not obj.help_request_id:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:requests_app_helprequest_change", args=[obj.help_request_id]),
            obj.help_request.reference,
        )

    @admin.display(description=gettext_lazy("traité"), ordering="handled_at")
    def handled(self, obj):
        if not obj.is_handled:
            return _("à traiter") if obj.needs_staff else "—"
        return _("%(when)s, %(who)s") % {"when": received(obj.handled_at), "who": obj.handled_by or _("un agent")}

    def get_object(self, request, object_id, from_field=None):
        queryset = self.get_queryset(request).select_related("help_request__commune", "help_request__help_type")
        try:
            return queryset.get(pk=int(object_id))
        except (ValueError, InboundSms.DoesNotExist):
            return None

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None) -> HttpResponse:
        """The conversation with the number, the request it belongs to, and the two ways to deal with it."""
        inbound = self.get_object(request, object_id)
        if inbound is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, inbound):
            raise PermissionDenied
        reply = StaffReplyForm(initial={"seen_handled_at": seen(inbound)})
        if request.method == "POST":
            if request.POST.get("intent") == "handled":
                return self._handled(request, inbound)
            reply = StaffReplyForm(request.POST)
            if reply.is_valid():
                try:
                    inbound_sms_answer(
                        inbound=inbound,
                        text=reply.cleaned_data["text"],
                        by=request.user,
                        seen_handled_at=reply.cleaned_data["seen_handled_at"],
                    )
                except AlreadyHandled as refusal:
                    reply.add_error(None, str(refusal))
                else:
                    self.message_user(
                        request,
                        _("Réponse envoyée au %(to)s.") % {"to": readable_phone(inbound.sender)},
                        messages.SUCCESS,
                    )
                    return redirect("admin:notifications_inboundsms_changelist")
        return self._page(request, inbound, reply)

    def _handled(self, request: HttpRequest, inbound: InboundSms) -> HttpResponse:
        form = HandledForm(request.POST)
        try:
            if not form.is_valid():
                raise AlreadyHandled(" ".join(form.errors["seen_handled_at"]))
            inbound_sms_handled(inbound=inbound, by=request.user, seen_handled_at=form.cleaned_data["seen_handled_at"])
        except AlreadyHandled as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return redirect("admin:notifications_inboundsms_change", inbound.pk)
        self.message_user(
            request, _("Message du %(from)s traité.") % {"from": readable_phone(inbound.sender)}, messages.SUCCESS
        )
        return redirect("admin:notifications_inboundsms_changelist")

    def _page(self, request: HttpRequest, inbound: InboundSms, reply: StaffReplyForm) -> HttpResponse:
        help_request = inbound.help_request
        if help_request is not None:
            access_record(request, AccessReason.STAFF_DETAIL, help_request)
            others = []
        else:
            # No request was found for the text: the requests where the number appears, for the agent to judge.
            access_record(request, AccessReason.STAFF_DETAIL)
            others = contacts_shown(
                request,
                HelpRequest.objects.from_contact(phone=inbound.sender).order_by("-created_at")[:OTHER_REQUESTS_SHOWN],
                AccessReason.STAFF_DETAIL,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("SMS du %(from)s") % {"from": readable_phone(inbound.sender)},
            "sender": readable_phone(inbound.sender),
            "original": inbound,
            "conversation": conversation(inbound),
            "help_request": help_request,
            "other_requests": others,
            "volunteer": VolunteerProfile.objects.filter(phone=inbound.sender).select_related("user").first(),
            "opt_out": SmsOptOut.objects.filter(number=inbound.sender).first(),
            "reply": reply,
            "handled_form": HandledForm(initial={"seen_handled_at": seen(inbound)}),
        }
        return TemplateResponse(
            request, "admin/notifications/inboundsms/conversation.html", context, status=status_for(reply)
        )


def seen(inbound: InboundSms) -> str:
    return inbound.handled_at.isoformat() if inbound.handled_at else ""
