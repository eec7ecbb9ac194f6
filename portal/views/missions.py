"""Applying to a mission: the organisation's rules (associations.services.application_create) after the volunteer's
(portal.missions): vetting, minimum age and the protective rule of the mission's help type. entraide/urls.py mounts
this page in the `missions` namespace (`missions:apply`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.forms import ApplicationForm
from associations.models import Mission
from associations.services import AssociationError, application_create
from portal.missions import application_refusals


@login_required
@require_POST
def mission_apply(request: HttpRequest, pk: int) -> HttpResponse:
    mission = get_object_or_404(Mission.objects.published().select_related("association", "help_type"), pk=pk)
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return render(request, "associations/mission_detail.html", {"mission": mission, "form": form}, status=400)
    if refusals := application_refusals(mission=mission, user=request.user):
        messages.error(
            request,
            format_html(
                '{} {} <a href="{}">{}</a>',
                _("Vous ne pouvez pas encore candidater à cette mission."),
                format_html_join(" ", "{}", ((reason,) for reason in refusals)),
                reverse("volunteers:profile") + "#verifications",
                _("Voir les vérifications de mon profil"),
            ),
        )
        return redirect("missions:detail", pk=mission.pk)
    try:
        application_create(mission=mission, volunteer=request.user, message=form.cleaned_data["message"])
    except AssociationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Votre candidature est envoyée : la structure vous répondra par courriel."))
    return redirect("missions:detail", pk=mission.pk)
