from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentBasis(models.TextChoices):
    """Why the département may call someone on a register: without one of these, nobody is imported."""

    LEGAL_REGISTER = (
        "legal_register",
        _("Obligation légale : registre des personnes vulnérables (canicule)"),
    )
    CONSENT = "consent", _("Consentement de la personne")
    PUBLIC_INTEREST = "public_interest", _("Mission d'intérêt public")
    VITAL_INTEREST = "vital_interest", _("Sauvegarde des intérêts vitaux de la personne")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    RUNNING = "running", _("En cours")
    CLOSED = "closed", _("Close")


# A campaign moves forward only: a closed campaign starts its registers' retention clock.
CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.RUNNING, CampaignStatus.CLOSED}),
    CampaignStatus.RUNNING: frozenset({CampaignStatus.CLOSED}),
    CampaignStatus.CLOSED: frozenset(),
}


class CallOutcome(models.TextChoices):
    """What one call gave, as the caller ticks it on the sheet (on screen or on paper)."""

    WELL = "well", _("Jointe : va bien")
    NEEDS_HELP = "needs_help", _("Jointe : besoin d'aide")
    NO_ANSWER = "no_answer", _("Pas de réponse")
    VOICEMAIL = "voicemail", _("Message laissé")
    WRONG_NUMBER = "wrong_number", _("Mauvais numéro")
    REFUSED = "refused", _("Ne souhaite pas être appelée")


class EntryState(models.TextChoices):
    """Where a person stands in one campaign."""

    TO_CALL = "to_call", _("À appeler")
    WELL = "well", _("Jointe : va bien")
    NEEDS_HELP = "needs_help", _("Besoin d'aide : demande créée")
    UNREACHABLE = "unreachable", _("Injoignable : confiée aux agents")
    WRONG_NUMBER = "wrong_number", _("Mauvais numéro : confiée aux agents")
    REFUSED = "refused", _("Ne souhaite pas être appelée")


# The people staff must follow up otherwise (a home visit by the commune, another number): the "sans réponse" list.
STAFF_FOLLOW_UP_STATES = frozenset({EntryState.UNREACHABLE, EntryState.WRONG_NUMBER})
# Outcomes after which the person is not called again in this campaign, and the state each leads to. "Pas de
# réponse" and "message laissé" leave the person to call until CAMPAIGN_MAX_CALL_ATTEMPTS tries, then UNREACHABLE.
FINAL_OUTCOME_STATE = {
    CallOutcome.WELL: EntryState.WELL,
    CallOutcome.NEEDS_HELP: EntryState.NEEDS_HELP,
    CallOutcome.WRONG_NUMBER: EntryState.WRONG_NUMBER,
    CallOutcome.REFUSED: EntryState.REFUSED,
}
UNANSWERED_OUTCOMES = frozenset({CallOutcome.NO_ANSWER, CallOutcome.VOICEMAIL})


class RegisterAccessReason(models.TextChoices):
    STAFF = "staff", _("Registre consulté par un agent")
    IMPORT = "import", _("Fichier importé (aperçu et enregistrement)")
    CALLER = "caller", _("Fiche d'appel vue par l'appelant")
    PRINT = "print", _("Fiche d'appel imprimée")
    EXPORT = "export", _("Export de données personnelles")


# How the steering dashboard counts a campaign's people (pilotage/figures.py): reached on the phone (whatever she said,
# refusing included), reached and needing help, and unreachable by phone (the staff's follow-up list).
REACHED_STATES = frozenset({EntryState.WELL, EntryState.NEEDS_HELP, EntryState.REFUSED})
