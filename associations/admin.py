from django.contrib import admin

from associations.models import Association, Membership
from core.admin import BaseAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Association)
class AssociationAdmin(BaseAdmin):
    list_display = ("name", "kind", "status", "commune", "created_at")
    list_filter = ("status", "kind")
    list_select_related = ("commune",)
    search_fields = ("name",)
    autocomplete_fields = ("commune",)
    inlines = [MembershipInline]
