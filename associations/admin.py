from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from associations.enums import AssociationStatus
from associations.models import Application, Association, Invitation, Membership, Mission, NewsItem
from associations.services import association_suspend, association_validate
from core.admin import BaseAdmin, SuspensionReasonForm, suspension_reason


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Association)
class AssociationAdmin(BaseAdmin):
    list_display = ("name", "kind", "status", "commune", "rna", "siret", "created_at")
    list_filter = ("status", "kind", "covers_whole_departement")
    list_select_related = ("commune",)
    search_fields = ("name", "=rna", "=siret", "contact_email")
    autocomplete_fields = ("commune", "communes_covered")
    checkbox_fields = ("epcis_covered",)
    readonly_fields = ("status", "status_reason", "status_changed_at", "created_at")
    inlines = [MembershipInline]
    action_form = SuspensionReasonForm
    actions = ["validate", "suspend"]

    @admin.action(description=_("Valider les structures choisies"), permissions=["change"])
    def validate(self, request, queryset):
        count = 0
        for association in queryset.exclude(status=AssociationStatus.VALIDATED):
            association_validate(association=association)
            count += 1
        self.message_user(request, _("%(count)s structure(s) validée(s).") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Suspendre (indiquez le motif à côté)"), permissions=["change"])
    def suspend(self, request, queryset):
        reason = suspension_reason(self, request)
        if not reason:
            return
        for association in queryset:
            association_suspend(association=association, reason=reason)
        self.message_user(
            request, _("%(count)s structure(s) suspendue(s).") % {"count": len(queryset)}, messages.SUCCESS
        )


@admin.register(Mission)
class MissionAdmin(BaseAdmin):
    list_display = ("title", "association", "domain", "commune", "is_remote", "status", "start_date", "end_date")
    list_filter = ("status", "domain", "is_remote")
    list_select_related = ("association", "commune")
    search_fields = ("title", "association__name")
    autocomplete_fields = ("commune",)
    raw_id_fields = ("association",)


@admin.register(Application)
class ApplicationAdmin(BaseAdmin):
    list_display = ("volunteer", "mission", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("volunteer", "mission")
    search_fields = ("volunteer__email", "mission__title")
    raw_id_fields = ("mission", "volunteer", "decided_by")


@admin.register(NewsItem)
class NewsItemAdmin(BaseAdmin):
    list_display = ("title", "association", "domain", "published_at")
    list_filter = ("domain",)
    list_select_related = ("association",)
    search_fields = ("title", "association__name")
    raw_id_fields = ("association", "author")


@admin.register(Invitation)
class InvitationAdmin(BaseAdmin):
    list_display = ("email", "association", "role", "created_at", "expires_at", "accepted_at")
    list_select_related = ("association",)
    search_fields = ("email", "association__name")
    raw_id_fields = ("association", "invited_by")
    readonly_fields = ("token",)
