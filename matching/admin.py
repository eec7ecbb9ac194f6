from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.admin import BaseAdmin
from matching.enums import LIVE_PROPOSAL_STATUSES, ProposalStatus
from matching.models import Proposal
from volunteers.admin import VolunteerProfileAdmin
from volunteers.models import VolunteerProfile


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


@admin.register(VolunteerProfile)
class VolunteerProfileWithProposalsAdmin(VolunteerProfileAdmin):
    """The volunteer admin (volunteers/admin.py), with each volunteer's load and completions counted from their
    proposals: volunteers must not import the proposal statuses, so the columns are added here."""

    list_display = ("user", "home_commune", "reach", "status", "paused_until", "live_load", "capacity", "completed")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _live=Count("proposals", filter=Q(proposals__status__in=LIVE_PROPOSAL_STATUSES)),
                _done=Count("proposals", filter=Q(proposals__status=ProposalStatus.DONE)),
            )
        )

    @admin.display(description=_("demandes en cours"), ordering="_live")
    def live_load(self, obj):
        return obj._live

    @admin.display(description=_("aides terminées"), ordering="_done")
    def completed(self, obj):
        return obj._done
