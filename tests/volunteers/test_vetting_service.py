"""volunteers/vetting.py: staff's decisions, expiry and retention keep the profile's two checked-until dates, which
are what the matching reads; the volunteer is told by email; her export and her deletion cover her documents."""

import threading
import time
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.enums import Vetting
from notifications.enums import Event
from notifications.models import Notification
from portal.own_data import volunteer_delete, volunteer_export
from requests_app.retention import retention_apply
from tests.accounts.factories import AgentFactory
from tests.volunteers.factories import PDF, VettingDocumentFactory
from volunteers.enums import DocumentKind, DocumentStatus
from volunteers.models import VettingDocument, VolunteerProfile
from volunteers.tasks import expire_vetting_documents
from volunteers.vetting import (
    VettingError,
    level_held,
    vetting_document_approve,
    vetting_document_refuse,
    vetting_document_submit,
    vetting_document_withdraw,
    vetting_overview,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return AgentFactory()


def emails_to(user, event):
    return list(Notification.objects.filter(event=event, recipient=user.email))


def test_an_approved_extract_checks_identity_and_document_until_90_days_after_its_date(agent):
    document = VettingDocumentFactory()
    volunteer = document.volunteer
    vetting_document_approve(document=document, by=agent)
    volunteer.refresh_from_db()
    ends = document.issued_on + timedelta(days=90)
    assert volunteer.document_checked_until == ends
    assert volunteer.identity_checked_until == ends
    assert level_held(volunteer) == Vetting.DOCUMENT
    document.refresh_from_db()
    assert (document.status, document.reviewed_by, document.valid_until) == (DocumentStatus.APPROVED, agent, ends)
    (email,) = emails_to(volunteer.user, Event.VETTING_DECIDED)
    assert "vérifié" in email.subject and ends.strftime("%Y") in email.body


def test_an_approved_identity_document_checks_identity_only_for_a_year(agent):
    document = VettingDocumentFactory(identity=True)
    vetting_document_approve(document=document, by=agent)
    volunteer = document.volunteer
    volunteer.refresh_from_db()
    assert volunteer.identity_checked_until == timezone.localdate() + timedelta(days=365)
    assert volunteer.document_checked_until is None
    assert level_held(volunteer) == Vetting.IDENTITY


def test_a_refusal_needs_a_reason_and_is_told_with_it(agent):
    document = VettingDocumentFactory()
    with pytest.raises(VettingError, match="motif"):
        vetting_document_refuse(document=document, by=agent, reason="   ")
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    vetting_document_refuse(document=document, by=agent, reason="Le nom ne correspond pas au compte.")
    document.refresh_from_db()
    assert document.status == DocumentStatus.REFUSED and document.closed_at is not None
    (email,) = emails_to(document.volunteer.user, Event.VETTING_DECIDED)
    assert "Le nom ne correspond pas au compte." in email.body
    lines = dict(vetting_overview(document.volunteer))["Garde exceptionnelle d'enfants"]
    assert [(line.state, line.text) for line in lines] == [("refused", "refusé : Le nom ne correspond pas au compte.")]


def test_taking_an_approval_back_ends_the_level_at_once(agent):
    document = VettingDocumentFactory()
    vetting_document_approve(document=document, by=agent)
    vetting_document_refuse(document=document, by=agent, reason="Document falsifié.")
    volunteer = document.volunteer
    volunteer.refresh_from_db()
    assert volunteer.document_checked_until is None and volunteer.identity_checked_until is None
    assert level_held(volunteer) == Vetting.NONE


def test_a_decided_document_cannot_be_decided_again(agent):
    document = VettingDocumentFactory()
    vetting_document_refuse(document=document, by=agent, reason="Illisible.")
    with pytest.raises(VettingError):
        vetting_document_approve(document=document, by=agent)


def test_withdrawing_an_approved_document_ends_its_level(agent):
    document = VettingDocumentFactory()
    vetting_document_approve(document=document, by=agent)
    vetting_document_withdraw(document=document)
    document.volunteer.refresh_from_db()
    assert document.volunteer.document_checked_until is None


def test_the_nightly_task_warns_before_then_expires_and_ends_the_level(agent):
    document = VettingDocumentFactory(issued_on=timezone.localdate() - timedelta(days=80))
    vetting_document_approve(document=document, by=agent)
    volunteer = document.volunteer
    volunteer.refresh_from_db()
    ends = volunteer.document_checked_until
    assert ends == timezone.localdate() + timedelta(days=10)

    with time_machine.travel(timezone.now() + timedelta(days=4)):  # 6 days left: warned, once
        assert expire_vetting_documents() == 0
        expire_vetting_documents()
    (warning,) = emails_to(volunteer.user, Event.VETTING_EXPIRY)
    assert "expire le" in warning.subject and "casier-judiciaire.justice.gouv.fr" in warning.body

    with time_machine.travel(timezone.now() + timedelta(days=11)):
        # Past its last day the level is gone even before the task runs: the matching compares the date.
        volunteer.refresh_from_db()
        assert level_held(volunteer) == Vetting.NONE
        assert expire_vetting_documents() == 1
        assert expire_vetting_documents() == 0
    document.refresh_from_db()
    volunteer.refresh_from_db()
    assert document.status == DocumentStatus.EXPIRED
    assert volunteer.document_checked_until is None and volunteer.identity_checked_until is None
    subjects = [email.subject for email in emails_to(volunteer.user, Event.VETTING_EXPIRY)]
    assert sorted("a expiré" in subject for subject in subjects) == [False, True]


def test_a_later_document_keeps_the_level_when_the_older_one_expires(agent):
    older = VettingDocumentFactory(issued_on=timezone.localdate() - timedelta(days=85))
    vetting_document_approve(document=older, by=agent)
    newer = VettingDocumentFactory(volunteer=older.volunteer, issued_on=timezone.localdate())
    vetting_document_approve(document=newer, by=agent)
    with time_machine.travel(timezone.now() + timedelta(days=10)):
        assert expire_vetting_documents() == 1
        older.volunteer.refresh_from_db()
        assert older.volunteer.document_checked_until == newer.issued_on + timedelta(days=90)
        assert level_held(older.volunteer) == Vetting.DOCUMENT
    # Its end is no news to her: neither the warning nor the expiry is sent.
    assert emails_to(older.volunteer.user, Event.VETTING_EXPIRY) == []


def test_the_retention_deletes_the_file_of_a_refused_document_and_keeps_the_row(agent):
    refused = VettingDocumentFactory()
    vetting_document_refuse(document=refused, by=agent, reason="Illisible.")
    kept = VettingDocumentFactory()
    vetting_document_approve(document=kept, by=agent)
    storage = refused.file.storage
    refused_name, kept_name = refused.file.name, kept.file.name
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert retention_apply()["deleted_document_files"] == 0
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        assert retention_apply()["deleted_document_files"] == 1
    refused.refresh_from_db()
    assert not refused.file and refused.file_deleted_at is not None
    assert refused.status == DocumentStatus.REFUSED  # the row stays, for the history
    assert not storage.exists(refused_name)
    assert storage.exists(kept_name)


def test_the_export_lists_her_documents_without_their_files(agent):
    document = VettingDocumentFactory()
    vetting_document_approve(document=document, by=agent)
    data = volunteer_export(User.objects.get(pk=document.volunteer.user_id))
    (line,) = data["justificatifs"]
    assert line["document"] == "Extrait de casier judiciaire (bulletin n° 3)"
    assert line["etat"] == "Vérifié"
    assert line["valable_jusqu_au"] == (document.issued_on + timedelta(days=90)).isoformat()
    assert document.file.name not in str(data)
    assert data["profil"]["justificatif_verifie_jusqu_au"] == line["valable_jusqu_au"]


def test_deleting_the_account_deletes_her_documents_and_their_files(client, django_capture_on_commit_callbacks):
    document = VettingDocumentFactory()
    storage, name = document.file.storage, document.file.name
    client.force_login(AgentFactory())
    b"".join(client.get(reverse("volunteers:vetting_document_file", args=[document.pk])).streaming_content)
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_delete(user=document.volunteer.user)
    assert not VettingDocument.objects.filter(pk=document.pk).exists()
    assert not storage.exists(name)


def test_the_profile_shows_the_status_per_help_type_that_asks_for_a_check(client, agent):
    document = VettingDocumentFactory()
    client.force_login(document.volunteer.user)
    page = client.get(reverse("volunteers:profile")).content.decode()
    assert 'id="verifications"' in page and "en attente de vérification" in page
    vetting_document_approve(document=document, by=agent)
    page = client.get(reverse("volunteers:profile")).content.decode()
    ends = (document.issued_on + timedelta(days=90)).strftime("%d/%m/%Y")
    assert f"vérifié, valable jusqu&#x27;au {ends}" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_two_documents_sent_at_once_keep_the_last_one_waiting_instead_of_failing():
    """A double click on "Envoyer": the second sending waits for the first and replaces it (a unique constraint keeps
    one waiting per kind), rather than breaking on that constraint."""
    volunteer = VettingDocumentFactory(status=DocumentStatus.WITHDRAWN).volunteer
    first_sent, commit_first = threading.Event(), threading.Event()
    outcomes = {}

    def send(name, hold):
        try:
            with transaction.atomic():
                upload = SimpleUploadedFile(f"{name}.pdf", PDF)
                outcomes[name] = vetting_document_submit(
                    volunteer=volunteer, kind=DocumentKind.CRIMINAL_RECORD, file=upload, issued_on=date.today()
                )
                if hold:
                    first_sent.set()
                    commit_first.wait(timeout=30)
        except Exception as error:
            outcomes[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first", True))
    first.start()
    assert first_sent.wait(timeout=30)
    second = threading.Thread(target=send, args=("second", False))
    second.start()
    # The first commits only once the second waits on a lock it holds: the race at its narrowest, without sleeping.
    for _attempt in range(3000):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
        time.sleep(0.01)
    commit_first.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert isinstance(outcomes["second"], VettingDocument), outcomes["second"]
    assert list(VettingDocument.objects.pending().values_list("pk", flat=True)) == [outcomes["second"].pk]
    assert VettingDocument.objects.get(pk=outcomes["first"].pk).status == DocumentStatus.WITHDRAWN


def test_saving_her_profile_form_does_not_write_back_dates_staff_changed_meanwhile(agent):
    """Her profile page was loaded before staff approved her extract: saving it must not erase the approval."""
    document = VettingDocumentFactory()
    stale = VolunteerProfile.objects.get(pk=document.volunteer_id)
    vetting_document_approve(document=document, by=agent)
    stale.other_skills = "couture"
    stale.save()
    stale.refresh_from_db()
    assert stale.other_skills == "couture"
    assert stale.document_checked_until == document.issued_on + timedelta(days=90)
