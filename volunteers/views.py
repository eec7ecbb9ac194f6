"""The pages that touch only the volunteer's profile: the profile form, the charter and the pause. The dashboard,
the proposal pages and the volunteer's data are portal's (portal/views/volunteer.py), under the same namespace."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import can_vet_volunteers
from core.forms import status_for
from volunteers.enums import DocumentStatus
from volunteers.forms import PauseForm, ProfileForm, VettingDocumentForm
from volunteers.models import VettingDocument, VolunteerProfile
from volunteers.vetting import (
    VettingError,
    vetting_document_open,
    vetting_document_submit,
    vetting_document_withdraw,
    vetting_overview,
    vetting_to_send,
)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    instance = VolunteerProfile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=instance, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Votre profil de bénévole est enregistré. Merci de votre engagement !"))
        if to_send := vetting_to_send(saved):
            # Said now, where she lands: the "Vérifications" section is at the foot of the profile.
            messages.info(
                request,
                format_html(
                    _("{help_types} : le département doit d'abord vérifier un document. {link}"),
                    help_types=", ".join(to_send),
                    link=format_html(
                        '<a class="alert-link" href="{}">{}</a>',
                        reverse("volunteers:vetting_upload"),
                        _("Envoyer le document"),
                    ),
                ),
            )
        return redirect("volunteers:dashboard")
    context = {"form": form, "profile": instance}
    if instance:
        context["vetting_groups"] = vetting_overview(instance)
        context["documents"] = instance.vetting_documents.exclude(status=DocumentStatus.WITHDRAWN)[:10]
    return render(request, "volunteers/profile.html", context, status=status_for(form))


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


@login_required
@require_http_methods(["GET", "POST"])
def vetting_upload(request: HttpRequest) -> HttpResponse:
    volunteer = VolunteerProfile.objects.filter(user=request.user).first()
    if volunteer is None:
        messages.info(request, _("Remplissez d'abord votre profil de bénévole."))
        return redirect("volunteers:profile")
    form = VettingDocumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=VettingDocument(volunteer=volunteer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            vetting_document_submit(volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Document reçu. Le département le vérifie et vous écrit dès que c'est fait."),
            )
            # To the top of the profile, where the message shows: on a phone the section's anchor would hide it.
            return redirect("volunteers:profile")
    context = {"form": form, "record_days": settings.VETTING_RECORD_VALID_DAYS}
    return render(request, "volunteers/vetting_upload.html", context, status=status_for(form))


@login_required
@require_POST
def vetting_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    document = get_object_or_404(VettingDocument, pk=pk, volunteer__user=request.user)
    try:
        vetting_document_withdraw(document=document)
    except VettingError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Document retiré : il ne compte plus, et son fichier sera supprimé."))
    return redirect(reverse("volunteers:profile") + "#verifications")


@login_required
def vetting_document_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The file, for staff who review documents only, each opening logged. Anyone else, the volunteer herself
    included, gets a 404: she holds the original, and a borrowed session must not take her identity papers away."""
    if not can_vet_volunteers(request.user):
        raise Http404
    document = get_object_or_404(VettingDocument.objects.exclude(file=""), pk=pk)
    return vetting_document_open(document=document, request=request)
