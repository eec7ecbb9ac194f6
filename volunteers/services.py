"""Proposals and assignments, the volunteer's data and account: work that spans several rows."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from associations.enums import ApplicationStatus
from associations.models import Application
from core.slots import slot_labels
from notifications import events
from requests_app import notices as request_notices
from requests_app.enums import Status
from requests_app.models import HelpRequest, RequestNote
from volunteers.enums import LIVE_PROPOSAL_STATUSES, ProposalStatus
from volunteers.models import Proposal, VolunteerProfile


class ProposalError(Exception):
    """The proposal cannot move that way; the message says why, in French."""


def response_deadline(help_request: HelpRequest):
    return timezone.now() + timedelta(hours=settings.PROPOSAL_RESPONSE_HOURS[help_request.urgency])


@transaction.atomic
def proposal_create(*, help_request: HelpRequest, volunteer: VolunteerProfile, by=None, score=0, explanation=""):
    """Offers the request to one volunteer. Both rows are locked, the volunteer's first then the request's by its
    transition (the order the answering services take too): no second live proposal for the request, and no
    proposal beyond the volunteer's capacity, even when staff and the matching act at once."""
    volunteer = (
        VolunteerProfile.objects.ready()
        .select_for_update(of=("self",))
        .select_related("user")  # for the email sent on commit
        .filter(pk=volunteer.pk)
        .first()
    )
    if volunteer is None:
        raise ProposalError(_("Ce bénévole n'est pas disponible (profil incomplet, en pause ou suspendu)."))
    # The services move live_count with the proposals, under this same row lock: it is the count of live ones.
    if volunteer.live_count >= volunteer.capacity:
        raise ProposalError(_("Ce bénévole suit déjà autant de demandes que sa capacité le permet."))
    if help_request.proposals.filter(volunteer=volunteer).exists():
        raise ProposalError(_("Cette demande a déjà été proposée à ce bénévole."))
    # The history names the volunteer by number only: it outlives the volunteer's account.
    help_request.transition(Status.PROPOSED, by=by, note=_("Proposée au bénévole n° %(pk)s") % {"pk": volunteer.pk})
    try:
        proposal = Proposal.objects.create(
            help_request=help_request,
            volunteer=volunteer,
            proposed_by=by,
            score=score,
            explanation=explanation,
            respond_by=response_deadline(help_request),
        )
    except IntegrityError:
        # No savepoint needed: the error leaves this atomic block at once, which rolls the whole offer back.
        raise ProposalError(_("Cette demande est déjà proposée à un autre bénévole.")) from None
    _volunteer_counters(volunteer.pk, live_count=1)
    events.proposal_made(proposal)
    return proposal


@transaction.atomic
def volunteer_suspend(*, volunteer: VolunteerProfile, reason: str) -> None:
    """A suspended volunteer keeps no one's contact details: live proposals go back to staff at once."""
    for proposal in volunteer.proposals.filter(status__in=LIVE_PROPOSAL_STATUSES):
        proposal_hand_back(proposal=proposal, note=_("Bénévole suspendu par le département."))
    volunteer.suspend(reason)


def _volunteer_counters(volunteer_id, **changes) -> None:
    """Keeps the counters matching reads (live_count, completed_count, last_assigned_at) in step with proposals."""
    if volunteer_id is None:
        return
    updates = {name: F(name) + delta if isinstance(delta, int) else delta for name, delta in changes.items()}
    VolunteerProfile.objects.filter(pk=volunteer_id).update(**updates)


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("help_request").get(pk=proposal.pk)


@transaction.atomic
def proposal_accept(*, proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ProposalError(_("Cette proposition n'attend plus de réponse."))
    if proposal.respond_by < timezone.now():
        raise ProposalError(_("Le délai de réponse est passé : la demande a été proposée à quelqu'un d'autre."))
    proposal.status, proposal.responded_at = ProposalStatus.ACCEPTED, timezone.now()
    proposal.save(update_fields=["status", "responded_at"])
    _volunteer_counters(proposal.volunteer_id, last_assigned_at=proposal.responded_at)
    proposal.help_request.transition(Status.ASSIGNED, by=proposal.volunteer.user)
    request_notices.request_taken(proposal.help_request)
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: Proposal, reason: str = "") -> Proposal:
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ProposalError(_("Cette proposition n'attend plus de réponse."))
    proposal.status, proposal.responded_at, proposal.decline_reason = ProposalStatus.DECLINED, timezone.now(), reason
    proposal.save(update_fields=["status", "responded_at", "decline_reason"])
    _volunteer_counters(proposal.volunteer_id, live_count=-1)
    proposal.help_request.transition(
        Status.TRIAGED, by=proposal.volunteer.user, note=_("Déclinée par le bénévole. %(r)s") % {"r": reason}
    )
    return proposal


@transaction.atomic
def proposal_complete(*, proposal: Proposal, report: str, concern: bool) -> Proposal:
    proposal = _locked(proposal)
    if proposal.status != ProposalStatus.ACCEPTED:
        raise ProposalError(_("Seule une demande que vous suivez peut être terminée."))
    proposal.status, proposal.completed_at = ProposalStatus.DONE, timezone.now()
    proposal.report, proposal.concern = report, concern
    proposal.save(update_fields=["status", "completed_at", "report", "concern"])
    _volunteer_counters(proposal.volunteer_id, live_count=-1, completed_count=1)
    help_request = proposal.help_request
    # A concern keeps the request open, in staff's hands, until someone has checked on the person.
    help_request.transition(Status.NEEDS_STAFF if concern else Status.DONE, by=proposal.volunteer.user, note=report)
    if concern:
        RequestNote.objects.create(
            help_request=help_request,
            author=proposal.volunteer.user,
            text=_("INQUIÉTUDE signalée par le bénévole : %(report)s") % {"report": report},
        )
        events.concern_reported(proposal)
    else:
        request_notices.request_done(help_request)
    return proposal


@transaction.atomic
def proposal_hand_back(*, proposal: Proposal, note: str = "", by=None) -> Proposal:
    """The volunteer can no longer help, or the account goes: the request returns to staff's queue."""
    proposal = _locked(proposal)
    if proposal.status not in LIVE_PROPOSAL_STATUSES:
        raise ProposalError(_("Cette demande ne vous est plus confiée."))
    proposal.status = ProposalStatus.CANCELLED
    proposal.save(update_fields=["status"])
    _volunteer_counters(proposal.volunteer_id, live_count=-1)
    proposal.help_request.transition(
        Status.TRIAGED, by=by, note=_("Rendue par le bénévole. %(note)s") % {"note": note}
    )
    return proposal


def volunteer_export(user) -> dict:
    """Everything the portal holds about this person as a volunteer, and nothing about anyone else."""
    profile = getattr(user, "volunteer_profile", None)
    data = {
        "compte": {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "inscrit_le": user.date_joined.isoformat(),
        },
        "profil": None,
        "propositions": [],
        "candidatures": [
            {
                "mission": application.mission.title,
                "structure": application.mission.association.name,
                "statut": application.get_status_display(),
                "message": application.message,
                "le": application.created_at.isoformat(),
            }
            for application in Application.objects.filter(volunteer=user).select_related("mission__association")
        ],
    }
    if profile:
        data["profil"] = {
            "telephone": str(profile.phone or ""),
            "commune": str(profile.home_commune),
            "rayon": profile.get_reach_display(),
            "domaines": profile.domain_list,
            "disponibilites": slot_labels(profile.availability),
            "competences": list(profile.skills.values_list("name", flat=True)),
            "autres_competences": profile.other_skills,
            "vehicule": profile.has_vehicle,
            "capacite": profile.capacity,
            "attestations": {
                "majeur": profile.is_adult,
                "sans_symptome": profile.no_symptoms,
                "charte_acceptee_le": profile.charter_accepted_at.isoformat() if profile.charter_accepted_at else None,
            },
            "en_pause_jusqu_au": profile.paused_until.isoformat() if profile.paused_until else None,
        }
        # The requests are the beneficiaries' data: only what the volunteer did is theirs.
        data["propositions"] = [
            {
                "reference": proposal.help_request.reference,
                "type_aide": str(proposal.help_request.help_type),
                "commune": proposal.help_request.commune.name,
                "statut": proposal.get_status_display(),
                "proposee_le": proposal.created_at.isoformat(),
                "compte_rendu": proposal.report,
            }
            for proposal in profile.proposals.select_related("help_request__help_type", "help_request__commune")
        ]
    return data


@transaction.atomic
def volunteer_delete(*, user) -> None:
    """Deletes the account: live assignments go back to staff, applications and proposals stay anonymised."""
    profile = getattr(user, "volunteer_profile", None)
    if profile:
        for proposal in profile.proposals.filter(status__in=LIVE_PROPOSAL_STATUSES):
            proposal_hand_back(proposal=proposal, note=_("Compte du bénévole supprimé."))
    Application.objects.filter(volunteer=user, status=ApplicationStatus.PENDING).update(
        status=ApplicationStatus.WITHDRAWN
    )
    Application.objects.filter(volunteer=user).update(volunteer=None, message="")
    user.delete()
