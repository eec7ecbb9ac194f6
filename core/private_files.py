"""Files people entrust to the portal that must never be public: a volunteer's checked document (the extract of her
criminal record), the photo of a shopping receipt.

They live in the "private" storage (settings.STORAGES, PRIVATE_FILES_ROOT), outside the static files and with no
URL: a file is only ever sent by a view that checked who asks and logged it (`file_response`). Uploads are checked
here, in one place: the type by the file's first bytes (never by its name or the browser's word) and the size.
"""

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.http import FileResponse
from django.utils.translation import gettext as _

# The kinds accepted, by their first bytes: a scan or a photo.
SIGNATURES = {
    b"%PDF-": ("pdf", "application/pdf"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
}
ANY_KIND = tuple(extension for extension, _ in SIGNATURES.values())
PICTURES_ONLY = ("jpg", "png")
ACCEPTED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png"}


def private_storage():
    return storages["private"]


def upload_to(folder: str):
    """An upload_to for FileField(storage=private_storage): a random name under `folder`, so that no name says
    whose document it is. The sender's extension is kept only when it is one of the accepted kinds: the file is
    served under the type read from its bytes anyway (`file_response`)."""

    def path(instance, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()
        return f"{folder}/{secrets.token_hex(16)}{suffix if suffix in ACCEPTED_SUFFIXES else ''}"

    return path


def sniffed_type(upload) -> tuple[str, str] | None:
    """(extension, content type) read from the file's first bytes, or None for anything else."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def validate_upload(upload, *, allowed=ANY_KIND) -> None:
    """Refuses, in French, a file too big or of another type than `allowed` (extensions of SIGNATURES)."""
    if upload.size > settings.PRIVATE_UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Ce fichier est trop lourd (%(size)s Mo au plus) : photographiez-le en qualité moindre.")
            % {"size": settings.PRIVATE_UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="too_big",
        )
    kind = sniffed_type(upload)
    if kind is None or kind[0] not in allowed:
        names = ", ".join(extension.upper() for extension in allowed)
        raise ValidationError(
            _("Ce fichier n'est pas accepté : envoyez un fichier %(names)s.") % {"names": names}, code="type"
        )


def file_response(field_file, *, download_stem: str) -> FileResponse:
    """The file, to a reader the calling view has checked and logged: never cached, never guessed as another type,
    opened in the browser when it can show it. Its name is `download_stem` with the extension of the type read from
    its bytes, never the one it was sent with: a PDF sent as "x.html" must not be saved as a page that would run."""
    field_file.open("rb")
    kind = sniffed_type(field_file)
    response = FileResponse(
        field_file,
        as_attachment=kind is None,
        filename=f"{download_stem}.{kind[0] if kind else 'bin'}",
        content_type=kind[1] if kind else "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
