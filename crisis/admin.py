"""Staff publish the crisis page and the health rules here. Nothing published is ever edited: "add" publishes the
next version, prefilled from the one in force, and past versions are read-only, so that the history stays true
and the version a volunteer accepted stays readable."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core import hotline
from core.admin import BaseAdmin
from crisis.enums import Section
from crisis.models import CrisisUpdate, HealthRules
from crisis.services import update_publish


class PublishedReadOnly:
    """Past versions open read-only; no deletion."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HealthRules)
class HealthRulesAdmin(PublishedReadOnly, BaseAdmin):
    list_display = ["version", "effective_on", "summary", "published_at", "published_by", "announced_at"]
    list_select_related = ["published_by"]
    fields = ["effective_on", "summary", "text"]
    readonly_fields = ["version", "published_at", "published_by", "announced_at"]

    def get_fields(self, request, obj=None):
        return [*self.readonly_fields, *self.fields] if obj else self.fields

    def get_changeform_initial_data(self, request):
        """The next version starts as a copy of the one in force: staff change what changes."""
        current = HealthRules.objects.current()
        initial = super().get_changeform_initial_data(request)
        if current:
            initial.update(text=current.text, summary=current.summary)
        return initial

    def save_model(self, request, obj, form, change):
        obj.published_by = request.user
        obj.save()
        self.message_user(
            request,
            _("Version %(version)s publiée. Les bénévoles qui ont une aide en cours vont en être informés.")
            % {"version": obj.version},
            messages.SUCCESS,
        )

    def response_add(self, request, obj, post_url_continue=None):
        # The default message ("ajouté avec succès, vous pouvez le modifier") would invite an edit that is refused.
        return self.response_post_save_add(request, obj)


class CrisisUpdateForm(forms.ModelForm):
    class Meta:
        model = CrisisUpdate
        fields = ["section", "change", "text", "hotline_phone", "hotline_hours", "urgent", "urgent_until"]
        help_texts = {
            "hotline_phone": _("Seulement pour « Qui appeler » : le numéro affiché sur tout le portail, dans les "
                               "SMS et les documents. Vide : le numéro par défaut."),
            "hotline_hours": _("Seulement pour « Qui appeler ». Vide : les horaires par défaut."),
        }  # fmt: skip


@admin.register(CrisisUpdate)
class CrisisUpdateAdmin(PublishedReadOnly, BaseAdmin):
    form = CrisisUpdateForm
    list_display = ["section", "change", "published_at", "published_by", "banner"]
    list_filter = ["section", "urgent"]
    list_select_related = ["published_by"]
    search_fields = ["change", "text"]
    readonly_fields = ["published_at", "published_by", "banner_cleared_at", "banner_cleared_by"]
    actions = ["clear_banner"]

    def get_fields(self, request, obj=None):
        fields = list(CrisisUpdateForm.Meta.fields)
        return [*fields, *self.readonly_fields] if obj else fields

    @admin.display(description=_("bandeau"))
    def banner(self, obj: CrisisUpdate) -> str:
        if not obj.urgent:
            return "—"
        if obj.banner_shown:
            return _("affiché")
        return _("retiré") if obj.banner_cleared_at else _("terminé")

    def get_changeform_initial_data(self, request):
        """A section's next version starts as a copy of its current one (the crisis page links here with
        ?section=), "Qui appeler" with the hotline's number and hours as the site shows them."""
        initial = super().get_changeform_initial_data(request)
        section = initial.get("section")
        if section not in Section.values:
            return initial
        current = CrisisUpdate.objects.filter(section=section).order_by("-published_at", "-pk").first()
        if current:
            initial["text"] = current.text
        if section == Section.WHO_TO_CALL:
            staff_set = hotline.staff_set()
            initial.update(hotline_phone=staff_set.phone, hotline_hours=staff_set.hours)
        return initial

    def save_model(self, request, obj, form, change):
        update_publish(update=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("Mise à jour publiée sur la page d'information."), messages.SUCCESS)
        return self.response_post_save_add(request, obj)

    @admin.action(description=_("Retirer le bandeau urgent"), permissions=["add"])
    def clear_banner(self, request, queryset):
        cleared = sum(update.clear_banner(by=request.user) for update in queryset.filter(urgent=True))
        self.message_user(request, _("Bandeaux retirés : %(count)s.") % {"count": cleared}, messages.SUCCESS)
