from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    """Pending, then sent (handed to the mail server or the SMS provider) or failed; an SMS whose provider reports
    on it then becomes delivered, or failed with the reason."""

    PENDING = "pending", _("À envoyer")
    SENT = "sent", _("Envoyée")
    DELIVERED = "delivered", _("Remise")
    FAILED = "failed", _("Échec")
    # Never sent, by rule: the number answered STOP (the outbox holds back all but the answers to its own texts).
    WITHHELD = "withheld", _("Retenue (STOP)")


# What counts as reaching the person: for an SMS, the operator's delivery report; for an email, the mail server
# taking it, the only receipt email gives.
REACHED = {Channel.EMAIL: {DeliveryStatus.SENT, DeliveryStatus.DELIVERED}, Channel.SMS: {DeliveryStatus.DELIVERED}}


class Event(models.TextChoices):
    """What caused a message; each has its templates under templates/notifications/<event>/."""

    REQUEST_RECEIVED = "request_received", _("Demande reçue")
    REQUEST_TAKEN = "request_taken", _("Demande prise en charge")
    REQUEST_DONE = "request_done", _("Demande terminée")
    PROPOSAL_MADE = "proposal_made", _("Proposition à un bénévole")
    REQUEST_ROUTED = "request_routed", _("Demande confiée à une structure")
    APPLICATION_NEW = "application_new", _("Nouvelle candidature")
    APPLICATION_DECIDED = "application_decided", _("Réponse à une candidature")
    ASSOCIATION_VALIDATED = "association_validated", _("Structure validée")
    INVITATION = "invitation", _("Invitation dans une structure")
    CONCERN_REPORTED = "concern_reported", _("Inquiétude signalée")
    NEEDS_STAFF = "needs_staff", _("Demande sans bénévole")
    URGENT_UNASSIGNED = "urgent_unassigned", _("Demande urgente non attribuée")
    DAILY_DIGEST = "daily_digest", _("Résumé quotidien")
    CALLBACK_OVERDUE = "callback_overdue", _("Rappel en retard")
    CALLBACK_UNREACHABLE = "callback_unreachable", _("Personne injoignable au rappel")
    SMS_PAUSED = "sms_paused", _("Envoi des SMS suspendu")
    # Issue 18: SMS both ways.
    SMS_ANSWER = "sms_answer", _("Réponse automatique à un SMS reçu")
    STAFF_SMS = "staff_sms", _("SMS d'un agent")
    PROPOSAL_CONFIRMED = "proposal_confirmed", _("Demande confiée au bénévole (par SMS)")
    HELP_ARRIVED_ASKED = "help_arrived_asked", _("L'aide est-elle arrivée ?")
    HELP_NOT_ARRIVED = "help_not_arrived", _("Aide non arrivée")
    SMS_RECEIVED = "sms_received", _("SMS reçu à lire")
    SMS_BUDGET = "sms_budget", _("Budget SMS du jour")
    # Issue 19: recurring pairings (pairings/notices.py).
    VISIT_MISSED = "visit_missed", _("Visite régulière non confirmée")
    VISIT_CONCERN = "visit_concern", _("Inquiétude lors d'une visite régulière")
    PAIRING_ALERT = "pairing_alert", _("Accompagnement régulier à reprendre")
    PAIRING_PAUSED = "pairing_paused", _("Accompagnement régulier en pause")
    PAIRING_ENDED = "pairing_ended", _("Fin d'un accompagnement régulier")
    PAIRING_CALL = "pairing_call", _("Personne à appeler (accompagnement régulier)")
    # Issue 20: organisations pass routed requests to their own people (requests_app/notices.py).
    ORGANISATION_ASSIGNED = "organisation_assigned", _("Demande confiée par une structure à l'un des siens")
    ORGANISATION_UNASSIGNED = "organisation_unassigned", _("Demande qui n'est plus confiée à la personne")
    ORGANISATION_UNABLE = "organisation_unable", _("La personne ne peut pas s'occuper de la demande")
    ORGANISATION_DONE = "organisation_done", _("Demande terminée par la personne à qui elle était confiée")
    # Issue 20: hand-offs to responders outside the portal (requests_app/handoffs.py).
    HANDOFF_SENT = "handoff_sent", _("Demande confiée hors portail")
    HANDOFF_FOLLOW_UP = "handoff_follow_up", _("Lien de suivi d'une demande prise hors portail")
    HANDOFF_ENDED = "handoff_ended", _("Demande hors portail plus à faire")
    HANDOFF_UNANSWERED = "handoff_unanswered", _("Relais hors portail sans réponse")
    HANDOFF_DECLINED = "handoff_declined", _("Relais hors portail impossible")
    # Issue 20: requests filed by a partner organisation for a resident (requests_app/notices.py).
    PARTNER_REQUEST_TAKEN = "partner_request_taken", _("Demande déposée par la structure : prise en charge")
    PARTNER_REQUEST_DONE = "partner_request_done", _("Demande déposée par la structure : terminée")
    # Issue 21: volunteers' checked documents (volunteers/vetting.py).
    VETTING_DECIDED = "vetting_decided", _("Justificatif de bénévole vérifié ou refusé")
    VETTING_EXPIRY = "vetting_expiry", _("Justificatif de bénévole bientôt expiré ou expiré")
    # Issue 21: a new version of the health rules, told to volunteers with live assignments (matching/notices.py).
    HEALTH_RULES_CHANGED = "health_rules_changed", _("Nouvelles consignes sanitaires")


class InboundKind(models.TextChoices):
    """What an SMS received says, once read (requests_app/sms_replies.py): what the portal did with it follows."""

    ACCEPT = "accept", _("Accepte une proposition")
    DECLINE = "decline", _("Refuse une proposition")
    ARRIVED = "arrived", _("L'aide est arrivée")
    NOT_ARRIVED = "not_arrived", _("L'aide n'est pas arrivée")
    STOP = "stop", _("STOP")
    START = "start", _("Reprise des SMS")
    HELP = "help", _("Demande d'aide (AIDE)")
    OTHER = "other", _("Message à lire")
