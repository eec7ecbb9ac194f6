from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("Reçue")
    TRIAGED = "triaged", _("Étudiée par le département")
    PROPOSED = "proposed", _("Proposée à un bénévole")
    ASSIGNED = "assigned", _("Prise en charge par un bénévole")
    DONE = "done", _("Terminée")
    CANCELLED = "cancelled", _("Annulée")
    ROUTED = "routed", _("Confiée à une structure partenaire")
    NEEDS_STAFF = "needs_staff", _("En attente d'un agent")


CLOSED_STATUSES = frozenset({Status.DONE, Status.CANCELLED})

# The one place that says which status may follow which.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.TRIAGED, Status.PROPOSED, Status.ROUTED, Status.NEEDS_STAFF, Status.CANCELLED}),
    Status.TRIAGED: frozenset({Status.PROPOSED, Status.ROUTED, Status.NEEDS_STAFF, Status.CANCELLED}),
    # Declined or expired proposals go back to triage; the matching may give up and call staff.
    Status.PROPOSED: frozenset({Status.ASSIGNED, Status.TRIAGED, Status.NEEDS_STAFF, Status.ROUTED, Status.CANCELLED}),
    # A volunteer who hands a request back sends it to triage again; one worried about the person sends it
    # to staff for a follow-up rather than closing it.
    Status.ASSIGNED: frozenset({Status.DONE, Status.TRIAGED, Status.NEEDS_STAFF, Status.CANCELLED}),
    Status.ROUTED: frozenset({Status.DONE, Status.TRIAGED, Status.CANCELLED}),
    Status.NEEDS_STAFF: frozenset({Status.TRIAGED, Status.PROPOSED, Status.ROUTED, Status.CANCELLED}),
    # The person says by SMS that help did not arrive, or never answers the question (requests_app/arrival.py).
    Status.DONE: frozenset({Status.NEEDS_STAFF}),
    Status.CANCELLED: frozenset(),
}

# What the requester reads on the tracking page: the next step, in plain French.
NEXT_STEP = {
    Status.NEW: _("Un agent du département va étudier votre demande, en général dans la journée."),
    Status.TRIAGED: _("Nous cherchons la bonne personne pour vous aider près de chez vous."),
    Status.PROPOSED: _("Votre demande a été proposée à un bénévole ; nous attendons sa réponse."),
    Status.ASSIGNED: _("Un bénévole s'occupe de votre demande et va vous contacter."),
    Status.ROUTED: _("Une structure partenaire (commune, association, service d'aide) s'occupe de votre demande."),
    Status.NEEDS_STAFF: _("Un agent du département reprend votre demande et vous rappellera si besoin."),
    Status.DONE: _("Votre demande est terminée. Vous pouvez en faire une nouvelle à tout moment."),
    Status.CANCELLED: _("Votre demande est annulée. Vous pouvez en faire une nouvelle à tout moment."),
}


# The same, as the organisation that filed the request for one of its residents reads it (requests_app/partners.py):
# what happens next, and whether it has anything to do.
NEXT_STEP_FOR_PARTNER = {
    Status.NEW: _("Un agent du département va l'étudier, en général dans la journée."),
    Status.TRIAGED: _("Le département cherche la bonne personne pour aider près de chez elle."),
    Status.PROPOSED: _("Elle a été proposée à un bénévole, qui doit répondre."),
    Status.ASSIGNED: _("Un bénévole s'en occupe et va contacter la personne."),
    Status.ROUTED: _("Une structure partenaire s'en occupe et va contacter la personne."),
    Status.NEEDS_STAFF: _("Un agent du département la reprend pour trouver une autre solution."),
    Status.DONE: _("Rien à faire. Si la personne a encore besoin d'aide, déposez une nouvelle demande."),
    Status.CANCELLED: _("Rien à faire. Si la personne a encore besoin d'aide, déposez une nouvelle demande."),
}


class Source(models.TextChoices):
    WEB = "web", _("Formulaire en ligne")
    PHONE = "phone", _("Téléphone")
    PARTNER = "partner", _("Partenaire")
    # "Besoin d'aide" said on a check-in campaign's call (campaigns/): the campaign entry links back to it.
    CAMPAIGN = "campaign", _("Campagne d'appels")


class Urgency(models.IntegerChoices):
    """Lower is more urgent, so that the triage queue orders by it directly."""

    URGENT = 1, _("Urgent : aujourd'hui ou demain")
    NORMAL = 2, _("Dans la semaine")
    FLEXIBLE = 3, _("Pas pressé")


# How long a request may wait before someone takes it in charge (a volunteer accepts it or a partner receives it),
# from what the form promises: "aujourd'hui ou demain", "dans la semaine". Past it, the steering dashboard flags it.
TAKE_IN_CHARGE_WITHIN = {
    Urgency.URGENT: timedelta(days=1),
    Urgency.NORMAL: timedelta(days=7),
    Urgency.FLEXIBLE: timedelta(days=14),
}
# Statuses in which the request is in someone's hands; its first move into one of them is when it was taken in charge.
TAKEN_IN_CHARGE_STATUSES = frozenset({Status.ASSIGNED, Status.ROUTED})
# Open requests nobody has taken yet, neither a volunteer (assigned) nor an organisation (routed): the ones a
# deadline applies to, and the urgent ones staff are alerted about.
WAITING_STATUSES = frozenset({Status.NEW, Status.TRIAGED, Status.PROPOSED, Status.NEEDS_STAFF})


class DuplicateReason(models.TextChoices):
    """Why a new request was flagged as a possible duplicate of an open one (requests_app.services)."""

    CONTACT = "contact", _("même téléphone ou courriel")
    SIMILAR = "similar", _("nom et adresse proches")


class RequesterRelation(models.TextChoices):
    SELF = "self", _("Pour moi-même")
    RELATIVE = "relative", _("Pour un proche")
    NEIGHBOUR = "neighbour", _("Pour un voisin ou une connaissance")
    PROFESSIONAL = "professional", _("En tant que professionnel (travailleur social, soignant…)")


class CarerStatus(models.TextChoices):
    """Who may ask for exceptional childcare during the crisis (README, "Vetted volunteers")."""

    CARER = "carer", _("Je suis soignant·e ou personnel indispensable à la gestion de la crise")
    CHILD_WELFARE = "welfare", _("Structure de protection de l'enfance")


class ContactChannel(models.TextChoices):
    SMS = "sms", _("Par SMS")
    EMAIL = "email", _("Par message électronique")
    PHONE = "phone", _("Par un appel téléphonique")


class AccessReason(models.TextChoices):
    """Why someone other than the requester saw a beneficiary's personal data (or, for exports, a volunteer's or an
    organisation's)."""

    STAFF_DETAIL = "staff_detail", _("Fiche consultée par un agent")
    VOLUNTEER_ASSIGNED = "volunteer", _("Coordonnées vues par le bénévole chargé de la demande")
    ASSOCIATION_ROUTED = "association", _("Coordonnées vues par la structure qui a la demande")
    HOTLINE_LOOKUP = "hotline", _("Recherche par téléphone à l'accueil téléphonique")
    EXPORT = "export", _("Export de données personnelles")
    SEARCH = "search", _("Recherche ou liste filtrée dans l'administration")
    # The member or volunteer an organisation passed the request to (OrganisationAssignment), while it is theirs.
    ORGANISATION_ASSIGNED = (
        "org_assigned",
        _("Coordonnées vues par la personne que la structure a chargée de la demande"),
    )
    HANDOFF = "handoff", _("Coordonnées vues par un relais hors portail, par son lien")
    PARTNER_FILED = "filed", _("Coordonnées vues par la structure qui a déposé la demande")
    RECEIPT = "receipt", _("Ticket de caisse d'une avance consulté")


class CallbackOrigin(models.TextChoices):
    """Who asked that the person be called back."""

    CITIZEN = "citizen", _("La personne, en ligne")
    AGENT = "agent", _("Un agent")


class CallbackState(models.TextChoices):
    OPEN = "open", _("À faire")
    REACHED = "reached", _("Fait : personne jointe")
    UNREACHABLE = "unreachable", _("Abandonné : confié à un agent")
    CANCELLED = "cancelled", _("Sans objet : demande close")


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", _("Rappelé·e")
    NO_ANSWER = "no_answer", _("Pas de réponse")
    VOICEMAIL = "voicemail", _("Messagerie")
    WRONG_NUMBER = "wrong_number", _("Faux numéro")


# Attempts that did not reach the person: they count towards CALLBACK_MAX_ATTEMPTS. A wrong number ends the
# callbacks at once: calling it again reaches nobody, so staff must find another way to the person.
FAILED_OUTCOMES = frozenset({CallbackOutcome.NO_ANSWER, CallbackOutcome.VOICEMAIL, CallbackOutcome.WRONG_NUMBER})


class AssignmentEnd(models.TextChoices):
    """Why a request an organisation passed to one of its people is no longer theirs (OrganisationAssignment)."""

    REASSIGNED = "reassigned", _("Confiée à quelqu'un d'autre")
    WITHDRAWN = "withdrawn", _("Reprise par la structure")
    UNABLE = "unable", _("Ne peut pas s'en occuper")
    DONE = "done", _("Demande terminée")
    # Handed back to the département, cancelled: the organisation no longer holds the request.
    LEFT_ORGANISATION = "left", _("La structure n'a plus la demande")


class HandOffState(models.TextChoices):
    """A request handed to a responder outside the portal (requests_app/handoffs.py): sent and waiting for the first
    answer, taken, then done or impossible; or ended from the portal's side (an agent took it back, the request was
    cancelled)."""

    SENT = "sent", _("Envoyée, sans réponse")
    TAKEN = "taken", _("Prise en charge")
    DONE = "done", _("Faite")
    DECLINED = "declined", _("Impossible pour eux")
    ENDED = "ended", _("Reprise ou close par le département")


# Hand-offs the responder may still answer: one at most per request (a partial unique index).
HANDOFF_OPEN_STATES = frozenset({HandOffState.SENT, HandOffState.TAKEN})


class HandOffStage(models.TextChoices):
    """What a hand-off's link answers: the first link takes the request or declines it; taking it sends a second
    link, which shows the person's contact details and says it is done, or impossible after all."""

    ANSWER = "answer", _("Première réponse")
    FINAL = "final", _("Réponse finale")


class HandOffAnswer(models.TextChoices):
    """The buttons of the responder's page, as its form posts them."""

    TAKE = "prise_en_charge", _("Je prends en charge")
    DECLINE = "impossible", _("Impossible pour nous")
    DONE = "fait", _("C'est fait")


# Which answers each link gives: one answer per link.
HANDOFF_ANSWERS = {
    HandOffStage.ANSWER: (HandOffAnswer.TAKE, HandOffAnswer.DECLINE),
    HandOffStage.FINAL: (HandOffAnswer.DONE, HandOffAnswer.DECLINE),
}


class AdvanceStatus(models.TextChoices):
    """Where a shopping advance stands (requests_app/advances.py moves it)."""

    AWAITING = "awaiting", _("En attente de la confirmation de la personne")
    CONFIRMED = "confirmed", _("Confirmée par la personne")
    DISPUTED = "disputed", _("Contestée par la personne")
    APPROVED = "approved", _("Remboursement accepté")
    REFUSED = "refused", _("Remboursement refusé")
    REPAID = "repaid", _("Remboursée")


# The one place that says which state may follow which. An agent who calls the person back may settle a dispute
# (confirmed) or record one after a confirmation; a refusal ends it; only an approved advance is repaid.
ADVANCE_TRANSITIONS: dict[str, frozenset[str]] = {
    AdvanceStatus.AWAITING: frozenset({AdvanceStatus.CONFIRMED, AdvanceStatus.DISPUTED, AdvanceStatus.REFUSED}),
    AdvanceStatus.CONFIRMED: frozenset({AdvanceStatus.DISPUTED, AdvanceStatus.APPROVED, AdvanceStatus.REFUSED}),
    AdvanceStatus.DISPUTED: frozenset({AdvanceStatus.CONFIRMED, AdvanceStatus.REFUSED}),
    AdvanceStatus.APPROVED: frozenset({AdvanceStatus.REPAID}),
    AdvanceStatus.REFUSED: frozenset(),
    AdvanceStatus.REPAID: frozenset(),
}


class AnswerChannel(models.TextChoices):
    """How the person helped answered whether the advance is right."""

    SMS = "sms", _("Par SMS")
    PHONE = "phone", _("Au téléphone, avec un agent")
