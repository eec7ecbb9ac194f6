from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import BaseAdmin
from pairings.forms import PairingRequestForm, StaffEndForm, StaffPauseForm
from pairings.models import Pairing, PairingChange, PairingError, Visit
from pairings.services import pairing_end, pairing_pause, pairing_request


class VisitInline(admin.TabularInline):
    model = Visit
    fields = ("date", "volunteer", "outcome", "note", "recorded_at", "reminded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-date",)

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("volunteer__user")


class PairingChangeInline(admin.TabularInline):
    model = PairingChange
    fields = ("at", "action", "side", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


@admin.register(Pairing)
class PairingAdmin(BaseAdmin):
    """Staff follow regular helps here: they start one from a request ("Ajouter"), and pause or end one for the
    person helped, who calls the hotline. Every change goes through pairings.services."""

    list_display = ("help_request", "slot", "volunteer", "status", "paused_until", "start_date")
    list_filter = ("status", "weekday", "period")
    list_select_related = ("help_request", "volunteer__user")
    search_fields = ("=help_request__reference", "volunteer__user__email")
    readonly_fields = (
        "help_request", "volunteer", "proposal", "weekday", "period", "start_date", "status", "paused_until",
        "ended_at", "end_reason", "changed_by", "changed_for", "actions_links",
    )  # fmt: skip
    fields = readonly_fields
    inlines = [VisitInline, PairingChangeInline]

    def has_change_permission(self, request, obj=None):
        return False  # statuses move through the pause and end pages below, which apply the rules

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("créneau"))
    def slot(self, obj):
        return obj.slot_display

    @admin.display(description=_("agir pour la personne aidée"))
    def actions_links(self, obj):
        if not obj.is_open:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a>',
            reverse("admin:pairings_pairing_pause", args=[obj.pk]), _("Mettre en pause"),
            reverse("admin:pairings_pairing_end", args=[obj.pk]), _("Terminer"),
        )  # fmt: skip

    def get_urls(self):
        return [
            path("<int:pk>/pause/", self.admin_site.admin_view(self.pause_view), name="pairings_pairing_pause"),
            path("<int:pk>/fin/", self.admin_site.admin_view(self.end_view), name="pairings_pairing_end"),
            *super().get_urls(),
        ]

    def _form_page(self, request, form, title, pairing=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "pairing": pairing,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/pairings/pairing/action.html", context, status=400 if form.errors else 200
        )

    def _act(self, request, pk, form_class, title, act):
        if not self.has_view_permission(request) or not request.user.has_perm("pairings.change_pairing"):
            raise PermissionDenied
        pairing = get_object_or_404(Pairing.objects.select_related("help_request"), pk=pk)
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                act(pairing, form.cleaned_data)
            except PairingError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request, _("C'est fait : la personne et le bénévole sont prévenus."), messages.SUCCESS
                )
            return redirect("admin:pairings_pairing_change", pairing.pk)
        return self._form_page(request, form, title, pairing)

    def pause_view(self, request, pk: int):
        def act(pairing, data):
            pairing_pause(pairing=pairing, until=data["paused_until"], side=data["side"], by=request.user)

        return self._act(request, pk, StaffPauseForm, _("Mettre l'accompagnement en pause"), act)

    def end_view(self, request, pk: int):
        def act(pairing, data):
            pairing_end(pairing=pairing, reason=data["reason"], side=data["side"], by=request.user)

        return self._act(request, pk, StaffEndForm, _("Terminer l'accompagnement"), act)

    def add_view(self, request, form_url="", extra_context=None):
        """Not the generic form: a request becomes a regular help through the service, which asks the matching."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = PairingRequestForm(data, initial={"reference": request.GET.get("demande", "")[:20]})
        if data is not None and form.is_valid():
            requests = Pairing._meta.get_field("help_request").related_model.objects
            help_request = requests.filter(reference=form.cleaned_data["reference"].strip().upper()).first()
            if help_request is None:
                form.add_error("reference", _("Aucune demande n'a cette référence."))
            else:
                try:
                    pairing = pairing_request(
                        help_request=help_request, weekday=form.cleaned_data["weekday"],
                        period=form.cleaned_data["period"], by=request.user,
                    )  # fmt: skip
                except PairingError as refusal:
                    form.add_error(None, str(refusal))
                else:
                    self.message_user(
                        request,
                        _("Accompagnement régulier créé : il est proposé au bénévole qui convient le mieux."),
                        messages.SUCCESS,
                    )
                    return redirect("admin:pairings_pairing_change", pairing.pk)
        return self._form_page(request, form, _("Transformer une demande en accompagnement régulier"))


@admin.register(Visit)
class VisitAdmin(BaseAdmin):
    list_display = ("date", "pairing", "volunteer", "outcome", "recorded_at")
    list_filter = ("outcome",)
    list_select_related = ("pairing__help_request", "volunteer__user")
    search_fields = ("=pairing__help_request__reference",)
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
