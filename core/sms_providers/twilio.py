"""Twilio through the `twilio` client: one Message resource per SMS, from a number or a Messaging Service.

Delivery reports: each message names its status callback (TWILIO_STATUS_CALLBACK_URL), which Twilio signs with the
account's auth token (X-Twilio-Signature); a report whose signature the client's RequestValidator does not accept is
refused.

SMS received: Twilio pushes each one to the number's "A message comes in" webhook (<SITE_URL>/sms/recus/twilio/, set
on the number or its Messaging Service: README, "SMS providers"), signed the same way and checked the same way.
"""

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from core.sms import (
    DeliveryReport,
    ForgedReport,
    MalformedInbound,
    ReceivedSms,
    SmsConfigurationError,
    SmsError,
    SmsMessage,
    SmsPermanentError,
    SmsQuotaExhausted,
    SmsRetryableError,
    e164,
)

# Twilio's error codes (https://www.twilio.com/docs/api/errors) for a number that will never get this message.
PERMANENT_CODES = {
    21211,  # invalid 'To' number
    21214,  # 'To' cannot be reached
    21217,  # the number does not appear valid
    21610,  # the recipient answered STOP to this sender
    21612,  # no route to that number
    21614,  # 'To' is not a mobile number
    21635,  # a landline
}
# …for an account that cannot send anything until someone acts on it.
CONFIGURATION_CODES = {
    20003,  # authentication failed
    20404,  # no such account (a wrong account SID)
    21408,  # sending to that country is not enabled on the account
    21606,  # the 'From' number cannot send SMS, or is not the account's
    21659, 21660,  # the 'From' number is not the account's
    21703, 21704, 21705,  # the Messaging Service is missing, has no sender, or is invalid
}  # fmt: skip
QUOTA_CODES = {10001, 20005}  # the account suspended, its balance spent
RETRYABLE_CODES = {20429, 21611}  # too many requests; the sender's queue is full

# What a final report's ErrorCode means, for staff reading why a message did not arrive.
REPORT_REASONS = {
    "30003": gettext_lazy("téléphone éteint ou hors réseau"),
    "30004": gettext_lazy("message bloqué par le destinataire ou son opérateur"),
    "30005": gettext_lazy("numéro inconnu ou qui n'existe plus"),
    "30006": gettext_lazy("ligne fixe, ou numéro qui ne reçoit pas de SMS"),
    "30007": gettext_lazy("filtré par l'opérateur"),
    "30008": gettext_lazy("erreur inconnue chez l'opérateur"),
}
DELIVERED = "delivered"
NOT_DELIVERED = {"undelivered", "failed"}


class TwilioBackend:
    REQUIRED_SETTINGS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN")

    @classmethod
    def missing_settings(cls) -> list[str]:
        missing = [name for name in cls.REQUIRED_SETTINGS if not getattr(settings, name)]
        if not settings.TWILIO_FROM_NUMBER and not settings.TWILIO_MESSAGING_SERVICE_SID:
            missing.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
        return missing

    def http_client(self) -> HttpClient:
        return TwilioHttpClient(timeout=settings.SMS_TIMEOUT_SECONDS)

    def send(self, message: SmsMessage) -> str:
        if missing := self.missing_settings():
            raise SmsConfigurationError(f"Twilio settings missing: {', '.join(missing)}")
        client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=self.http_client())
        sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        callback_url = settings.TWILIO_STATUS_CALLBACK_URL
        callback = {"status_callback": callback_url} if callback_url else {}
        try:
            created = client.messages.create(to=message.to, body=message.body, **sender, **callback)
        except (TwilioRestException, TwilioServiceException) as error:
            raise classified(error) from error
        except requests.RequestException as error:
            raise SmsRetryableError(f"Twilio unreachable: {type(error).__name__}") from error
        return created.sid

    @staticmethod
    def read_report(request) -> DeliveryReport | None:
        check_signature(request, "status callback")
        message_id, status = request.POST.get("MessageSid", ""), request.POST.get("MessageStatus", "")
        if not message_id or (status != DELIVERED and status not in NOT_DELIVERED):
            return None  # queued, sent to the operator, …: a step, not an outcome
        if status == DELIVERED:
            return DeliveryReport(message_id=message_id, delivered=True)
        code = request.POST.get("ErrorCode", "")
        reason = _("Non remis selon Twilio : %(what)s (statut %(status)s, code %(code)s)") % {
            "what": REPORT_REASONS.get(code, _("sans précision")),
            "status": status,
            "code": code or "?",
        }
        return DeliveryReport(message_id=message_id, delivered=False, reason=reason)

    @staticmethod
    def read_inbound(request) -> ReceivedSms:
        """An SMS received, from the webhook's parameters (MessageSid, From, Body…: Twilio's messaging webhooks)."""
        check_signature(request, "incoming message")
        message_id, sender = request.POST.get("MessageSid", ""), request.POST.get("From", "")
        if not message_id or not sender:
            raise MalformedInbound("Twilio incoming message without MessageSid or From")
        try:
            sender = e164(sender)
        except ValueError as error:
            raise MalformedInbound(f"Twilio incoming message from {sender!r}, not a phone number") from error
        # Twilio says nothing of when the message reached it: it calls at once, so now is that moment.
        return ReceivedSms(
            provider="twilio",
            message_id=message_id,
            sender=sender,
            body=request.POST.get("Body", ""),
            received_at=timezone.now(),
        )


def check_signature(request, what: str) -> None:
    """Raises ForgedReport unless the client's RequestValidator accepts the request's X-Twilio-Signature: the auth
    token's HMAC of the address Twilio called and of its parameters."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    # The address Twilio called, as this request arrived (behind a TLS proxy, BEHIND_TLS_PROXY gives its https).
    if not token or not RequestValidator(token).validate(request.build_absolute_uri(), request.POST, signature):
        raise ForgedReport(f"Twilio {what} without a valid X-Twilio-Signature")


def classified(error: TwilioRestException | TwilioServiceException) -> SmsError:
    """The kind of an error of the Twilio client, for the outbox's retry."""
    status, code = error.status, error.code
    text = f"Twilio {status} (code {code}): {getattr(error, 'msg', '') or getattr(error, 'detail', '')}"
    if code in PERMANENT_CODES:
        return SmsPermanentError(text)
    if code in QUOTA_CODES:
        return SmsQuotaExhausted(text)
    if code in CONFIGURATION_CODES or status in (401, 403):
        return SmsConfigurationError(text)
    if code in RETRYABLE_CODES or status == 429 or status >= 500:
        return SmsRetryableError(text)
    return SmsPermanentError(text)  # any other 4xx: the same request would be refused the same way
