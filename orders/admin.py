from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import BaseAdmin
from orders.enums import RevocationReason
from orders.models import MissionOrder


@admin.register(MissionOrder)
class MissionOrderAdmin(BaseAdmin):
    """Orders are issued by the volunteer's print page and revoked when the assignment ends; staff may revoke one by
    hand (a paper reported lost or misused). The volunteer may then print a new one while her assignment lives."""

    list_display = ("code", "first_name", "issuer_name", "issued_at", "valid_until", "state_display", "revoked_at")
    list_filter = ("revocation_reason", "issued_at")
    list_select_related = ("proposal", "application__mission__association")
    search_fields = ("=code", "volunteer__email", "issuer_name")
    readonly_fields = (
        "code", "volunteer", "proposal", "application", "first_name", "issuer_name", "issued_at", "valid_from",
        "valid_until", "state_display", "revoked_at", "revocation_reason",
    )  # fmt: skip
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("état"))
    def state_display(self, obj: MissionOrder) -> str:
        return obj.state().label

    @admin.action(description=_("Révoquer les ordres de mission choisis"), permissions=["change"])
    def revoke(self, request, queryset):
        revoked = queryset.revoke(RevocationReason.STAFF)
        self.message_user(
            request,
            ngettext("%(n)s ordre de mission révoqué.", "%(n)s ordres de mission révoqués.", revoked) % {"n": revoked},
            messages.SUCCESS,
        )
