"""The volunteer sends her document from her profile: what is accepted, what is refused and how it is said, and
where the file goes (never anywhere a URL reaches without a staff member asking for it)."""

import mimetypes
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.volunteers.factories import PDF, PNG, VettingDocumentFactory, VolunteerProfileFactory
from volunteers.enums import DocumentKind, DocumentStatus
from volunteers.models import VettingDocument

pytestmark = pytest.mark.django_db
UPLOAD = reverse("volunteers:vetting_upload")


@pytest.fixture
def volunteer(client):
    profile = VolunteerProfileFactory()
    client.force_login(profile.user)
    return profile


def post(client, *, content=PDF, name="extrait.pdf", kind=DocumentKind.CRIMINAL_RECORD, issued_on=None):
    issued_on = timezone.localdate() - timedelta(days=10) if issued_on is None else issued_on
    data = {"kind": kind, "issued_on": issued_on.isoformat() if issued_on else ""}
    # The type a browser sends, from the name: the portal trusts neither, it reads the first bytes.
    upload = SimpleUploadedFile(name, content, content_type=mimetypes.guess_type(name)[0])
    return client.post(UPLOAD, {**data, "file": upload})


def test_a_volunteer_sends_her_extract_and_it_waits_for_staff(client, volunteer):
    response = post(client)
    assert response.status_code == 302 and response["Location"] == "/benevoles/profil/"
    document = VettingDocument.objects.get(volunteer=volunteer)
    assert document.status == DocumentStatus.PENDING
    assert document.kind == DocumentKind.CRIMINAL_RECORD
    # A random name, in the private storage, outside the static and media folders.
    assert document.file.name.startswith("verifications/") and "extrait" not in document.file.name
    path = Path(document.file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_FILES_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.BASE_DIR / "static").resolve())
    assert path.read_bytes() == PDF
    # The profile says where she stands.
    page = client.get(reverse("volunteers:profile")).content.decode()
    assert "Garde d&#x27;enfants" in page or "Garde d'enfants" in page
    assert "en attente de vérification" in page


def test_an_identity_photo_needs_no_date(client, volunteer):
    response = post(client, content=PNG, name="carte.png", kind=DocumentKind.IDENTITY, issued_on=False)
    assert response.status_code == 302
    assert VettingDocument.objects.get(volunteer=volunteer).kind == DocumentKind.IDENTITY


@pytest.mark.parametrize(
    "content, name",
    [
        (b"Ceci n'est pas un PDF, seulement du texte.", "extrait.pdf"),  # the name lies, the first bytes tell
        (b"MZ\x90\x00 un programme", "extrait.pdf"),
        (b"GIF89a...", "photo.png"),
    ],
)
def test_a_file_that_is_not_a_pdf_or_a_picture_is_refused(client, volunteer, content, name):
    response = post(client, content=content, name=name)
    assert response.status_code == 400
    assert "Ce fichier n&#x27;est pas accepté : envoyez un fichier PDF, JPG, PNG." in response.content.decode()
    assert not VettingDocument.objects.exists()


def test_a_file_too_big_is_refused(client, volunteer, settings):
    settings.PRIVATE_UPLOAD_MAX_BYTES = 1024 * 1024
    response = post(client, content=PDF + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert "Ce fichier est trop lourd (1 Mo au plus)" in response.content.decode()
    assert not VettingDocument.objects.exists()


@pytest.mark.parametrize(
    "days_ago, message",
    [
        (91, "Cet extrait date de plus de 90 jours : il n&#x27;est plus accepté."),
        (-1, "Cette date est dans le futur"),
    ],
)
def test_an_extract_too_old_or_dated_in_the_future_is_refused_with_a_clear_message(
    client, volunteer, days_ago, message
):
    response = post(client, issued_on=timezone.localdate() - timedelta(days=days_ago))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="criminal_record"' in page and "checked" in page  # what she chose is kept
    assert not VettingDocument.objects.exists()


def test_an_extract_without_its_date_is_refused(client, volunteer):
    response = post(client, issued_on=False)
    assert response.status_code == 400
    assert "Indiquez la date de l&#x27;extrait" in response.content.decode()
    # A browser never sends the chosen file back: the summary says so instead of promising everything was kept.
    assert "conservé, sauf le fichier : choisissez-le à nouveau" in response.content.decode()


def test_a_new_document_replaces_the_one_still_waiting(client, volunteer):
    first = VettingDocumentFactory(volunteer=volunteer)
    assert post(client).status_code == 302
    first.refresh_from_db()
    assert first.status == DocumentStatus.WITHDRAWN
    assert volunteer.vetting_documents.pending().count() == 1


def test_she_withdraws_her_document_and_nobody_else_can(client, volunteer):
    document = VettingDocumentFactory(volunteer=volunteer)
    other = VettingDocumentFactory()
    assert client.post(reverse("volunteers:vetting_withdraw", args=[other.pk])).status_code == 404
    client.post(reverse("volunteers:vetting_withdraw", args=[document.pk]))
    document.refresh_from_db()
    other.refresh_from_db()
    assert document.status == DocumentStatus.WITHDRAWN and document.closed_at is not None
    assert other.status == DocumentStatus.PENDING


def test_the_upload_page_needs_an_account_and_a_profile(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(UPLOAD)["Location"] == reverse("volunteers:profile")


def test_the_upload_page_explains_how_to_get_the_extract(client, volunteer):
    page = client.get(UPLOAD).content.decode()
    assert "casier-judiciaire.justice.gouv.fr" in page
    assert "gratuitement" in page
    assert 'enctype="multipart/form-data"' in page
