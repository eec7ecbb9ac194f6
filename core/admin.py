from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from core.models import Arrondissement, Commune, Epci, HelpType


class SuspensionReasonForm(ActionForm):
    """The field beside the action menu where staff give the reason for a suspension."""

    reason = forms.CharField(label=_("Motif (pour une suspension)"), required=False, max_length=500)


def suspension_reason(model_admin: admin.ModelAdmin, request) -> str:
    """The reason typed beside the action, or "" after telling staff that a suspension needs one."""
    reason = request.POST.get("reason", "").strip()[:500]
    if not reason:
        model_admin.message_user(request, _("Indiquez le motif de la suspension."), messages.ERROR)
    return reason


class BaseAdmin(admin.ModelAdmin):
    """Project defaults: no COUNT(*) over big tables, related rows fetched with the list, and the accessibility the
    admin's widgets lack (labels on a list's editable cells, ticked boxes rather than the two-list selector)."""

    show_full_result_count = False
    list_per_page = 50
    # Many-to-many fields with a short list of choices, drawn as labelled checkboxes: the admin's two-list
    # selector (filter_horizontal) has no keyboard path a screen reader announces, nor a valid help icon.
    checkbox_fields: tuple[str, ...] = ()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.checkbox_fields:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        """The cells of list_editable carry no label: each input is named after its column."""
        formset = super().get_changelist_formset(request, **kwargs)
        for name in self.list_editable:
            field = formset.form.base_fields[name]
            field.widget.attrs.setdefault("aria-label", str(field.label))
        return formset


class RecordAdmin(BaseAdmin):
    """A record of what happened (messages sent, accesses to personal data): read, never added, edited or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under a record (its history, its notes, its proposals): read there, never added, edited or
    deleted. The inline's `fields` are all read-only."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReferenceDataAdmin(BaseAdmin):
    """Loaded from the official file by `load_reference_data`: read in the admin, never added or deleted there."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HelpType)
class HelpTypeAdmin(BaseAdmin):
    list_display = ("name", "code", "domain", "remote_ok", "needs_vehicle_hint", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("domain", "remote_ok", "needs_vehicle_hint", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}

    def has_delete_permission(self, request, obj=None):
        return False  # requests keep their help type: retire one by unticking "proposé sur le formulaire"


@admin.register(Commune)
class CommuneAdmin(ReferenceDataAdmin):
    list_display = ("name", "insee", "postal_codes", "epci", "arrondissement", "population")
    list_filter = ("arrondissement", "epci")
    list_select_related = ("epci", "arrondissement")
    search_fields = ("name", "insee", "postal_codes", "search_name")
    ordering = ("name",)


@admin.register(Epci)
class EpciAdmin(ReferenceDataAdmin):
    list_display = ("name", "siren")
    search_fields = ("name", "siren")


@admin.register(Arrondissement)
class ArrondissementAdmin(ReferenceDataAdmin):
    list_display = ("name", "code")
