"""OVHcloud SMS through the `ovh` client: one job (POST /sms/{serviceName}/jobs) per message.

Delivery reports come to the SMS account's callback URL, set once on the account (README, "SMS providers"): OVHcloud
calls it with the report in its query string and signs nothing. So the URL carries a secret, OVH_SMS_REPORT_TOKEN,
compared in constant time. It is a path segment rather than a query parameter because OVHcloud adds its own query
string to the address it is given; the log redaction hides it like a tracking token (core/log_redaction.py).

SMS received are collected, not pushed: a beat task (notifications.tasks.collect_inbound_sms) reads the SMS account's
inbox, GET /sms/{serviceName}/incoming (the ids) and /incoming/{id} (each message), every SMS_INBOUND_POLL_SECONDS.
OVHcloud can also call a "CGI" address for each reply (the account's smsResponse), but documents neither the
parameters of that call nor any retry when the portal does not answer, and signs nothing: a reply sent while the
portal restarts would be lost. The inbox keeps every message until it is deleted, and reading it is a call signed by
the portal's own keys, so nothing forged can come in that way. Replies reach this inbox when people answer a message
sent from the short number (`senderForResponse`, within 48 hours: README, "SMS providers"); a sender name cannot be
answered, and a virtual mobile number's replies wait in its own inbox (/sms/{serviceName}/virtualNumbers/{number}/
incoming), not read here.

Each message is deleted from OVHcloud once the portal has stored it: the texts of the people it helps are then kept
by the portal alone, under its own retention rules, rather than for months in a second history; and the inbox stays
short, so each poll lists few ids. A message that could not be stored or read stays there for the next poll.
"""

import hmac
import logging
from datetime import datetime

import ovh
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ovh import exceptions as ovh_errors

from core.sms import (
    DeliveryReport,
    ForgedReport,
    Inbox,
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

logger = logging.getLogger(__name__)

# A report's `dlr`: 1 delivered; 2 refused by the network, 16 not delivered (expired, unknown number); 4 and 8 are
# steps on the way (waiting at the operator, handed to it), not an outcome.
DELIVERED = "1"
NOT_DELIVERED = {"2", "16"}

# The client's own checks of the portal's keys, and the API's refusals of them.
CREDENTIAL_ERRORS = (
    ovh_errors.InvalidConfiguration,
    ovh_errors.InvalidRegion,
    ovh_errors.InvalidKey,
    ovh_errors.InvalidCredential,
    ovh_errors.NotCredential,
    ovh_errors.NotGrantedCall,
)


class OvhBackend:
    REQUIRED_SETTINGS = (
        "OVH_ENDPOINT", "OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY", "OVH_SMS_SERVICE_NAME",
    )  # fmt: skip

    @classmethod
    def missing_settings(cls) -> list[str]:
        return [name for name in cls.REQUIRED_SETTINGS if not getattr(settings, name)]

    def send(self, message: SmsMessage) -> str:
        if missing := self.missing_settings():
            raise SmsConfigurationError(f"OVHcloud settings missing: {', '.join(missing)}")
        try:
            job = client().post(f"/sms/{settings.OVH_SMS_SERVICE_NAME}/jobs", **self.job(message))
        except ovh_errors.APIError as error:
            raise classified(error) from error
        if job.get("invalidReceivers"):
            raise SmsPermanentError("OVHcloud 200: the receiver is invalid (invalidReceivers)")
        # Accepted without an id is still accepted: sending it again would text the person twice.
        return str(job["ids"][0]) if job.get("ids") else ""

    @staticmethod
    def carries_links() -> bool:
        """OVHcloud blocks an SMS with a link sent from its short number (senderForResponse), which is also the only
        sender a person can answer: without a declared sender name, the portal's SMS carry no link."""
        return bool(settings.OVH_SMS_SENDER)

    @staticmethod
    def job(message: SmsMessage) -> dict:
        job = {
            "message": message.body,
            "receivers": [message.to],
            # Not advertising: without this, OVHcloud adds "STOP 36111" and holds messages sent at night or on a
            # Sunday until the next working morning, a proposal's two-hour deadline with them.
            "noStopClause": True,
            "priority": "high",
        }
        if settings.OVH_SMS_SENDER:
            job["sender"] = settings.OVH_SMS_SENDER
        else:
            job["senderForResponse"] = True  # from a short number that can be answered, as no name is declared
        return job

    @staticmethod
    def read_report(request, *, token: str) -> DeliveryReport | None:
        expected = settings.OVH_SMS_REPORT_TOKEN
        if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
            raise ForgedReport("OVHcloud delivery report without the right token")
        data = {**request.GET.dict(), **request.POST.dict()}
        message_id, dlr = data.get("id", ""), data.get("dlr", "")
        if not message_id or (dlr != DELIVERED and dlr not in NOT_DELIVERED):
            return None
        if dlr == DELIVERED:
            return DeliveryReport(message_id=message_id, delivered=True)
        reason = _("Non remis selon OVHcloud : %(description)s (dlr %(dlr)s, ptt %(ptt)s)") % {
            "description": data.get("description") or _("sans précision"),
            "dlr": dlr,
            "ptt": data.get("ptt", "?"),
        }
        return DeliveryReport(message_id=message_id, delivered=False, reason=reason)

    @classmethod
    def inbox(cls) -> "OvhInbox":
        return OvhInbox()


def client() -> ovh.Client:
    """A client with the portal's keys. A new one for each task costs one unsigned call (/auth/time, the clock the
    signature needs); one kept between tasks would outlive a change of settings. Raises the client's APIError."""
    return ovh.Client(
        endpoint=settings.OVH_ENDPOINT,
        application_key=settings.OVH_APPLICATION_KEY,
        application_secret=settings.OVH_APPLICATION_SECRET,
        consumer_key=settings.OVH_CONSUMER_KEY,
        timeout=settings.SMS_TIMEOUT_SECONDS,
    )


class OvhInbox(Inbox):
    """The SMS account's inbox, `sms.Incoming` resources: {id, sender, message, creationDatetime, credits, tag}."""

    provider = "ovh"

    def __init__(self):
        if missing := OvhBackend.missing_settings():
            raise SmsConfigurationError(f"OVHcloud settings missing: {', '.join(missing)}")
        self.path = f"/sms/{settings.OVH_SMS_SERVICE_NAME}/incoming"
        self._client = None

    def _call(self, method: str, path: str, *, gone_is_none: bool = False):
        try:
            self._client = self._client or client()
            return self._client.call(method, path)
        except ovh_errors.ResourceNotFoundError as error:
            if gone_is_none:
                return None
            raise classified(error) from error  # the SMS account itself not found
        except ovh_errors.APIError as error:
            raise classified(error) from error

    def waiting(self) -> list[str]:
        ids = self._call("GET", self.path)
        if not isinstance(ids, list) or not all(isinstance(message_id, int) for message_id in ids):
            raise SmsRetryableError(f"OVHcloud {self.path}: not a list of ids")  # not the API's answer
        return [str(message_id) for message_id in sorted(ids)]

    def fetch(self, message_id: str) -> ReceivedSms | None:
        # Gone since it was listed: deleted by staff in the control panel, or by a poll running alongside.
        incoming = self._call("GET", f"{self.path}/{message_id}", gone_is_none=True)
        if incoming is None:
            return None
        if not isinstance(incoming, dict):
            raise SmsRetryableError(f"OVHcloud {self.path}/{message_id}: not an incoming message")
        try:
            sender = e164(incoming.get("sender") or "")
        except ValueError as error:
            raise MalformedInbound(f"OVHcloud incoming {message_id} from {incoming.get('sender')!r}") from error
        return ReceivedSms(
            provider="ovh",
            message_id=message_id,
            sender=sender,
            body=incoming.get("message") or "",
            received_at=received_at(incoming.get("creationDatetime")),
        )

    def forget(self, message_id: str) -> None:
        self._call("DELETE", f"{self.path}/{message_id}", gone_is_none=True)  # already gone is what was asked


def received_at(text: str | None) -> datetime:
    """OVHcloud's creationDatetime ("2024-05-02T14:12:33+02:00"); one without an offset is the API's Paris time, and
    a missing or unreadable one is now: the message has come, whatever its stamp says."""
    try:
        moment = parse_datetime(text or "")
    except ValueError:  # well formed but impossible: "2024-13-45T…"
        moment = None
    if moment is None:
        return timezone.now()
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_default_timezone())


def classified(error: ovh_errors.APIError) -> SmsError:
    """The kind of an error of the OVHcloud client, for the outbox's retry."""
    status = getattr(error.response, "status_code", None)
    text = f"OVHcloud {status or type(error).__name__}: {error.args[0] if error.args else ''}".strip()
    if isinstance(error, ovh_errors.HTTPError | ovh_errors.NetworkError | ovh_errors.InvalidResponse):
        return SmsRetryableError(text)  # no answer, or not the API's (a proxy's error page)
    if isinstance(error, CREDENTIAL_ERRORS) or status in (401, 404):
        return SmsConfigurationError(text)  # 404: no SMS account by that name
    if status == 403:
        return SmsQuotaExhausted(text)  # out of credits, or the account blocked
    if status == 400:
        # The job is refused as written: its receiver, for good; or its sender, for every message.
        return SmsConfigurationError(text) if "sender" in text.lower() else SmsPermanentError(text)
    return SmsRetryableError(text)  # 429, 5xx
