"""An organisation's own space: registration, dashboard, members, missions, applications, news."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import is_staff
from associations.enums import ApplicationStatus, AssociationStatus
from associations.forms import AssociationForm, InvitationForm, MissionForm, NewsItemForm
from associations.models import Application, Invitation, Membership, Mission, NewsItem
from associations.permissions import get_application_or_404, get_membership_or_404, get_mission_or_404
from associations.services import (
    AssociationError,
    application_decide,
    association_register,
    invitation_accept,
    invitation_create,
    member_remove,
    mission_close,
    mission_duplicate,
    mission_publish,
)
from core.forms import status_for


@login_required
def my_associations(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("association")
    if len(memberships) == 1:
        return redirect("associations:space", pk=memberships[0].association_id)
    return render(request, "associations/my_associations.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = AssociationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        association = association_register(
            association=form.build(),
            created_by=request.user,
            epcis=form.cleaned_data["epcis_covered"],
            communes=form.cleaned_data["communes_text"],
        )
        messages.success(
            request,
            _("%(name)s est enregistrée. Le département va vérifier les informations avant de la valider.")
            % {"name": association.name},
        )
        return redirect("associations:space", pk=association.pk)
    return render(request, "associations/register.html", {"form": form}, status=status_for(form))


@login_required
def space(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    association = membership.association
    missions = list(
        Mission.objects.filter(association=association)
        .select_related("commune")
        .with_accepted_count()
        .order_by("-created_at")
    )
    pending_applications = Application.objects.filter(
        mission__association=association, status=ApplicationStatus.PENDING
    ).count()
    # A suspended organisation keeps no one's details, even while the hand-back is under way.
    routed = (
        list(association.routed_requests.held().select_related("help_type", "commune"))
        if association.is_validated
        else []
    )
    return render(
        request,
        "associations/space.html",
        {
            "membership": membership,
            "association": association,
            "missions": missions,
            "pending_applications": pending_applications,
            "routed": routed,
            "news_form": NewsItemForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    association = membership.association
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        membership = get_membership_or_404(request.user, pk, admin=True)
        if form.is_valid():
            try:
                invitation_create(
                    association=association,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except AssociationError as refusal:
                form.add_error("email", str(refusal))
            else:
                messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": form.cleaned_data["email"]})
                return redirect("associations:members", pk=pk)
    return render(
        request,
        "associations/members.html",
        {
            "membership": membership,
            "association": association,
            "memberships": association.memberships.select_related("user").order_by("user__email"),
            "invitations": Invitation.objects.usable().filter(association=association),
            "form": form,
        },
        status=status_for(form),
    )


@login_required
@require_POST
def member_remove_view(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    get_membership_or_404(request.user, pk, admin=True)
    target = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk, association=pk)
    try:
        member_remove(membership=target)
    except AssociationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(email)s ne fait plus partie de la structure.") % {"email": target.user.email})
    return redirect("associations:members", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("association"), token=token)
    if request.method == "POST":
        try:
            membership = invitation_accept(invitation=invitation, user=request.user)
        except AssociationError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Bienvenue dans %(name)s.") % {"name": membership.association})
            return redirect("associations:space", pk=membership.association_id)
    return render(request, "associations/invitation.html", {"invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def mission_edit(request: HttpRequest, pk: int, mission_pk: int | None = None) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    mission = get_mission_or_404(membership, mission_pk) if mission_pk else Mission(association=membership.association)
    form = MissionForm(request.POST if request.method == "POST" else None, instance=mission)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Mission enregistrée."))
        return redirect("associations:space", pk=pk)
    return render(
        request,
        "associations/mission_form.html",
        {"form": form, "mission": mission, "association": membership.association},
        status=status_for(form),
    )


MISSION_ACTIONS = {
    "publier": (mission_publish, _("Mission publiée : elle est visible de tous.")),
    "clore": (mission_close, _("Mission close : elle n'apparaît plus dans la liste publique.")),
    "dupliquer": (mission_duplicate, _("Copie créée en brouillon : modifiez-la puis publiez-la.")),
}


@login_required
@require_POST
def mission_action(request: HttpRequest, pk: int, mission_pk: int, action: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    mission = get_mission_or_404(membership, mission_pk)
    if action not in MISSION_ACTIONS:
        return redirect("associations:space", pk=pk)
    service, done_message = MISSION_ACTIONS[action]
    try:
        service(mission=mission)
    except AssociationError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done_message)
    return redirect("associations:space", pk=pk)


@login_required
def applications(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    listed = (
        Application.objects.filter(mission__association=membership.association)
        .select_related("mission", "volunteer")
        .order_by(Case(When(status=ApplicationStatus.PENDING, then=0), default=1), "-created_at")
    )
    return render(
        request,
        "associations/applications.html",
        {
            "membership": membership,  # the space's menu shows admins their own links
            "association": membership.association,
            "applications": listed,
            "statuses": ApplicationStatus,
        },
    )


@login_required
@require_POST
def application_decision(request: HttpRequest, pk: int, application_pk: int, decision: str) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    application = get_application_or_404(membership, application_pk)
    try:
        application_decide(application=application, accept=(decision == "accepter"), by=request.user)
    except AssociationError as refusal:
        messages.error(request, str(refusal))
    else:
        who = application.volunteer.email if application.volunteer else _("un compte supprimé")
        messages.success(request, _("Réponse enregistrée pour %(email)s.") % {"email": who})
    return redirect("associations:applications", pk=pk)


@login_required
@require_POST
def news_create(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_or_404(request.user, pk)
    if not membership.association.is_validated:
        messages.error(request, _("Votre structure doit être validée pour publier des actualités."))
        return redirect("associations:space", pk=pk)
    form = NewsItemForm(request.POST)
    if form.is_valid():
        news = form.save(commit=False)
        news.association, news.author = membership.association, request.user
        news.save()
        messages.success(request, _("Actualité publiée pour les autres structures."))
        return redirect("associations:news")
    return render(
        request, "associations/news_form.html", {"form": form, "association": membership.association}, status=400
    )


@login_required
def news(request: HttpRequest) -> HttpResponse:
    """Shared between organisations (and staff): members of a validated organisation read every item."""
    validated_member = Membership.objects.filter(user=request.user, association__status=AssociationStatus.VALIDATED)
    if not (is_staff(request.user) or validated_member.exists()):
        messages.info(request, _("Les actualités sont réservées aux membres des structures validées."))
        return redirect("associations:directory")
    items = NewsItem.objects.visible().select_related("association")
    domain = request.GET.get("domaine", "")
    if domain in dict(NewsItem._meta.get_field("domain").choices):
        items = items.filter(domain=domain)
    return render(request, "associations/news.html", {"items": items[:50], "domain": domain})
