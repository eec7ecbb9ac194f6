"""Sending of text messages through a backend named by the SMS_BACKEND setting, the providers' delivery reports, and
the SMS people send to the portal.

Callers use send_sms() only. A backend is a class with a `send(message)` method returning the provider's id for the
message ("" when there is none), named in BACKENDS or given to SMS_BACKEND by its dotted path: no caller changes. The
providers' adapters (core/sms_providers/) turn every error of their client into one of the exceptions below, which
the outbox's retry reads (notifications/delivery.py), read their provider's delivery reports, and read the SMS it
received: pushed to a webhook (read_inbound) or, for a provider that does not push them, waiting in an inbox the
portal polls (inbox).
"""

import sys
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from pathlib import Path

import phonenumbers
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


# --- What can go wrong, as the outbox's retry reads it -------------------------------------------------------------


class SmsError(Exception):
    """A provider did not take a message. Adapters raise one of the kinds below, never their client's own errors."""


class SmsRetryableError(SmsError):
    """Worth trying again later: the network, the provider's own failure (5xx), its rate limit."""


class SmsPermanentError(SmsError):
    """This message will never go, however often it is tried: an invalid number, a landline, a blocked recipient."""


class SmsTooLong(SmsPermanentError):
    """Longer than one SMS: refused before any provider is called."""


class SmsAccountError(SmsError):
    """No message at all can go until someone acts on the account: every SMS waits, and staff are told."""


class SmsQuotaExhausted(SmsAccountError):
    """The account's credit is spent, or the provider suspended it for its balance."""


class SmsConfigurationError(SmsAccountError):
    """The provider refuses the portal's credentials, service name or sender, or a setting is missing."""


@dataclass(frozen=True)
class DeliveryReport:
    """What a provider says of a message it took: whether it reached the phone, and if not why."""

    message_id: str
    delivered: bool
    reason: str = ""


@dataclass(frozen=True)
class ReceivedSms:
    """An SMS a person sent to the portal's number, as its provider gives it: the provider's id for it (what makes a
    replay harmless), the sender's number in E.164, the text, and when the provider received it."""

    provider: str
    message_id: str
    sender: str
    body: str
    received_at: datetime


class ForgedReport(Exception):
    """A call from a provider (a delivery report, an SMS received) that does not prove it comes from the provider:
    signature or secret wrong or missing."""


class MalformedInbound(ValueError):
    """An SMS received, proven to come from the provider, that lacks what the portal needs: the provider's id for it,
    or a sender's number it can read."""


def e164(number: str) -> str:
    """A sender's number as the portal stores every number: E.164, a French one read as such ("0612…", "0033612…").
    Raises ValueError for a text that is no phone number."""
    try:
        parsed = phonenumbers.parse(number, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"Not a phone number: {number!r}") from error
    if not phonenumbers.is_possible_number(parsed):
        raise ValueError(f"Not a phone number: {number!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- Length: GSM 03.38 or UCS-2 ------------------------------------------------------------------------------------

# A message written with these characters only goes as GSM-7: 160 of them in one SMS, 153 a part when it takes several.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Reached through an escape: each counts as two.
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
# Any other character (ç, ê, î, ô, œ, ’, «…) sends the whole message as UCS-2: 70 a message, 67 a part.
SINGLE_PART = {"GSM-7": 160, "UCS-2": 70}
PER_PART = {"GSM-7": 153, "UCS-2": 67}
CUT_MARK = "..."

# French typography that GSM-7 lacks and that has no accent to strip.
GSM7_SPELLING = str.maketrans({
    "’": "'", "‘": "'", "«": '"', "»": '"', "“": '"', "”": '"', "–": "-", "—": "-", "…": "...",
    "œ": "oe", "Œ": "OE", "\u00a0": " ", "\u202f": " ",
})  # fmt: skip


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    parts: int


def sms_length(text: str) -> SmsLength:
    """How a phone network counts a text: its encoding, its length in that encoding, and how many SMS it takes."""
    if all(character in GSM7_BASIC or character in GSM7_EXTENDED for character in text):
        encoding, units = "GSM-7", len(text) + sum(character in GSM7_EXTENDED for character in text)
    else:
        encoding, units = "UCS-2", len(text.encode("utf-16-le")) // 2  # an emoji counts two
    parts = 1 if units <= SINGLE_PART[encoding] else ceil(units / PER_PART[encoding])
    return SmsLength(encoding=encoding, units=units, parts=parts)


def fits_one_sms(text: str) -> bool:
    return sms_length(text).parts == 1


def gsm7_spelling(text: str) -> str:
    """The text with the characters GSM-7 lacks written with the nearest it has: ê → e, ç → c, œ → oe, ’ → '. A name
    with one circumflex would otherwise make the whole message Unicode, at 70 characters an SMS."""

    def nearest(character: str) -> str:
        if character in GSM7_BASIC or character in GSM7_EXTENDED:
            return character
        base = unicodedata.normalize("NFKD", character)[:1]
        return base if base in GSM7_BASIC else character

    return "".join(nearest(character) for character in text.translate(GSM7_SPELLING))


def cut_to_one_sms(text: str) -> str:
    """The text cut, with a mark, to what one SMS holds in its encoding."""
    if fits_one_sms(text):
        return text
    kept = text[: SINGLE_PART[sms_length(text).encoding] - len(CUT_MARK)]
    while not fits_one_sms(kept + CUT_MARK):  # characters that count two (€, [, an emoji)
        kept = kept[:-1]
    return kept + CUT_MARK


# --- Backends ------------------------------------------------------------------------------------------------------


class ConsoleBackend:
    def send(self, message: SmsMessage) -> str:
        sys.stdout.write(f"--- SMS to {message.to} ---\n{message.body}\n")
        sys.stdout.flush()
        return ""


class FileBackend:
    """One file per day under SMS_FILE_PATH, for a staging server where nobody should really be texted."""

    def send(self, message: SmsMessage) -> str:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"sms-{datetime.now():%Y-%m-%d}.log", "a", encoding="utf-8") as log:
            log.write(f"{datetime.now().isoformat()}\t{message.to}\t{message.body}\n")
        return ""


class LocmemBackend:
    """Keeps messages in memory (`outbox`), like Django's locmem email backend, for tests."""

    outbox: list[SmsMessage] = []
    _lock = threading.Lock()

    def send(self, message: SmsMessage) -> str:
        with self._lock:
            LocmemBackend.outbox.append(message)
        return ""


# By dotted path: a provider's client is imported only by the portal that sends through it.
BACKENDS = {
    "console": "core.sms.ConsoleBackend",
    "file": "core.sms.FileBackend",
    "locmem": "core.sms.LocmemBackend",
    "ovh": "core.sms_providers.ovh.OvhBackend",
    "twilio": "core.sms_providers.twilio.TwilioBackend",
}


def backend_class(name: str = "") -> type:
    name = name or settings.SMS_BACKEND
    try:
        return import_string(BACKENDS.get(name, name))
    except ImportError:
        raise ImproperlyConfigured(
            f"Unknown SMS_BACKEND {name!r}; choose one of {', '.join(BACKENDS)} or give a class's dotted path."
        ) from None


def links_allowed() -> bool:
    """Whether an SMS may carry a link through the backend in use: a provider may refuse one from the sender the
    portal uses (OVHcloud's short number, the one a person can answer), and the message would then never leave."""
    carries_links = getattr(backend_class(), "carries_links", None)
    return carries_links() if carries_links else True


def send_sms(*, to: str, body: str) -> str:
    """Hands one SMS to the backend and returns the provider's id for it ("" without a provider).

    Raises SmsTooLong for a text longer than one SMS, and a provider's errors as the SmsError they are."""
    length = sms_length(body)
    if length.parts > 1:
        raise SmsTooLong(
            f"One SMS holds {SINGLE_PART[length.encoding]} characters in {length.encoding}; this one needs "
            f"{length.units}."
        )
    # `or ""`: a backend of the former protocol returns None, and its message went all the same.
    return backend_class()().send(SmsMessage(to=to, body=body)) or ""


def read_report(provider: str, request, **url_kwargs) -> DeliveryReport | None:
    """What a provider's delivery report says, once the provider's adapter has checked that it comes from the
    provider (ForgedReport otherwise); None for a step that is not the end (queued, sent to the network)."""
    return backend_class(provider).read_report(request, **url_kwargs)


def read_inbound(provider: str, request, **url_kwargs) -> ReceivedSms:
    """The SMS a provider pushes to the portal's webhook, once its adapter has checked that the call comes from the
    provider (ForgedReport otherwise); MalformedInbound when it lacks the message's id or a readable sender."""
    return backend_class(provider).read_inbound(request, **url_kwargs)


class Inbox:
    """SMS received that wait at a provider which does not push them, for the portal to collect (an adapter's
    `inbox()`). Each method raises the SmsError kind of what went wrong, like sending."""

    provider = ""  # as ReceivedSms.provider names it

    def waiting(self) -> list[str]:
        """The provider's ids of the messages waiting, oldest first."""
        raise NotImplementedError

    def fetch(self, message_id: str) -> ReceivedSms | None:
        """One waiting message; None when it is gone since it was listed. MalformedInbound when it cannot be read."""
        raise NotImplementedError

    def forget(self, message_id: str) -> None:
        """Removes a message from the provider's inbox: only ever one the portal has stored."""
        raise NotImplementedError


def inbox(provider: str = "") -> Inbox | None:
    """The inbox of the provider SMS_BACKEND names (or `provider`), to poll; None for a backend whose provider pushes
    what it receives (Twilio) or that receives nothing (console, file, locmem)."""
    backend = backend_class(provider)
    return backend.inbox() if hasattr(backend, "inbox") else None
