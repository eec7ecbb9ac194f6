"""The pages that touch only the volunteer's profile: the profile form, the charter and the pause. The dashboard,
the proposal pages and the volunteer's data are portal's (portal/views/volunteer.py), under the same namespace."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import status_for
from volunteers.forms import PauseForm, ProfileForm
from volunteers.models import VolunteerProfile


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    instance = VolunteerProfile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil de bénévole est enregistré. Merci de votre engagement !"))
        return redirect("volunteers:dashboard")
    return render(request, "volunteers/profile.html", {"form": form, "profile": instance}, status=status_for(form))


def charter(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/charter.html")


@login_required
@require_POST
def pause(request: HttpRequest) -> HttpResponse:
    volunteer = get_object_or_404(VolunteerProfile, user=request.user)
    if "reprendre" in request.POST:
        volunteer.paused_until = None
        volunteer.save(update_fields=["paused_until"])
        messages.success(request, _("Vous êtes de nouveau disponible."))
        return redirect("volunteers:dashboard")
    form = PauseForm(request.POST)
    if form.is_valid():
        volunteer.paused_until = form.cleaned_data["paused_until"]
        volunteer.save(update_fields=["paused_until"])
        messages.success(
            request,
            _("Pause enregistrée : aucune proposition jusqu'au %(date)s inclus.")
            % {"date": volunteer.paused_until.strftime("%d/%m/%Y")},
        )
    else:
        messages.error(request, " ".join(form.errors["paused_until"]))
    return redirect("volunteers:dashboard")
