from django.contrib import admin

from core.admin import BaseAdmin
from volunteers.models import VolunteerProfile


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(BaseAdmin):
    list_display = ("user", "home_commune", "created_at")
    list_select_related = ("user", "home_commune")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("home_commune",)
    raw_id_fields = ("user",)
