"""A volunteer's document is opened by staff who review documents, each time logged; by nobody else, herself
included, and never by a public URL."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.urls import reverse

from tests.accounts.factories import AgentFactory, UserFactory
from tests.associations.factories import MembershipFactory
from tests.volunteers.factories import PDF, VettingDocumentFactory, VolunteerProfileFactory
from volunteers.models import VettingDocumentAccess

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return VettingDocumentFactory()


def file_url(document):
    return reverse("volunteers:vetting_document_file", args=[document.pk])


def test_staff_open_the_document_and_the_opening_is_logged(client, document):
    agent = AgentFactory()
    client.force_login(agent)
    response = client.get(file_url(document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    line = VettingDocumentAccess.objects.get()
    assert (line.user, line.user_email, line.document_id, line.volunteer_id) == (
        agent,
        agent.email,
        document.pk,
        document.volunteer_id,
    )
    assert line.path == file_url(document)


def test_a_visitor_is_sent_to_the_login_page(client, document):
    response = client.get(file_url(document))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


@pytest.mark.parametrize("who", ["herself", "another_volunteer", "association_member", "staff_without_the_power"])
def test_anyone_else_gets_a_404_and_nothing_is_logged(client, document, who):
    user = {
        "herself": lambda: document.volunteer.user,
        "another_volunteer": lambda: VolunteerProfileFactory().user,
        "association_member": lambda: MembershipFactory().user,
        "staff_without_the_power": lambda: UserFactory(is_staff=True),  # the flag, outside the staff group
    }[who]()
    client.force_login(user)
    assert client.get(file_url(document)).status_code == 404
    assert not VettingDocumentAccess.objects.exists()


def test_a_guessed_id_gives_a_404(client, document):
    client.force_login(AgentFactory())
    assert client.get(reverse("volunteers:vetting_document_file", args=[document.pk + 1000])).status_code == 404


def test_no_public_url_leads_to_the_file(client, document, settings):
    name = document.file.name
    for url in (f"/media/{name}", f"/static/{name}", f"{settings.STATIC_URL}{name}", f"/{name}"):
        assert client.get(url).status_code == 404, url
    # The storage gives no usable address either: its base URL matches no route.
    assert client.get(document.file.url).status_code == 404


def test_the_access_log_is_append_only(client, document):
    client.force_login(AgentFactory())
    client.get(file_url(document))
    line = VettingDocumentAccess.objects.get()
    with pytest.raises(PermissionError):
        line.delete()
    with pytest.raises(PermissionError):
        line.save()
    # Round the ORM, the database refuses too.
    for statement in (
        "UPDATE volunteers_vettingdocumentaccess SET user_email = 'x'",
        "DELETE FROM volunteers_vettingdocumentaccess",
    ):
        with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)


def test_the_download_name_takes_the_type_read_from_the_file_not_the_name_it_was_sent_with(client):
    """A PDF sent as "extrait.html" must not reach the agent's disk as an .html page her browser would run."""
    document = VettingDocumentFactory(file=SimpleUploadedFile("extrait.html", PDF))
    assert not document.file.name.endswith(".html")
    client.force_login(AgentFactory())
    response = client.get(file_url(document))
    assert response["Content-Disposition"] == f'inline; filename="justificatif-{document.pk}.pdf"'
