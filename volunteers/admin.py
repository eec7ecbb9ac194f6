from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_vet_volunteers
from core.admin import BaseAdmin, RecordAdmin, SuspensionReasonForm, suspension_reason
from core.enums import Domain
from core.slots import slot_labels
from volunteers.enums import DocumentStatus
from volunteers.models import PROTECTED_AGE, Skill, VettingDocument, VettingDocumentAccess
from volunteers.services import volunteer_suspend
from volunteers.vetting import VettingError, vetting_document_approve, vetting_document_refuse


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
        super().save_model(request, obj, form, change)
        # Who lifted it and when are the model's to set, as for the list action.
        if allowed and not obj.protection_lifted:
            obj.lift_protection(by=request.user, reason=obj.protection_lift_reason)
        elif not allowed and obj.protection_lifted:
            obj.restore_protection()

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


class ApproveForm(forms.Form):
    name_checked = forms.BooleanField(
        label=_("J'ai comparé le nom et le prénom du document avec ceux du compte : ce sont les mêmes."),
        error_messages={"required": _("Comparez le nom du document avec celui du compte avant d'approuver.")},
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus, lu par le bénévole"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Par exemple : document illisible, nom différent de celui du compte, extrait trop ancien."),
        error_messages={"required": _("Indiquez le motif du refus : le bénévole le lira.")},
    )


@admin.register(VettingDocument)
class VettingDocumentAdmin(BaseAdmin):
    """Staff's review: documents waiting come first, oldest first; the change page opens the file (each opening
    logged) and approves or refuses it through volunteers/vetting.py, which keeps the volunteer's dates."""

    list_display = ("volunteer", "kind", "status", "issued_on", "submitted_at", "valid_until")
    list_filter = ("status", "kind", "submitted_at")
    list_select_related = ("volunteer__user",)
    search_fields = ("volunteer__user__email", "volunteer__user__last_name", "volunteer__user__first_name")
    fields = (
        "volunteer", "account_name", "kind", "issued_on", "file_link", "status", "submitted_at", "refusal_reason",
        "reviewed_by", "reviewed_at", "valid_until", "closed_at", "file_deleted_at", "decision_links",
    )  # fmt: skip
    readonly_fields = fields

    def get_ordering(self, request):
        return ("-waiting", "submitted_at")  # the annotation below: `ordering` may name fields only

    def get_queryset(self, request):
        waiting = Case(
            When(status=DocumentStatus.PENDING, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        # Annotated before ModelAdmin's ordering is applied, which names the annotation.
        queryset = self.model._default_manager.annotate(waiting=waiting)
        return queryset.select_related("volunteer__user", "reviewed_by").order_by(*self.get_ordering(request))

    def has_add_permission(self, request):
        return False  # the volunteer sends it from her profile

    def has_change_permission(self, request, obj=None):
        return False  # statuses move through the approve and refuse pages below

    def has_delete_permission(self, request, obj=None):
        return False  # the file goes with the retention, the row with the account

    @admin.display(description=_("nom du compte"))
    def account_name(self, obj):
        user = obj.volunteer.user
        return f"{user.first_name} {user.last_name} ({user.email})"

    @admin.display(description=_("fichier"))
    def file_link(self, obj):
        if not obj.file:
            return _("supprimé (durée de conservation passée)")
        return format_html(
            '<a class="button" href="{}" target="_blank" rel="noopener">{}</a> <span class="help">{}</span>',
            reverse("volunteers:vetting_document_file", args=[obj.pk]),
            _("Ouvrir le document"),
            _("(chaque ouverture est enregistrée)"),
        )

    @admin.display(description=_("décision"))
    def decision_links(self, obj):
        links = []
        if obj.may_move_to(DocumentStatus.APPROVED):
            links.append((reverse("admin:volunteers_vettingdocument_approve", args=[obj.pk]), _("Approuver")))
        if obj.may_move_to(DocumentStatus.REFUSED):
            label = _("Refuser") if obj.status == DocumentStatus.PENDING else _("Retirer l'approbation")
            links.append((reverse("admin:volunteers_vettingdocument_refuse", args=[obj.pk]), label))
        if not links:
            return "—"
        return format_html(" ".join('<a class="button" href="{}">{}</a>' for _link in links), *sum(links, ()))

    def get_urls(self):
        approve, refuse = self.admin_site.admin_view(self.approve_view), self.admin_site.admin_view(self.refuse_view)
        return [
            path("<int:pk>/approuver/", approve, name="volunteers_vettingdocument_approve"),
            path("<int:pk>/refuser/", refuse, name="volunteers_vettingdocument_refuse"),
            *super().get_urls(),
        ]

    def _decide(self, request, pk, form_class, title, act):
        if not can_vet_volunteers(request.user):
            raise PermissionDenied
        document = get_object_or_404(VettingDocument.objects.select_related("volunteer__user"), pk=pk)
        form = form_class(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                act(document, form.cleaned_data)
            except VettingError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(request, _("C'est fait : le bénévole est prévenu par courriel."), messages.SUCCESS)
            return redirect("admin:volunteers_vettingdocument_change", document.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "document": document,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/volunteers/vettingdocument/decide.html", context, status=400 if form.errors else 200
        )

    def approve_view(self, request, pk: int):
        def act(document, data):
            vetting_document_approve(document=document, by=request.user)

        return self._decide(request, pk, ApproveForm, _("Approuver le document"), act)

    def refuse_view(self, request, pk: int):
        def act(document, data):
            vetting_document_refuse(document=document, by=request.user, reason=data["reason"])

        return self._decide(request, pk, RefuseForm, _("Refuser le document"), act)


@admin.register(VettingDocumentAccess)
class VettingDocumentAccessAdmin(RecordAdmin):
    """Who opened which volunteer's document: nobody, superusers included, edits or deletes a line."""

    list_display = ("at", "user_email", "document", "volunteer", "path")
    search_fields = ("user_email", "volunteer__user__email")
    date_hierarchy = "at"
    list_select_related = ("document__volunteer__user", "volunteer__user")
    readonly_fields = ("at", "user", "user_email", "document", "volunteer", "path")
