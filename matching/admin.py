from django.contrib import admin

from core.admin import BaseAdmin
from matching.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(BaseAdmin):
    list_display = ("help_request", "volunteer", "status", "created_at", "respond_by", "concern")
    list_filter = ("status", "concern")
    list_select_related = ("help_request", "volunteer__user")
    search_fields = ("=help_request__reference", "volunteer__user__email")
    raw_id_fields = ("help_request", "volunteer", "proposed_by")

    def has_add_permission(self, request):
        return False  # proposals are made by the triage action or the matching, which apply the rules

    def has_change_permission(self, request, obj=None):
        return False  # their status moves with the request's, through the services only

    def has_delete_permission(self, request, obj=None):
        return False
