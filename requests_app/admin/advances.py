"""Shopping advances in the admin: their read-only list (the work on them is done on their own pages,
requests_app/views/advances.py, which the list links to), and the line on a request's page that names its advance."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.admin import BaseAdmin
from requests_app.advances import euros
from requests_app.models import Advance, HelpRequest


def advances_of(help_request: HelpRequest):
    """For the request's page: each advance with its state, linked to the page where staff act on it."""
    advances = Advance.objects.filter(proposal__help_request=help_request).order_by("recorded_at")
    if not advances:
        return _("Aucune")
    return format_html_join(
        mark_safe("<br>"),
        '<a href="{}">{} — {}</a>',
        (
            (reverse("requests:advance", args=[advance.pk]), euros(advance.amount), advance.get_status_display())
            for advance in advances
        ),
    )


@admin.register(Advance)
class AdvanceAdmin(BaseAdmin):
    """Read here; moved only on its page, through requests_app/advances.py."""

    list_display = ("recorded_at", "reference", "volunteer", "amount", "status", "answered_at", "repaid_on", "page")
    list_filter = ("status", "answer_channel")
    list_select_related = ("proposal__help_request", "proposal__volunteer__user")
    search_fields = ("=proposal__help_request__reference",)
    date_hierarchy = "recorded_at"
    fields = (
        "proposal", "amount", "status", "recorded_at", "answered_at", "answer_channel", "answered_by", "decided_at",
        "decided_by", "refusal_reason", "repaid_on", "repaid_recorded_by",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # recorded by the volunteer on the form that finishes the help

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the accounts need it; the receipt goes with the request's anonymisation

    @admin.display(description=_("demande"), ordering="proposal__help_request__reference")
    def reference(self, obj):
        return obj.proposal.help_request.reference

    @admin.display(description=_("bénévole"))
    def volunteer(self, obj):
        return obj.proposal.volunteer or "—"

    @admin.display(description=_("page"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("requests:advance", args=[obj.pk]), _("Traiter"))
