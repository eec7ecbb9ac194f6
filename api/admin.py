from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.enums import Scope
from api.models import ApiCall, ApiToken
from core.admin import BaseAdmin, RecordAdmin


class ApiTokenAddForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Permissions"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["organisation", "name", "scopes"]

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if not organisation.is_validated:
            raise ValidationError(_("Seule une structure validée peut recevoir un jeton."))
        return organisation


@admin.register(ApiToken)
class ApiTokenAdmin(BaseAdmin):
    """Staff create a token for an organisation (its secret shown once, on the page that follows), list them and
    revoke them. The digest is never shown nor editable; a token is revoked, never deleted, so the call log keeps
    what it points to."""

    list_display = ("name", "organisation", "prefix_display", "scopes_display", "created_at", "last_used_at",
                    "revoked_at")  # fmt: skip
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "organisation__kind")
    search_fields = ("name", "organisation__name", "=prefix")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    date_hierarchy = "created_at"
    actions = ["revoke"]
    readonly_fields = ("organisation", "prefix_display", "scopes_display", "created_by", "created_at",
                       "last_used_at", "revoked_at", "revoked_by")  # fmt: skip
    fields = ("organisation", "name", "prefix_display", "scopes_display", "created_by", "created_at",
              "last_used_at", "revoked_at", "revoked_by")  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["organisation", "name", "scopes"] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("début du jeton"), ordering="prefix")
    def prefix_display(self, token):
        return f"{token.prefix}…"

    @admin.display(description=_("permissions"))
    def scopes_display(self, token):
        return ", ".join(token.scopes)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.scopes = [scope for scope in Scope.values if scope in form.cleaned_data["scopes"]]
            obj.shown_once = obj.set_new_secret()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The secret, on the page that answers the form and nowhere else (no message: messages go through the
        session)."""
        return TemplateResponse(
            request,
            "admin/api/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Jeton créé"),
                "token": obj,
                "secret": obj.shown_once,
            },
        )

    @admin.action(description=_("Révoquer les jetons choisis"), permissions=["change"])
    def revoke(self, request, queryset):
        live = list(queryset.filter(revoked_at__isnull=True))
        for token in live:
            token.revoke(by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d jeton révoqué.", "%(count)d jetons révoqués.", len(live)) % {"count": len(live)},
            messages.SUCCESS,
        )


class ResponseKindFilter(admin.SimpleListFilter):
    """By kind of answer, with fixed choices: the admin's own filter on `status` would read every distinct value
    of the whole log on each page."""

    title = _("réponse")
    parameter_name = "reponse"
    REFUSALS = [401, 403, 429]
    KINDS = {
        "reussie": (_("réussie (2xx)"), Q(status__lt=300)),
        "refusee": (_("refusée (401, 403, 429)"), Q(status__in=REFUSALS)),
        "erreur-client": (
            _("autre erreur du logiciel appelant (4xx)"),
            Q(status__gte=400, status__lt=500) & ~Q(status__in=REFUSALS),
        ),
        "erreur-serveur": (_("erreur du portail (5xx)"), Q(status__gte=500)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _condition) in self.KINDS.items()]

    def queryset(self, request, queryset):
        if self.value() in self.KINDS:
            return queryset.filter(self.KINDS[self.value()][1])
        return queryset


@admin.register(ApiCall)
class ApiCallAdmin(RecordAdmin):
    """Every call made with a token, refusals included: read, never changed."""

    list_display = ("at", "organisation", "token", "method", "path", "status")
    list_filter = (ResponseKindFilter,)
    search_fields = ("organisation__name", "token__name", "=token__prefix", "path")
    date_hierarchy = "at"
    list_select_related = ("organisation", "token")
    readonly_fields = ("at", "organisation", "token", "method", "path", "status")
