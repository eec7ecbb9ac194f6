from django import forms
from django.contrib import admin, messages
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.admin import BaseAdmin, SuspensionReasonForm, suspension_reason
from core.enums import Domain
from core.slots import slot_labels
from volunteers.models import PROTECTED_AGE, Skill
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


class ProtectionForm(forms.ModelForm):
    """The staff override of the protective rule (70 or more, or a health risk: remote help only), on the profile's
    page: a box to tick and the reason, which `VolunteerProfileAdmin.save_model` records with who and when."""

    allow_in_person = forms.BooleanField(
        label=_("Autoriser l'aide sur place"),
        required=False,
        help_text=_(
            "Pour une personne de 70 ans ou plus ou ayant déclaré un facteur de risque, qui ne reçoit sinon que de "
            "l'aide à distance. Décochez pour rétablir la protection."
        ),
    )

    # No Meta: the admin builds it (model, fields) with this form as base.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "protection_lift_reason" in self.fields:
            self.fields["protection_lift_reason"].label = _("Motif de l'autorisation d'aide sur place")
        self.fields["allow_in_person"].initial = self.instance.protection_lifted_at is not None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("allow_in_person") and not (cleaned.get("protection_lift_reason") or "").strip():
            self.add_error(
                "protection_lift_reason",
                _("Indiquez pourquoi l'aide sur place est autorisée (demande de la personne, avis médical…)."),
            )
        return cleaned


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
    form = ProtectionForm
    readonly_fields = (
        "status", "status_reason", "domains_display", "availability_display", "charter_accepted_at", "created_at",
        "updated_at", "protection", "protection_lifted_at", "protection_lifted_by",
    )  # fmt: skip
    # The bit masks are edited by the volunteer on the profile page; staff read them in words.
    exclude = ("domains", "availability")

    @admin.display(description=_("domaines"))
    def domains_display(self, obj):
        return ", ".join(obj.domain_list) or "—"

    @admin.display(description=_("disponibilités"))
    def availability_display(self, obj):
        return ", ".join(slot_labels(obj.availability)) or _("aucune précisée")

    # Together in their own box, whatever else the page shows: the state, what it rests on, and the override.
    protection_fields = (
        "protection", "birth_year", "health_risk", "allow_in_person", "protection_lift_reason", "protection_lifted_at",
        "protection_lifted_by",
    )  # fmt: skip

    def get_fieldsets(self, request, obj=None):
        others = [name for name in self.get_fields(request, obj) if name not in self.protection_fields]
        return [
            (None, {"fields": others}),
            (_("Règle de protection : aide à distance seulement à 70 ans ou plus ou avec un facteur de risque"),
             {"fields": self.protection_fields}),
        ]  # fmt: skip

    @admin.display(description=_("règle de protection"))
    def protection(self, obj):
        """Where she stands with the protective rule, in words staff can act on."""
        if obj is None or obj.pk is None or not obj.is_protected():
            return _("Non concernée : aucune limite d'âge ni facteur de risque déclaré.")
        why = _("facteur de risque déclaré") if obj.health_risk else _("%(age)s ans ou plus") % {"age": PROTECTED_AGE}
        if obj.protection_lifted:
            return _("Protégée (%(why)s) ; aide sur place autorisée le %(when)s par %(who)s : %(reason)s") % {
                "why": why,
                "when": formats.date_format(obj.protection_lifted_at, "SHORT_DATE_FORMAT"),
                "who": obj.protection_lifted_by or "—",
                "reason": obj.protection_lift_reason,
            }
        return _("Protégée (%(why)s) : seule l'aide à distance lui est proposée.") % {"why": why}

    def save_model(self, request, obj, form, change):
        allowed = form.cleaned_data.get("allow_in_person")
        if allowed and obj.protection_lifted_at is None:
            obj.protection_lifted_at, obj.protection_lifted_by = timezone.now(), request.user
        elif not allowed:
            obj.protection_lifted_at, obj.protection_lifted_by, obj.protection_lift_reason = None, None, ""
        super().save_model(request, obj, form, change)

    action_form = SuspensionReasonForm
    actions = ["suspend", "reactivate", "restore_protection"]

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

    @admin.action(description=_("Rétablir la règle de protection (aide à distance seulement)"), permissions=["change"])
    def restore_protection(self, request, queryset):
        lifted = [profile for profile in queryset if profile.protection_lifted]
        for profile in lifted:
            profile.restore_protection()
        count = len(lifted)
        self.message_user(request, _("Protection rétablie pour %(count)s bénévole(s).") % {"count": count})

    @admin.action(description=_("Réactiver"), permissions=["change"])
    def reactivate(self, request, queryset):
        for profile in queryset:
            profile.reactivate()
        count = len(queryset)
        self.message_user(request, _("%(count)s bénévole(s) réactivé(s).") % {"count": count}, messages.SUCCESS)


@admin.register(Skill)
class SkillAdmin(BaseAdmin):
    search_fields = ("name",)
