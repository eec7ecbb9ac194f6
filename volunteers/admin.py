from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import BaseAdmin, SuspensionReasonForm, suspension_reason
from core.enums import Domain
from core.slots import slot_labels
from volunteers.models import Skill
from volunteers.services import volunteer_suspend


class DomainFilter(admin.SimpleListFilter):
    title = _("domaine")
    parameter_name = "domaine"

    def lookups(self, request, model_admin):
        return Domain.choices

    def queryset(self, request, queryset):
        if self.value() in Domain.values:
            return queryset.with_domain(self.value())
        return queryset


# Registered by matching/admin.py, which adds the columns counted from proposals (this app must not import them).
class VolunteerProfileAdmin(BaseAdmin):
    list_display = ("user", "home_commune", "reach", "status", "paused_until", "capacity")
    list_filter = (
        DomainFilter,
        "status",
        "reach",
        "has_vehicle",
        ("home_commune__epci", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("user", "home_commune")
    search_fields = ("user__email", "user__last_name", "user__first_name", "home_commune__name")
    autocomplete_fields = ("home_commune",)
    raw_id_fields = ("user",)
    checkbox_fields = ("skills",)
    readonly_fields = (
        "status", "status_reason", "domains_display", "availability_display", "charter_accepted_at", "created_at",
        "updated_at",
    )  # fmt: skip
    # The bit masks are edited by the volunteer on the profile page; staff read them in words.
    exclude = ("domains", "availability")

    @admin.display(description=_("domaines"))
    def domains_display(self, obj):
        return ", ".join(obj.domain_list) or "—"

    @admin.display(description=_("disponibilités"))
    def availability_display(self, obj):
        return ", ".join(slot_labels(obj.availability)) or _("aucune précisée")

    action_form = SuspensionReasonForm
    actions = ["suspend", "reactivate"]

    def has_delete_permission(self, request, obj=None):
        return False  # a volunteer leaves through their own deletion, which hands their requests back

    @admin.action(description=_("Suspendre (motif à côté)"), permissions=["change"])
    def suspend(self, request, queryset):
        reason = suspension_reason(self, request)
        if not reason:
            return
        for profile in queryset:
            volunteer_suspend(volunteer=profile, reason=reason)
        count = len(queryset)
        self.message_user(request, _("%(count)s bénévole(s) suspendu(s).") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Réactiver"), permissions=["change"])
    def reactivate(self, request, queryset):
        for profile in queryset:
            profile.reactivate()
        count = len(queryset)
        self.message_user(request, _("%(count)s bénévole(s) réactivé(s).") % {"count": count}, messages.SUCCESS)


@admin.register(Skill)
class SkillAdmin(BaseAdmin):
    search_fields = ("name",)
