"""OVHcloud SMS through the `ovh` client: one job (POST /sms/{serviceName}/jobs) per message.

Delivery reports come to the SMS account's callback URL, set once on the account (README, "SMS providers"): OVHcloud
calls it with the report in its query string and signs nothing. So the URL carries a secret, OVH_SMS_REPORT_TOKEN,
compared in constant time. It is a path segment rather than a query parameter because OVHcloud adds its own query
string to the address it is given; the log redaction hides it like a tracking token (core/log_redaction.py).
"""

import hmac

import ovh
from django.conf import settings
from django.utils.translation import gettext as _
from ovh import exceptions as ovh_errors

from core.sms import (
    DeliveryReport,
    ForgedReport,
    SmsConfigurationError,
    SmsError,
    SmsMessage,
    SmsPermanentError,
    SmsQuotaExhausted,
    SmsRetryableError,
)

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
            # A new client each time costs one unsigned call (/auth/time, the clock the signature needs); a client
            # kept between messages would outlive a change of settings.
            client = ovh.Client(
                endpoint=settings.OVH_ENDPOINT,
                application_key=settings.OVH_APPLICATION_KEY,
                application_secret=settings.OVH_APPLICATION_SECRET,
                consumer_key=settings.OVH_CONSUMER_KEY,
                timeout=settings.SMS_TIMEOUT_SECONDS,
            )
            job = client.post(f"/sms/{settings.OVH_SMS_SERVICE_NAME}/jobs", **self.job(message))
        except ovh_errors.APIError as error:
            raise classified(error) from error
        if job.get("invalidReceivers"):
            raise SmsPermanentError("OVHcloud 200: the receiver is invalid (invalidReceivers)")
        # Accepted without an id is still accepted: sending it again would text the person twice.
        return str(job["ids"][0]) if job.get("ids") else ""

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
