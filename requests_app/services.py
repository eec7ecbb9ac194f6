"""Work on help requests that spans more than one row: filing a request, merging duplicates."""

import hashlib
import operator
from functools import reduce
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Proposal
from matching.services import propose_best
from requests_app import notices, similarity
from requests_app.callbacks import CallbackPlan, callback_schedule, callbacks_move
from requests_app.enums import DuplicateReason, Status
from requests_app.models import HelpRequest, RequestNote, StatusChange, contact_match
from requests_app.references import new_reference, new_tracking_token

REFERENCE_ATTEMPTS = 5


class MergeNotAllowed(Exception):
    pass


class DuplicateMatch(NamedTuple):
    original: HelpRequest
    reason: DuplicateReason


def possible_duplicate_search(help_request: HelpRequest) -> QuerySet[HelpRequest] | None:
    """The open requests this one may repeat: those from the same phone number or email first (`by_contact`), then,
    on PostgreSQL, those for a person of a similar name at a similar address in the same commune
    (requests_app/similarity.py), each kind in the order filed; None when the request gives nothing to search by.
    It sets the trigram operator's threshold for the transaction, in which the search must run.

    In the order filed, not by `created_at`: that is stamped when the request is built, before its filing waits for
    its turn (`duplicate_keys_lock`), so requests filed together would each point at a different one of them.
    One query for both kinds: the filing makes one more query than a search by contact alone (the threshold), not two.
    """
    contact = contact_match(phone=str(help_request.requester_phone or ""), email=help_request.requester_email)
    similar = None
    if similarity.trigrams_available() and similarity.comparable(help_request):
        similar = similarity.similar_person_at_address(help_request)
        similarity.trigram_threshold_set()
    if contact is None and similar is None:
        return None
    search = HelpRequest.objects.open().filter(anonymised_at__isnull=True)
    if help_request.pk is not None:  # a request being filed has none yet: nothing to leave out
        search = search.exclude(pk=help_request.pk)
    return (
        search.filter(reduce(operator.or_, [condition for condition in (contact, similar) if condition is not None]))
        .annotate(by_contact=Case(When(contact, then=True), default=False) if contact is not None else Value(False))
        .order_by("-by_contact", "pk")
    )


def possible_duplicate_find(help_request: HelpRequest) -> DuplicateMatch | None:
    """The open request this one may repeat, and why (`possible_duplicate_search`). Run in the filing's transaction,
    after `duplicate_keys_lock`."""
    search = possible_duplicate_search(help_request)
    # Its key is all the filing needs of the original: 45 columns cost more to select and read than the search.
    original = search.only("pk").first() if search is not None else None
    if original is None:
        return None
    return DuplicateMatch(original, DuplicateReason.CONTACT if original.by_contact else DuplicateReason.SIMILAR)


def duplicate_keys_lock(help_request: HelpRequest) -> None:
    """Serialises the filing of requests that could be duplicates of one another, until the transaction ends.

    The duplicate flag is a read then a write: without a lock, requests filed at the same instant each look
    before any of them is saved, and none sees the others. A PostgreSQL advisory lock per key makes them look in
    turn; each key the request is searched by or could be found by (the requester's number and email, the
    beneficiary's number) is taken, in a fixed order so that two filings never wait on each other, in one query.

    The commune is a key too when the request can be compared by name and address (`similarity.comparable`). Without
    it, the daughter on the web form and the neighbour on the phone, filing for the same person at the same instant
    from two numbers, would each miss the other: no one refused, but two volunteers sent. It makes the filings of one
    commune wait for each other, a few milliseconds each, at the rate people ask for help: cheap.
    SQLite serialises every write already and has no such lock.
    """
    if connection.vendor != "postgresql":
        return
    keys = {
        f"phone:{help_request.requester_phone or ''}",
        f"phone:{help_request.beneficiary_phone or ''}",
        f"email:{(help_request.requester_email or '').strip().upper()}",
    } - {"phone:", "email:"}
    if similarity.comparable(help_request):
        keys.add(f"commune:{help_request.commune_id}")
    ordered = sorted(
        int.from_bytes(hashlib.sha256(f"help-request-duplicate:{key}".encode()).digest()[:8], "big", signed=True)
        for key in keys
    )
    if not ordered:
        return
    with connection.cursor() as cursor:
        # Taken one after the other as the array unfolds, in its order (WITH ORDINALITY: no sort is even needed).
        cursor.execute(
            "SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) WITH ORDINALITY AS keys(key, position) "
            "ORDER BY position",
            [ordered],
        )


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
    duplicate_keys_lock(help_request)
    if match := possible_duplicate_find(help_request):
        help_request.possible_duplicate_of, help_request.duplicate_reason = match
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
    scheduled = callback_schedule(help_request=help_request, plan=callback, by=created_by) if callback else None
    notices.request_received(help_request, callback=scheduled)
    if help_request.help_type.code in settings.MATCHING_AUTO_HELP_TYPES:
        propose_best(help_request, by=created_by)
    return help_request


def help_request_confirm_carer(*, help_request: HelpRequest, by) -> Proposal | None:
    """Staff confirmed the requester of a childcare request is a carer or a child-welfare structure: the request,
    held back from the matching until now, goes to the best volunteer if it was waiting for one (triaged, with the
    matching on triage). Raises CarerConfirmationRefused."""
    with transaction.atomic():
        help_request.confirm_carer(by=by)
    if help_request.status == Status.TRIAGED and settings.MATCHING_ON_TRIAGE:
        return propose_best(help_request, by=by)
    return None


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
