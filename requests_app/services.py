"""Work on help requests that spans more than one row: filing a request, merging duplicates."""

import hashlib

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.services import propose_best
from requests_app import notices
from requests_app.callbacks import CallbackPlan, callback_schedule, callbacks_move
from requests_app.enums import Status
from requests_app.models import HelpRequest, RequestNote, StatusChange
from requests_app.references import new_reference, new_tracking_token

REFERENCE_ATTEMPTS = 5


class MergeNotAllowed(Exception):
    pass


def possible_duplicate_find(help_request: HelpRequest) -> HelpRequest | None:
    """The first filed of the open requests from the same phone number or email, if any.

    First filed, not oldest `created_at`: that is stamped when the request is built, before its filing waits
    for the contact's lock, so requests filed together would each point at a different one of them.
    """
    return (
        HelpRequest.objects.open()
        .from_contact(phone=str(help_request.requester_phone or ""), email=help_request.requester_email)
        .exclude(pk=help_request.pk)
        .order_by("pk")
        .first()
    )


def contact_keys_lock(help_request: HelpRequest) -> None:
    """Serialises the filing of requests that share a phone number or an email, until the transaction ends.

    The duplicate flag is a read then a write: without a lock, requests filed at the same instant each look
    before any of them is saved, and none sees the others. A PostgreSQL advisory lock per contact key makes
    them look in turn; each key the request is searched by or could be found by (the requester's number and
    email, the beneficiary's number) is taken, in a fixed order so that two filings never wait on each other.
    SQLite serialises every write already and has no such lock.
    """
    if connection.vendor != "postgresql":
        return
    contacts = {
        f"phone:{help_request.requester_phone or ''}",
        f"phone:{help_request.beneficiary_phone or ''}",
        f"email:{(help_request.requester_email or '').strip().upper()}",
    } - {"phone:", "email:"}
    keys = sorted(
        int.from_bytes(hashlib.sha256(f"help-request-contact:{contact}".encode()).digest()[:8], "big", signed=True)
        for contact in contacts
    )
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def help_request_create(
    *, help_request: HelpRequest, created_by=None, note: str = "", callback: CallbackPlan | None = None
) -> HelpRequest:
    """Files a request built by a form: reference, token, duplicate flag, first history line, staff note, and the
    callback the person asked for or the agent promised.

    A duplicate is flagged for staff, never refused: the person asking may really need help twice.
    """
    help_request.created_by = created_by
    help_request.tracking_token = new_tracking_token()
    help_request.consent_at = help_request.consent_at or timezone.now()
    contact_keys_lock(help_request)
    help_request.possible_duplicate_of = possible_duplicate_find(help_request)
    help_request.full_clean(exclude=["reference", "tracking_token", "domain"])
    for attempt in range(REFERENCE_ATTEMPTS):
        help_request.reference = new_reference()
        try:
            # One in a trillion, but a reference is for life: on a collision, draw again.
            with transaction.atomic():
                help_request.save()
            break
        except IntegrityError:
            help_request.pk = None
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
    StatusChange.objects.create(
        help_request=help_request,
        from_status="",
        to_status=Status.NEW,
        changed_by=created_by,
        changed_at=help_request.created_at,
    )
    if note:
        RequestNote.objects.create(help_request=help_request, author=created_by, text=note)
    if callback is not None:
        callback_schedule(help_request=help_request, plan=callback, by=created_by)
    notices.request_received(help_request)
    if help_request.help_type.code in settings.MATCHING_AUTO_HELP_TYPES:
        propose_best(help_request, by=created_by)
    return help_request


@transaction.atomic
def help_request_route(*, help_request: HelpRequest, association, by=None, note: str = "") -> None:
    """Gives the request to an organisation: its members are told a request waits for them, and the
    requester that someone is taking care of it."""
    help_request.route_to(association, by=by, note=note)
    notices.request_routed(help_request)
    notices.request_taken(help_request)


@transaction.atomic
def help_request_merge(*, duplicate: HelpRequest, into: HelpRequest, by) -> HelpRequest:
    """Folds a duplicate into the request it repeats: its notes and description join the kept request,
    and the duplicate is cancelled with a pointer to it."""
    if duplicate.pk == into.pk:
        raise MergeNotAllowed(_("Une demande ne peut pas être fusionnée avec elle-même."))
    if into.is_closed:
        raise MergeNotAllowed(_("La demande %(ref)s est close : impossible d'y fusionner un doublon.") % {"ref": into})
    duplicate.notes.update(help_request=into)
    callbacks_move(duplicate=duplicate, into=into)
    RequestNote.objects.create(
        help_request=into,
        author=by,
        text=_("Fusion de %(ref)s (%(date)s) : %(description)s")
        % {
            "ref": duplicate.reference,
            "date": timezone.localtime(duplicate.created_at).strftime("%d/%m/%Y %H:%M"),
            "description": duplicate.description,
        },
    )
    duplicate.merged_into = into
    duplicate.transition(
        Status.CANCELLED,
        by=by,
        note=_("Doublon fusionné dans %(ref)s") % {"ref": into.reference},
        extra_fields=("merged_into",),
    )
    HelpRequest.objects.filter(possible_duplicate_of=duplicate).update(possible_duplicate_of=into)
    return into
