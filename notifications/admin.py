from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import can_resend_messages
from core.admin import RecordAdmin
from notifications import outbox


class NotificationAdmin(RecordAdmin):
    """What was sent to whom, and what failed and why. Read-only: the outbox is a record, not a draft box.

    Registered by requests_app's admin (records.py), which adds the access log: the list shows each recipient's
    address or phone number, a requester's among them, and the access log is requests_app's, above this app."""

    list_display = ["created_at", "event", "channel", "recipient", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", "channel", "event"]
    search_fields = ["recipient", "help_request__reference"]
    date_hierarchy = "created_at"
    list_select_related = ["help_request"]  # for the access log, read with the page
    actions = ["retry"]
    readonly_fields = [
        "event", "channel", "recipient", "subject", "body", "help_request", "status", "attempts",
        "last_error", "created_at", "next_attempt_at", "sent_at",
    ]  # fmt: skip
    raw_id_fields = ["help_request"]

    def has_retry_permission(self, request):
        return can_resend_messages(request.user)

    @admin.action(description=_("Renvoyer les notifications en échec"), permissions=["retry"])
    def retry(self, request, queryset):
        count = outbox.retry(queryset)
        self.message_user(
            request,
            ngettext("%(n)s notification renvoyée.", "%(n)s notifications renvoyées.", count) % {"n": count},
            messages.SUCCESS if count else messages.WARNING,
        )
