"""Callbacks in the admin: the "Rappels" list (the calls owed, by due time: the late ones first, with how late), each
request's callbacks on its page, and the one-step form that records a try from either.

The try's inputs sit in the list's or the inline's row but belong, through their `form` attribute, to a small form
drawn after the admin's own (`admin/requests_app/callback/attempt_forms.html`): forms cannot nest, and recording a
call must not save, or lose, what else is typed on the request's page.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import can_see_contact_details, can_take_calls
from core.admin import BaseAdmin, ReadOnlyInline
from requests_app.callbacks import CallbackClosed, callback_attempt_record, callback_schedule
from requests_app.enums import CallbackOrigin, CallbackOutcome, CallbackState
from requests_app.forms import CallbackScheduleForm
from requests_app.models import Callback, CallbackAttempt, HelpRequest, callback_when
from requests_app.privacy import SearchAccessLogged
from requests_app.references import normalise_reference

ADMIN_CSS = {"all": ["css/admin-callbacks.css"]}


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(choices=CallbackOutcome.choices)
    note = forms.CharField(max_length=500, required=False)


def attempt_form_id(callback: Callback) -> str:
    return f"tentative-{callback.pk}"


def attempt_controls(callback: Callback):
    """The outcome, an optional note and the button, tied to the callback's own form."""
    if not callback.is_open:
        return "—"
    form_id = attempt_form_id(callback)
    options = format_html_join("", '<option value="{}">{}</option>', CallbackOutcome.choices)
    return format_html(
        '<span class="entraide-attempt">'
        '<select name="outcome" form="{form}" required aria-label="{outcome_label}">'
        '<option value="">{choose}</option>{options}</select> '
        '<input type="text" name="note" form="{form}" maxlength="500" aria-label="{note_label}" placeholder="{note}"> '
        '<button type="submit" form="{form}" class="button">{record}</button></span>',
        form=form_id,
        outcome_label=_("Résultat de l'appel (rappel n° %(pk)s)") % {"pk": callback.pk},
        choose=_("Résultat…"),
        options=options,
        note_label=_("Note sur l'appel, facultative (rappel n° %(pk)s)") % {"pk": callback.pk},
        note=_("note"),
        record=_("Noter"),
    )


def due_display(callback: Callback, now=None):
    """The due time, and how late it is or how soon it comes, in words an agent reads at a glance."""
    now = now or timezone.now()
    when = timezone.localtime(callback.due_at)
    # Today's calls by their time alone: most of the list.
    text = f"{when:%H:%M}" if when.date() == timezone.localtime(now).date() else f"{when:%d/%m %H:%M}"
    if not callback.is_open:
        return text
    if abs(callback.due_at - now) < timedelta(minutes=1):
        return format_html("{}<br><strong>{}</strong>", text, _("maintenant"))
    if late := callback.overdue_by(now):
        return format_html(
            '{}<br><strong class="entraide-late">{}</strong>', text, _("en retard de %(d)s") % {"d": duration(late)}
        )
    return format_html("{}<br><span>{}</span>", text, _("dans %(d)s") % {"d": duration(callback.due_at - now)})


def asked_display(callback: Callback) -> str:
    """Who asked for the call and when it suits the person: "en ligne, le soir", "par Claire Agent"."""
    if callback.origin == CallbackOrigin.CITIZEN:
        return _("en ligne, %(when)s") % {"when": callback_when(callback.preferred_slots)}
    return _("par %(agent)s") % {"agent": callback.created_by} if callback.created_by else _("par un agent")


def duration(delta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s h %(m)02d") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)s j %(h)s h") % {"d": days, "h": hours} if hours else _("%(d)s j") % {"d": days}


class CallbackStateFilter(admin.SimpleListFilter):
    """The list shows the calls still to make unless staff ask for the others: the made ones are history."""

    title = gettext_lazy("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [("a-faire", _("À faire")), *CallbackState.choices[1:], ("tous", _("Tous"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "a-faire") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "tous":
            return queryset
        if self.value() in CallbackState.values:
            return queryset.filter(state=self.value())
        return queryset.open()


@admin.register(Callback)
class CallbackAdmin(SearchAccessLogged, BaseAdmin):
    """The "Rappels" list. It shows whom to call and their number, so every look at it is in the access log (one
    line per request on the page), and only staff who may see contact details open it."""

    log_unfiltered_list = True

    list_display = ("due", "request_link", "person", "asked", "attempts", "record_attempt")
    list_display_links = None
    list_filter = (CallbackStateFilter, "origin")
    list_select_related = ("help_request", "created_by")
    search_fields = ("=help_request__reference",)
    search_help_text = gettext_lazy("Référence de la demande, ou téléphone de la personne (06 12 34 56 78).")
    ordering = ("due_at", "pk")
    actions = None

    class Media:
        css = ADMIN_CSS

    def has_view_permission(self, request, obj=None):
        return can_see_contact_details(request.user)

    def has_add_permission(self, request):
        return False  # scheduled from the public form, the console, or the request's page

    def has_change_permission(self, request, obj=None):
        return False  # a callback changes by the tries recorded on it (attempt_view)

    def has_delete_permission(self, request, obj=None):
        return False

    def requests_shown(self, objects):
        return [callback.help_request for callback in objects]

    def get_queryset(self, request):
        last_outcome = CallbackAttempt.objects.filter(callback=OuterRef("pk")).order_by("-at", "-pk").values("outcome")
        return super().get_queryset(request).with_attempt_count().annotate(last_outcome=Subquery(last_outcome[:1]))

    def get_search_results(self, request, queryset, search_term):
        """As staff type them, like the queue: 06 12 34 56 78 (whoever calls back the hotline), e54 7k3q 9pxd."""
        from requests_app.admin.triage import parse_phone  # triage imports this module, for its inline

        term = search_term.strip()
        if phone := parse_phone(term):
            return queryset.filter(help_request__in=HelpRequest.objects.from_contact(phone=phone.as_e164)), False
        if term:
            return queryset.filter(help_request__reference=normalise_reference(term)), False
        return queryset, False

    def get_urls(self):
        return [
            path(
                "<int:pk>/tentative/",
                self.admin_site.admin_view(self.attempt_view),
                name="requests_app_callback_attempt",
            ),
            path(
                "demande/<int:help_request_pk>/planifier/",
                self.admin_site.admin_view(self.schedule_view),
                name="requests_app_callback_schedule",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"title": _("Rappels à faire, les plus en retard d'abord"), **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("à rappeler"), ordering="due_at")
    def due(self, obj):
        return due_display(obj)

    @admin.display(description=gettext_lazy("demande"))
    def request_link(self, obj):
        help_request = obj.help_request
        return format_html(
            '<a href="{}">{}</a><br><span class="entraide-muted">{}</span>',
            reverse("admin:requests_app_helprequest_change", args=[help_request.pk]),
            help_request.reference,
            help_request.get_status_display(),
        )

    @admin.display(description=gettext_lazy("à appeler"))
    def person(self, obj):
        help_request = obj.help_request
        phone = help_request.requester_phone
        if not phone:
            return help_request.requester_name
        return format_html(
            '{}<br><a href="tel:{}" class="entraide-phone">{}</a>',
            help_request.requester_name,
            phone.as_e164,
            phone.as_national,
        )

    @admin.display(description=gettext_lazy("demandé"))
    def asked(self, obj):
        return asked_display(obj)

    @admin.display(description=gettext_lazy("essais"), ordering="attempt_count")
    def attempts(self, obj):
        if not obj.attempt_count:
            return "0"
        return format_html("{}<br>{}", obj.attempt_count, CallbackOutcome(obj.last_outcome).label.lower())

    @admin.display(description=gettext_lazy("noter un essai"))
    def record_attempt(self, obj):
        return attempt_controls(obj)

    def attempt_view(self, request: HttpRequest, pk: int):
        """One try, recorded in one step from the list or the request's page; back where the agent was."""
        if request.method != "POST" or not can_take_calls(request.user):
            raise PermissionDenied
        callback = get_object_or_404(Callback.objects.select_related("help_request"), pk=pk)
        form = AttemptForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Choisissez le résultat de l'appel."), messages.ERROR)
        else:
            try:
                callback_attempt_record(
                    callback=callback,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except CallbackClosed as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                callback.refresh_from_db()
                self.message_user(request, attempt_message(callback), messages.SUCCESS)
        return HttpResponseRedirect(safe_next(request) or reverse("admin:requests_app_callback_changelist"))

    def schedule_view(self, request: HttpRequest, help_request_pk: int):
        """A call promised from the request's page: at the time given, or now. One already owed is moved."""
        if request.method != "POST" or not can_take_calls(request.user):
            raise PermissionDenied
        help_request = get_object_or_404(HelpRequest, pk=help_request_pk)
        page = reverse("admin:requests_app_helprequest_change", args=[help_request.pk])
        form = CallbackScheduleForm(request.POST)
        if help_request.is_closed:
            self.message_user(request, _("La demande est close : personne n'est à rappeler."), messages.ERROR)
        elif not form.is_valid():
            self.message_user(request, " ".join(form.errors["due_at"]), messages.ERROR)
        else:
            callback = callback_schedule(help_request=help_request, plan=form.plan(), by=request.user)
            when = timezone.localtime(callback.due_at)
            self.message_user(
                request,
                _("Rappel prévu le %(date)s à %(time)s.") % {"date": f"{when:%d/%m}", "time": f"{when:%H:%M}"},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(page)


def attempt_message(callback: Callback) -> str:
    """What the try led to, said to the agent who recorded it."""
    reference = callback.help_request.reference
    if callback.state == CallbackState.REACHED:
        return _("%(ref)s : personne jointe, rappel terminé.") % {"ref": reference}
    if callback.state == CallbackState.UNREACHABLE:
        return _("%(ref)s : personne injoignable, la demande est confiée à un agent (alerte envoyée).") % {
            "ref": reference
        }
    when = timezone.localtime(callback.due_at)
    return _("%(ref)s : tentative notée ; prochain essai le %(date)s à %(time)s.") % {
        "ref": reference,
        "date": when.strftime("%d/%m"),
        "time": when.strftime("%H:%M"),
    }


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return target if allowed and target.startswith("/admin/") else ""


class CallbackInline(ReadOnlyInline):
    """A request's callbacks, with what each try gave and, for the open one, the form that records the next."""

    model = Callback
    fields = ("due", "asked", "state", "tries", "record_attempt")
    template = "admin/requests_app/callback/inline.html"  # the table, then "call the person back"
    verbose_name_plural = gettext_lazy("rappels")

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request):
        tries = Prefetch("attempts", queryset=CallbackAttempt.objects.select_related("by"))
        return super().get_queryset(request).select_related("created_by").prefetch_related(tries)

    @admin.display(description=gettext_lazy("à rappeler"))
    def due(self, obj):
        return due_display(obj)

    @admin.display(description=gettext_lazy("demandé"))
    def asked(self, obj):
        return asked_display(obj)

    @admin.display(description=gettext_lazy("tentatives"))
    def tries(self, obj):
        return (
            format_html_join(
                "",
                '<span class="entraide-try">{} — {}{}{}</span>',
                (
                    (
                        timezone.localtime(attempt.at).strftime("%d/%m %H:%M"),
                        attempt.get_outcome_display(),
                        f", {attempt.by}" if attempt.by else "",
                        f" : « {attempt.note} »" if attempt.note else "",
                    )
                    for attempt in obj.attempts.all()
                ),
            )
            or "—"
        )

    @admin.display(description=gettext_lazy("noter une tentative"))
    def record_attempt(self, obj):
        return attempt_controls(obj)
