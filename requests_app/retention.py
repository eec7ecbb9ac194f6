"""Data retention: what the portal erases, and when. Run every night by beat (`apply_retention`).

A closed request (done or cancelled) keeps who asked, for whom, where and what they wrote for RETENTION_DAYS,
long enough to answer a follow-up call or a complaint; then all of it is erased and only what statistics need
remains: help type, domain, commune, urgency, source, dates and statuses (callbacks and their outcomes included, their
notes erased; a regular help's visits and their outcomes too, the notes and the reason it ended erased). The messages
sent about it go too, and so do the SMS received about it (what the person wrote is as personal as what they asked);
an SMS received that no request claimed goes after RETENTION_DAYS. The photos of shopping receipts go with the
request's personal data (the advance's amount, states and dates stay, for the accounts).
Accounts never verified are removed after UNVERIFIED_ACCOUNT_DAYS; the access logs keep a year. The file of a
volunteer's document that no longer counts goes after VETTING_DOCUMENT_RETENTION_DAYS (volunteers/vetting.py).
"""

from datetime import timedelta

from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.private_files import private_storage
from core.ratelimit import expired_counters_delete
from matching.models import Proposal
from notifications.models import InboundSms, Notification
from pairings.models import Pairing, PairingChange, Visit
from requests_app.enums import CLOSED_STATUSES
from requests_app.models import (
    AccessLog,
    Advance,
    CallbackAttempt,
    HandOff,
    HelpRequest,
    OrganisationAssignment,
    RequestNote,
    StatusChange,
)
from requests_app.tracking import tracking_forget_many
from volunteers.models import VettingDocumentAccess
from volunteers.vetting import vetting_files_delete

ERASED = {
    "requester_name": "",
    "requester_phone": "",
    "requester_email": "",
    "beneficiary_name": "",
    "beneficiary_phone": "",
    "address": "",
    "description": "",
    "volunteer_summary": "",
}
BATCH = 500
# The database refuses to delete access-log lines younger than ACCESS_LOG_DAYS, by its own clock: a day more here
# keeps a server clock slightly ahead from making the nightly task fail.
ACCESS_LOG_CLOCK_MARGIN_DAYS = 1


def closed_requests_anonymise(now=None) -> int:
    now = now or timezone.now()
    due = HelpRequest.objects.filter(
        status__in=CLOSED_STATUSES,
        status_changed_at__lt=now - timedelta(days=settings.RETENTION_DAYS),
        anonymised_at__isnull=True,
    )
    anonymised = 0
    while batch := list(due.values_list("pk", "tracking_token")[:BATCH]):
        ids, tracking_tokens = [pk for pk, _token in batch], [token for _pk, token in batch]
        with transaction.atomic():
            HelpRequest.objects.filter(pk__in=ids).update(**ERASED, anonymised_at=now)
            # Their tracking pages, kept in the cache, are drawn again from what is left (requests_app.tracking).
            tracking_forget_many(tracking_tokens)
            RequestNote.objects.filter(help_request__in=ids).delete()
            StatusChange.objects.filter(help_request__in=ids).update(note="")
            CallbackAttempt.objects.filter(callback__help_request__in=ids).update(note="")
            # Who had it inside the organisation stays; what the member and the person wrote goes.
            OrganisationAssignment.objects.filter(help_request__in=ids).update(note="", ended_note="")
            Proposal.objects.filter(help_request__in=ids).update(report="", decline_reason="", explanation="")
            # A regular help keeps its weeks and outcomes for statistics; what the volunteer and staff wrote goes.
            Visit.objects.filter(pairing__help_request__in=ids).update(note="")
            Pairing.objects.filter(help_request__in=ids).update(end_reason="")
            PairingChange.objects.filter(pairing__help_request__in=ids).update(note="")
            # A hand-off outside the portal keeps who took it and when; what staff and the responder wrote goes.
            HandOff.objects.filter(help_request__in=ids).update(note="", decline_reason="")
            Notification.objects.filter(help_request__in=ids).delete()
            InboundSms.objects.filter(help_request__in=ids).delete()
            receipts_erase(Advance.objects.filter(proposal__help_request__in=ids))
        anonymised += len(ids)
    return anonymised


def receipts_erase(advances) -> None:
    """The receipts' photos: the rows forget them now, the files are deleted once that is committed (a rollback
    keeps both)."""
    names = list(advances.exclude(receipt="").values_list("receipt", flat=True))
    if not names:
        return
    advances.update(receipt="")
    storage = private_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def unverified_accounts_purge(now=None) -> int:
    """Someone who signed up and never confirmed their address left nothing but that address: it goes."""
    now = now or timezone.now()
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    stale = (
        get_user_model()
        .objects.filter(date_joined__lt=now - timedelta(days=settings.UNVERIFIED_ACCOUNT_DAYS), is_staff=False)
        .exclude(Exists(verified))
        .filter(last_login__isnull=True)
    )
    count = 0
    for user in stale.iterator():
        user.delete()
        count += 1
    return count


def old_records_delete(now=None) -> int:
    """Messages not about a request (digests, invitations…, SMS received from an unknown number; those about a
    request go with its anonymisation),
    access-log lines older than ACCESS_LOG_DAYS (a year), records of failed logins (an address and an IP) older than
    LOGIN_FAILURES_DAYS (a month), rate-limit counters kept in the database during a Redis outage once their window
    is over."""
    now = now or timezone.now()
    messages, _ = Notification.objects.filter(
        help_request__isnull=True, created_at__lt=now - timedelta(days=settings.RETENTION_DAYS)
    ).delete()
    received, _ = InboundSms.objects.filter(
        help_request__isnull=True, received_at__lt=now - timedelta(days=settings.RETENTION_DAYS)
    ).delete()
    logs, _ = AccessLog.objects.filter(
        at__lt=now - timedelta(days=settings.ACCESS_LOG_DAYS + ACCESS_LOG_CLOCK_MARGIN_DAYS)
    ).delete()
    document_logs, _ = VettingDocumentAccess.objects.filter(
        at__lt=now - timedelta(days=settings.ACCESS_LOG_DAYS + ACCESS_LOG_CLOCK_MARGIN_DAYS)
    ).delete()
    failures, _ = AccessAttempt.objects.filter(
        attempt_time__lt=now - timedelta(days=settings.LOGIN_FAILURES_DAYS)
    ).delete()
    counters = expired_counters_delete(now)
    return messages + received + logs + document_logs + failures + counters


def retention_apply(now=None) -> dict[str, int]:
    return {
        "anonymised_requests": closed_requests_anonymise(now),
        "purged_accounts": unverified_accounts_purge(now),
        "deleted_records": old_records_delete(now),
        # Volunteers' refused, expired or withdrawn documents: the file goes, the row stays.
        "deleted_document_files": vetting_files_delete(now),
    }
