"""The records kept about requests: their status history, the access log and the messages sent (the outbox). Read in
the admin, never edited."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.roles import can_resend_messages
from core.admin import RecordAdmin
from core.log_redaction import redact_text
from notifications import outbox
from notifications.models import Notification
from requests_app.models import AccessLog, StatusChange
from requests_app.privacy import SearchAccessLogged


@admin.register(StatusChange)
class StatusChangeAdmin(RecordAdmin):
    """Read-only: history is written by the status machine only."""

    list_display = ("help_request", "from_status", "to_status", "changed_by", "changed_at")
    list_filter = ("to_status",)
    list_select_related = ("help_request", "changed_by")
    search_fields = ("=help_request__reference",)


@admin.register(AccessLog)
class AccessLogAdmin(RecordAdmin):
    """Staff read who saw which beneficiary's data; nobody, superusers included, edits or deletes a line."""

    list_display = ("at", "user_email", "reason", "help_request", "volunteer", "association", "path", "query")
    list_filter = ("reason",)
    search_fields = ("user_email", "help_request__reference")
    date_hierarchy = "at"
    list_select_related = ("help_request", "volunteer__user", "association")
    readonly_fields = (
        "at", "user", "user_email", "help_request", "volunteer", "association", "reason", "path", "query",
    )  # fmt: skip


@admin.register(Notification)
class NotificationAdmin(SearchAccessLogged, RecordAdmin):
    """What was sent to whom, what failed and why, and which SMS the provider reported delivered ("Remise") or not
    (failed, with its reason, and the time of the report). Read-only: the outbox is a record, not a draft box.
    The list shows each recipient's address or phone number, a requester's among them: every look at it is in
    the access log, one line for each request whose messages are on the page. It is registered here, beside the
    access log, because of that: the notifications app knows nothing of requests."""

    log_unfiltered_list = True

    list_display = [
        "created_at", "event", "channel", "recipient", "status", "attempts", "sent_at", "reported_at", "last_error",
    ]  # fmt: skip
    list_filter = ["status", "channel", "event"]
    # The provider's id as its support quotes it, exactly.
    search_fields = ["recipient", "help_request__reference", "=provider_message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["help_request"]  # for the access log, read with the page
    actions = ["retry"]
    readonly_fields = [
        "event", "channel", "recipient", "subject", "body_read", "help_request", "status", "attempts",
        "last_error", "created_at", "next_attempt_at", "sent_at", "provider_message_id", "reported_at",
    ]  # fmt: skip
    exclude = ["body"]
    raw_id_fields = ["help_request"]

    @admin.display(description=_("texte"))
    def body_read(self, obj):
        """The text as sent, its links' secrets masked: a tracking link or a hand-off's link opens the person's
        request to whoever holds it, and the agent reading the record has no business acting in their name."""
        return redact_text(obj.body)

    def requests_shown(self, objects):
        return {message.help_request for message in objects if message.help_request_id}

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
