"""The records kept about requests: their status history and the access log. Read in the admin, never edited."""

from django.contrib import admin

from core.admin import RecordAdmin
from notifications.admin import NotificationAdmin
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
class LoggedNotificationAdmin(SearchAccessLogged, NotificationAdmin):
    """The outbox's admin with the access log: every look at the list, one line for each request whose messages
    are on the page, since the list shows each recipient's address or phone number, a requester's among them."""

    log_unfiltered_list = True

    def requests_shown(self, objects):
        return {message.help_request for message in objects if message.help_request_id}
