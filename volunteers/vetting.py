"""Volunteers' checked documents, the one place for their rules: a volunteer sends an identity document or an extract
of her criminal record (bulletin n° 3), staff approve or refuse it, it expires, its file goes after the retention.

Every change recomputes the profile's two dates, `identity_checked_until` and `document_checked_until`, which is all
the matching and the mission applications read: a level is held while its date is today or later, so a document
ends its level at midnight even before the nightly task marks it expired. An approved extract also counts as identity
checked: staff compared the name printed on it with the account's.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from core.enums import Domain, Vetting, domain_bit
from core.models import HelpType
from core.private_files import file_response, private_storage
from notifications.enums import Event
from notifications.outbox import absolute_url, email_add
from volunteers.enums import DocumentKind, DocumentStatus
from volunteers.models import VettingDocument, VettingDocumentAccess, VolunteerProfile
from volunteers.signals import vetting_lowered

# The levels each kind of document gives once approved.
LEVELS_GIVEN = {
    DocumentKind.IDENTITY: {Vetting.IDENTITY},
    DocumentKind.CRIMINAL_RECORD: {Vetting.IDENTITY, Vetting.DOCUMENT},
}


class VettingError(Exception):
    """A move the rules refuse; its message is French, for the person who asked."""


def kinds_giving(level: int) -> list[str]:
    return [kind for kind, levels in LEVELS_GIVEN.items() if level in levels]


def level_held(volunteer: VolunteerProfile, today: date | None = None) -> Vetting:
    """The highest level the volunteer's valid documents give today: the profile's rule (VETTING_PROOFS), not a
    second one."""
    return volunteer.vetting_level(today)


def checked_until_refresh(volunteer: VolunteerProfile) -> None:
    """The two dates from the approved documents: the latest end among those giving each level."""
    held_before = volunteer.vetting_level()
    approved = VettingDocument.objects.approved().filter(volunteer=volunteer)
    dates = {
        level: approved.filter(kind__in=kinds_giving(level)).aggregate(until=Max("valid_until"))["until"]
        for level in (Vetting.IDENTITY, Vetting.DOCUMENT)
    }
    volunteer.identity_checked_until = dates[Vetting.IDENTITY]
    volunteer.document_checked_until = dates[Vetting.DOCUMENT]
    volunteer.save(update_fields=["identity_checked_until", "document_checked_until"])
    if volunteer.vetting_level() < held_before:
        vetting_lowered.send(sender=VolunteerProfile, volunteer=volunteer)


def _locked(document: VettingDocument) -> VettingDocument:
    return (
        VettingDocument.objects.select_for_update(of=("self",)).select_related("volunteer__user").get(pk=document.pk)
    )


def _move(document: VettingDocument, status: str, **changes) -> None:
    if not document.may_move_to(status):
        raise VettingError(
            _("Ce justificatif est « %(status)s » : il ne peut plus changer ainsi.")
            % {"status": document.get_status_display()}
        )
    document.status = status
    for name, value in changes.items():
        setattr(document, name, value)
    document.save(update_fields=["status", *changes])
    checked_until_refresh(document.volunteer)


@transaction.atomic
def vetting_document_submit(
    *, volunteer: VolunteerProfile, kind: str, file, issued_on: date | None = None
) -> VettingDocument:
    """A new document, waiting for staff. One of the same kind still waiting is replaced (withdrawn)."""
    # Her row locked first: a second sending at once (a double click) waits here, then replaces the first, instead of
    # failing on the one-waiting-per-kind constraint.
    VolunteerProfile.objects.select_for_update(of=("self",)).only("pk").get(pk=volunteer.pk)
    for waiting in VettingDocument.objects.pending().filter(volunteer=volunteer, kind=kind):
        vetting_document_withdraw(document=waiting)
    document = VettingDocument(volunteer=volunteer, kind=kind, file=file, issued_on=issued_on)
    document.full_clean()  # type and size of the file, the extract's date (VettingDocument.clean); else rolled back
    document.save()
    return document


@transaction.atomic
def vetting_document_approve(*, document: VettingDocument, by) -> VettingDocument:
    """Staff checked the document, and that the name on it is the account's. An extract counts from its date, an
    identity document from today."""
    document = _locked(document)
    today = timezone.localdate()
    if document.kind == DocumentKind.CRIMINAL_RECORD:
        valid_until = document.record_ends_on
        if valid_until < today:
            raise VettingError(
                _("Cet extrait a plus de %(days)s jours : refusez-le, en demandant un extrait récent.")
                % {"days": settings.VETTING_RECORD_VALID_DAYS}
            )
    else:
        valid_until = today + timedelta(days=settings.VETTING_IDENTITY_VALID_DAYS)
    _move(
        document,
        DocumentStatus.APPROVED,
        valid_until=valid_until,
        reviewed_at=timezone.now(),
        reviewed_by=by,
        refusal_reason="",
    )
    _tell(Event.VETTING_DECIDED, document)
    return document


@transaction.atomic
def vetting_document_refuse(*, document: VettingDocument, by, reason: str) -> VettingDocument:
    """Refused, with the reason the volunteer reads (unreadable, another name, too old…). Also takes an approval
    back."""
    reason = (reason or "").strip()
    if not reason:
        raise VettingError(_("Indiquez le motif du refus : le bénévole le lira."))
    document = _locked(document)
    now = timezone.now()
    _move(
        document,
        DocumentStatus.REFUSED,
        refusal_reason=reason[:500],
        reviewed_at=now,
        reviewed_by=by,
        closed_at=now,
        valid_until=None,
    )
    _tell(Event.VETTING_DECIDED, document)
    return document


@transaction.atomic
def vetting_document_withdraw(*, document: VettingDocument) -> VettingDocument:
    """The volunteer takes her document back: it no longer counts, its file goes after the retention."""
    document = _locked(document)
    _move(document, DocumentStatus.WITHDRAWN, closed_at=timezone.now(), valid_until=None)
    return document


def vetting_documents_expire(today: date | None = None) -> int:
    """Run every night: approved documents past their last day expire and their volunteers are told; those ending
    within VETTING_EXPIRY_WARNING_DAYS are announced once. Returns how many expired."""
    today = today or timezone.localdate()
    expired = 0
    for pk in VettingDocument.objects.past_validity(today).values_list("pk", flat=True):
        with transaction.atomic():
            document = _locked(VettingDocument(pk=pk))
            if document.status != DocumentStatus.APPROVED:
                continue  # withdrawn or refused meanwhile
            _move(document, DocumentStatus.EXPIRED, closed_at=timezone.now())
            if not _replaced(document):
                _tell(Event.VETTING_EXPIRY, document, expired=True)
            expired += 1
    soon = VettingDocument.objects.ending_soon(today, settings.VETTING_EXPIRY_WARNING_DAYS)
    for document in soon.select_related("volunteer__user"):
        with transaction.atomic():
            # The update is the claim: two runs at once warn once.
            claimed = VettingDocument.objects.filter(pk=document.pk, expiry_warned_at__isnull=True).update(
                expiry_warned_at=timezone.now()
            )
            if claimed and not _replaced(document):
                _tell(Event.VETTING_EXPIRY, document, expired=False)
    return expired


def _replaced(document: VettingDocument) -> bool:
    """A later document of the same kind is approved: this one's end is no news to tell."""
    later = VettingDocument.objects.approved().filter(valid_until__gt=document.valid_until)
    return later.filter(volunteer=document.volunteer_id, kind=document.kind).exists()


def vetting_files_delete(now=None) -> int:
    """The retention (run with the nightly one, requests_app/retention.py): the file of a document that no longer
    counts goes VETTING_DOCUMENT_RETENTION_DAYS after it stopped counting; the row stays, for the history."""
    now = now or timezone.now()
    due = VettingDocument.objects.files_past_retention(now, settings.VETTING_DOCUMENT_RETENTION_DAYS)
    deleted = 0
    for document in due.only("pk", "file"):
        private_storage().delete(document.file.name)
        VettingDocument.objects.filter(pk=document.pk).update(file="", file_deleted_at=now)
        deleted += 1
    return deleted


def vetting_documents_delete(*, volunteer: VolunteerProfile) -> None:
    """With the account (portal/own_data.py): rows now, files once the deletion is committed. The access log stays."""
    names = [name for name in volunteer.vetting_documents.values_list("file", flat=True) if name]
    volunteer.vetting_documents.all().delete()
    storage = private_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def vetting_document_open(*, document: VettingDocument, request: HttpRequest) -> FileResponse:
    """The file, for staff the calling view checked; each opening is written in the access log first."""
    VettingDocumentAccess.objects.create(
        user=request.user,
        user_email=request.user.email,
        document=document,
        volunteer_id=document.volunteer_id,
        path=request.get_full_path()[:300],
    )
    # Read whole (PRIVATE_UPLOAD_MAX_BYTES at most) and the file closed at once: no handle left open on the private
    # folder when a reader goes away half-way.
    with document.file.open("rb") as stored:
        content = ContentFile(stored.read(), name=document.file.name)
    return file_response(content, download_stem=f"justificatif-{document.pk}")


def _tell(event: Event, document: VettingDocument, **extra) -> None:
    user = document.volunteer.user
    context = {
        "document": document,
        "first_name": user.first_name,
        "url": absolute_url("volunteers:profile") + "#verifications",
        "upload_url": absolute_url("volunteers:vetting_upload"),
        **extra,
    }
    email_add(event, to=user.email, context=context)


# --- What the volunteer reads on her profile ------------------------------------------------------------------


@dataclass(frozen=True)
class VettingLine:
    help_type: str
    state: str  # "valid", "pending", "refused", "expired", "missing"
    text: str


def vetting_overview(volunteer: VolunteerProfile) -> list[tuple[str, list[VettingLine]]]:
    """For each of her domains, the help types that ask for a check and where she stands for each."""
    today = timezone.localdate()
    held = level_held(volunteer, today)
    help_types = HelpType.objects.filter(is_active=True, vetting__gt=Vetting.NONE).order_by("position", "name")
    documents = list(volunteer.vetting_documents.all())  # newest first
    groups: dict[str, list[VettingLine]] = {}
    for help_type in help_types:
        if not volunteer.domains & domain_bit(help_type.domain):
            continue
        groups.setdefault(str(Domain(help_type.domain).label), []).append(
            _line(help_type, held, volunteer, documents, today)
        )
    return list(groups.items())


def vetting_to_send(volunteer: VolunteerProfile) -> list[str]:
    """The help types of her domains she cannot be offered until she sends a document (none sent, or the last one
    refused or expired); those waiting for staff are not asked again."""
    return [
        line.help_type
        for _domain, lines in vetting_overview(volunteer)
        for line in lines
        if line.state in ("missing", "refused", "expired")
    ]


def _line(help_type, held, volunteer, documents, today) -> VettingLine:
    kinds = kinds_giving(help_type.vetting)
    if help_type.vetting == Vetting.DOCUMENT:
        until = volunteer.document_checked_until
    else:
        until = volunteer.identity_checked_until
    if held >= help_type.vetting:
        return VettingLine(
            help_type.name, "valid", _("vérifié, valable jusqu'au %(date)s") % {"date": f"{until:%d/%m/%Y}"}
        )
    relevant = [document for document in documents if document.kind in kinds]
    if any(document.status == DocumentStatus.PENDING for document in relevant):
        return VettingLine(help_type.name, "pending", _("en attente de vérification par le département"))
    latest = relevant[0] if relevant else None
    if latest and latest.status == DocumentStatus.REFUSED:
        return VettingLine(help_type.name, "refused", _("refusé : %(reason)s") % {"reason": latest.refusal_reason})
    if latest and latest.status == DocumentStatus.EXPIRED:
        return VettingLine(help_type.name, "expired", _("expiré : envoyez un document récent"))
    needed = DocumentKind.CRIMINAL_RECORD if help_type.vetting == Vetting.DOCUMENT else DocumentKind.IDENTITY
    return VettingLine(help_type.name, "missing", _("à fournir : %(kind)s") % {"kind": DocumentKind(needed).label})
