"""Staff vet volunteers for calls here: only a vetted volunteer (or a hotline agent) may be given a call sheet."""

from django.contrib import admin

from campaigns.models import CallerVetting
from core.admin import BaseAdmin


@admin.register(CallerVetting)
class CallerVettingAdmin(BaseAdmin):
    list_display = ("volunteer", "vetted_by", "vetted_at")
    list_select_related = ("volunteer__user", "vetted_by")
    search_fields = ("volunteer__user__email", "volunteer__user__last_name", "volunteer__user__first_name")
    autocomplete_fields = ("volunteer",)
    fields = ("volunteer", "note", "vetted_by", "vetted_at")
    readonly_fields = ("vetted_by", "vetted_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.vetted_by = request.user  # who trusted her, for the record
        super().save_model(request, obj, form, change)
