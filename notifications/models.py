"""The outbox: one row per message to send, written in the transaction of the event that causes it."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.sms import DeliveryReport, send_sms
from notifications.enums import Channel, DeliveryStatus, Event, InboundKind


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DeliveryStatus.PENDING)

    def overdue(self, now=None):
        """Pending rows whose delivery should have happened a while ago: their task was lost (broker down
        when it was enqueued, worker killed) and the sweep enqueues them again."""
        now = now or timezone.now()
        return self.pending().filter(next_attempt_at__lte=now - timedelta(minutes=settings.NOTIFICATION_SWEEP_MINUTES))


class Notification(models.Model):
    event = models.CharField(_("événement"), max_length=30, choices=Event.choices)
    channel = models.CharField(_("canal"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("destinataire"), max_length=254)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    # Which request the message is about, if any: retention erases messages with the request's details.
    help_request = models.ForeignKey(
        "requests_app.HelpRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("demande"),
    )
    status = models.CharField(
        _("état"), max_length=9, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, editable=False
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0, editable=False)
    last_error = models.TextField(_("dernière erreur"), blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now, editable=False)
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True, editable=False)
    # The SMS provider's id for the message, by which its delivery report finds the row.
    provider_message_id = models.CharField(
        _("identifiant chez le fournisseur"), max_length=64, blank=True, editable=False
    )
    reported_at = models.DateTimeField(_("accusé de réception le"), null=True, blank=True, editable=False)
    # The SMS received this message answers (AIDE, STOP, OUI…, or staff's answer from the inbox): the only kind a
    # number that answered STOP still gets, since the person has just written to the portal.
    in_reply_to = models.ForeignKey(
        "InboundSms",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("en réponse à"),
        editable=False,
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            # The sweep reads only pending rows, a handful among the many sent ones.
            models.Index(
                fields=["next_attempt_at"], condition=Q(status=DeliveryStatus.PENDING), name="notification_pending"
            ),
            models.Index(fields=["event", "help_request"], name="notification_event_request"),
            models.Index(
                fields=["provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="notification_provider_id",
            ),
            models.Index(fields=["created_at"], name="notification_created"),  # the dashboard's period
            # The SMS guards (guards.py) count, before each SMS leaves, those sent to its number in the last hour and
            # day, and all those sent since midnight.
            models.Index(
                fields=["recipient", "sent_at"], condition=Q(channel=Channel.SMS), name="notification_sms_number"
            ),
            models.Index(fields=["sent_at"], condition=Q(channel=Channel.SMS), name="notification_sms_sent"),
        ]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient} ({self.get_channel_display()})"

    def send(self) -> str:
        """Hands the message to the channel's backend and returns the provider's id for it ("" for an email);
        raises whatever the backend raises."""
        if self.channel == Channel.SMS:
            return send_sms(to=self.recipient, body=self.body)
        message = EmailMultiAlternatives(self.subject, self.body, None, [self.recipient])
        html = render_to_string(
            "notifications/email.html",
            {
                "subject": self.subject,
                "body": self.body,
                "portal_name": settings.PORTAL_NAME,
                # The operator's brand (core/brand.py): its name under the portal's, its colour for the top rule.
                "operator_name": settings.OPERATOR_NAME,
                "brand_color": settings.BRAND_COLOR,
            },
        )
        message.attach_alternative(html, "text/html")
        message.send()
        return ""

    def record_report(self, report: DeliveryReport, now) -> bool:
        """The provider's last word on a sent message, taken once: a replay, or a report on a message already
        delivered or failed, changes nothing. Returns whether the row changed."""
        if self.status != DeliveryStatus.SENT:
            return False
        self.status = DeliveryStatus.DELIVERED if report.delivered else DeliveryStatus.FAILED
        self.last_error = "" if report.delivered else report.reason[:2000]
        self.reported_at = now
        self.save(update_fields=["status", "last_error", "reported_at"])
        return True


class InboundSmsQuerySet(models.QuerySet):
    def for_staff(self):
        """The staff inbox, "SMS reçus": what the portal could not act on by itself and no agent has dealt with."""
        return self.filter(needs_staff=True, handled_at__isnull=True)


class InboundSms(models.Model):
    """An SMS a person sent to the portal's number. Every one is kept, once per provider id (a provider that calls
    twice stores nothing twice), with what it was read as and what the portal did with it."""

    provider = models.CharField(_("fournisseur"), max_length=20, editable=False)
    provider_message_id = models.CharField(_("identifiant chez le fournisseur"), max_length=64, editable=False)
    sender = models.CharField(_("expéditeur"), max_length=20, db_index=True, editable=False)  # E.164
    body = models.TextField(_("message"), editable=False)
    received_at = models.DateTimeField(_("reçu le"), default=timezone.now, editable=False)
    kind = models.CharField(_("lu comme"), max_length=12, choices=InboundKind.choices, default=InboundKind.OTHER)
    code = models.CharField(_("code cité"), max_length=16, blank=True)
    help_request = models.ForeignKey(
        "requests_app.HelpRequest",
        on_delete=models.SET_NULL,  # a merged or erased request leaves the message in the record
        null=True,
        blank=True,
        related_name="inbound_sms",
        verbose_name=_("demande"),
    )
    proposal = models.ForeignKey(
        "matching.Proposal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_sms",
        verbose_name=_("proposition"),
    )
    outcome = models.CharField(_("suite donnée"), max_length=300, blank=True)
    needs_staff = models.BooleanField(_("à lire par un agent"), default=False)
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traité par"),
    )

    objects = InboundSmsQuerySet.as_manager()

    class Meta:
        verbose_name = _("SMS reçu")
        verbose_name_plural = _("SMS reçus")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_message_id"], name="inbound_sms_once"),
        ]
        indexes = [
            models.Index(
                fields=["received_at"],
                condition=Q(needs_staff=True, handled_at__isnull=True),
                name="inbound_sms_for_staff",
            ),
        ]

    def __str__(self):
        return f"{self.sender} : {self.body[:40]}"

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None

    def mark_handled(self, *, by, now=None) -> None:
        """An agent dealt with the message (answered it, called back, or found nothing to do): out of the inbox."""
        self.handled_at = now or timezone.now()
        self.handled_by = by
        self.save(update_fields=["handled_at", "handled_by"])


class SmsOptOut(models.Model):
    """A number that answered STOP: the outbox sends it nothing but the answers to its own texts, until it answers
    START (the row then goes; the SMS received keep the history)."""

    number = models.CharField(_("numéro"), max_length=20, unique=True)  # E.164
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now)
    inbound = models.ForeignKey(
        InboundSms, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("SMS reçu")
    )

    class Meta:
        verbose_name = _("numéro sans SMS (STOP)")
        verbose_name_plural = _("numéros sans SMS (STOP)")

    def __str__(self):
        return self.number
