from django.contrib import admin

from core.models import Arrondissement, Commune, Epci, HelpType


class BaseAdmin(admin.ModelAdmin):
    """Project defaults: no COUNT(*) over big tables, related rows fetched with the list."""

    show_full_result_count = False
    list_per_page = 50


@admin.register(HelpType)
class HelpTypeAdmin(BaseAdmin):
    list_display = ("name", "code", "domain", "remote_ok", "needs_vehicle_hint", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("domain", "remote_ok", "needs_vehicle_hint", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Commune)
class CommuneAdmin(BaseAdmin):
    list_display = ("name", "insee", "postal_codes", "epci", "arrondissement", "population")
    list_filter = ("arrondissement", "epci")
    list_select_related = ("epci", "arrondissement")
    search_fields = ("name", "insee", "postal_codes", "search_name")
    ordering = ("name",)


@admin.register(Epci)
class EpciAdmin(BaseAdmin):
    list_display = ("name", "siren")
    search_fields = ("name", "siren")


@admin.register(Arrondissement)
class ArrondissementAdmin(BaseAdmin):
    list_display = ("name", "code")
