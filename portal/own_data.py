"""A volunteer's own data: the export of everything the portal holds about them, and the deletion of their
account. Both span the profile, the proposals (matching) and the mission applications (associations)."""

from django.db import transaction
from django.utils.translation import gettext as _

from associations.enums import ApplicationStatus
from associations.models import Application
from core.slots import slot_labels
from volunteers.models import VolunteerProfile
from volunteers.signals import volunteer_withdrawn
from volunteers.vetting import vetting_documents_delete


def _iso(value) -> str | None:
    return value.isoformat() if value else None


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
        "justificatifs": [],
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
            "annee_de_naissance": profile.birth_year,
            "facteur_de_risque_declare": profile.health_risk,
            "identite_verifiee_jusqu_au": _iso(profile.identity_checked_until),
            "justificatif_verifie_jusqu_au": _iso(profile.document_checked_until),
        }
        # What she sent and what became of it; the files themselves stay in the portal (she holds the originals).
        data["justificatifs"] = [
            {
                "document": document.get_kind_display(),
                "date_de_delivrance": _iso(document.issued_on),
                "etat": document.get_status_display(),
                "motif_du_refus": document.refusal_reason,
                "envoye_le": document.submitted_at.isoformat(),
                "verifie_le": _iso(document.reviewed_at),
                "valable_jusqu_au": _iso(document.valid_until),
                "fichier_conserve": bool(document.file),
            }
            for document in profile.vetting_documents.all()
        ]
        # The requests are the beneficiaries' data: only what the volunteer did is theirs.
        data["propositions"] = [
            {
                "reference": proposal.help_request.reference,
                "type_aide": str(proposal.help_request.help_type),
                "commune": proposal.help_request.commune.name,
                "statut": proposal.get_status_display(),
                "proposee_le": proposal.created_at.isoformat(),
                "compte_rendu": proposal.report,
                "avance": _advance(proposal),
            }
            for proposal in profile.proposals.select_related(
                "help_request__help_type", "help_request__commune", "advance"
            )
        ]
    return data


def _advance(proposal) -> dict | None:
    """The money she advanced for this help (requests_app.advances), without the receipt: a file, kept for staff."""
    advance = getattr(proposal, "advance", None)
    if advance is None:
        return None
    return {
        "montant": str(advance.amount),
        "etat": advance.get_status_display(),
        "declaree_le": advance.recorded_at.isoformat(),
        "motif_du_refus": advance.refusal_reason,
        "remboursee_le": advance.repaid_on.isoformat() if advance.repaid_on else None,
    }


@transaction.atomic
def volunteer_delete(*, user) -> None:
    """Deletes the account: live assignments go back to staff, applications and proposals stay anonymised."""
    profile = getattr(user, "volunteer_profile", None)
    if profile:
        volunteer_withdrawn.send(sender=VolunteerProfile, volunteer=profile, note=_("Compte du bénévole supprimé."))
        vetting_documents_delete(volunteer=profile)
    Application.objects.filter(volunteer=user, status=ApplicationStatus.PENDING).update(
        status=ApplicationStatus.WITHDRAWN
    )
    Application.objects.filter(volunteer=user).update(volunteer=None, message="")
    user.delete()
