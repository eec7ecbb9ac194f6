"""Delivery rules of the outbox, in-process: sent once, retried then failed, shown and retried by staff."""

import threading
import time
from smtplib import SMTPServerDisconnected
from types import SimpleNamespace

import pytest
import time_machine
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.sms import LocmemBackend, SmsLength, sms_length
from notifications import delivery, outbox
from notifications.enums import Channel, DeliveryStatus, Event
from notifications.models import Notification
from notifications.tasks import deliver_notification, sweep_outbox
from tests.core.test_brand import STATE_IDENTITY

pytestmark = pytest.mark.django_db


class BrokenEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connexion au serveur SMTP perdue")


class SlowSmsBackend(LocmemBackend):
    """Holds the line long enough for a second delivery of the same row to arrive meanwhile."""

    def send(self, message):
        time.sleep(0.5)
        super().send(message)


def email_row(**overrides) -> Notification:
    fields = {"event": Event.INVITATION, "channel": Channel.EMAIL, "recipient": "a@exemple.fr", "subject": "Objet"}
    return Notification.objects.create(**{"body": "Bonjour <b>", **fields, **overrides})


def test_an_email_has_a_french_text_part_and_an_escaped_html_part(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_add(Event.INVITATION, to="a@exemple.fr", context={
            "association": type("A", (), {"name": "<script>alert(1)</script>"})(),
            "invited_by": type("U", (), {"email": "b@exemple.fr"})(),
            "link": "https://entraide54.fr/associations/invitation/abc/",
        })  # fmt: skip

    [mail] = mailoutbox
    assert "vous invite à rejoindre <script>alert(1)</script>" in mail.body  # plain text: as typed
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and '<html lang="fr">' in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<a href="https://entraide54.fr/associations/invitation/abc/"' in html
    assert Notification.objects.get().status == DeliveryStatus.SENT


def test_an_email_s_html_carries_the_operator_s_brand_and_not_the_state_s(
    settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BRAND_COLOR = "#6a1b4d"
    settings.OPERATOR_NAME = "Département des Vosges"
    settings.PORTAL_NAME = "Entraide 88"
    with django_capture_on_commit_callbacks(execute=True):
        outbox.email_add(Event.INVITATION, to="a@exemple.fr", context={
            "association": type("A", (), {"name": "Les Amis"})(),
            "invited_by": type("U", (), {"email": "b@exemple.fr"})(),
            "link": "https://entraide88.fr/associations/invitation/abc/",
        })  # fmt: skip

    [mail] = mailoutbox
    html, _mimetype = mail.alternatives[0]
    assert "border-top:6px solid #6a1b4d" in html  # the top rule in the operator's colour
    header = html[html.index("<tr>") : html.index("</tr>")]
    assert header.index("Entraide 88") < header.index("Département des Vosges")  # the operator under the portal
    assert not STATE_IDENTITY.search(html) and "#000091" not in html.lower()  # nor the State's blue


def test_a_backend_that_keeps_failing_leaves_the_row_failed_with_its_error(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    notification = email_row()

    delays = []
    for _attempt in range(4):  # the worker's retries, each when its row is due
        notification.refresh_from_db()
        with time_machine.travel(notification.next_attempt_at, tick=False):
            delays.append(delivery.deliver(notification.pk))

    assert [delay and delay.total_seconds() for delay in delays] == [60, 120, None, None]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 3)
    assert notification.last_error == "SMTPServerDisconnected: Connexion au serveur SMTP perdue"
    assert notification.sent_at is None


def test_a_failed_send_inside_a_web_request_never_shows_an_error_page(
    client, settings, django_capture_on_commit_callbacks
):
    from tests.requests_app.factories import valid_form_data

    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("requests:new"), valid_form_data(preferred_channel="email"))

    assert response.status_code == 302
    notification = Notification.objects.get(channel=Channel.EMAIL)
    assert (notification.status, notification.attempts) == (DeliveryStatus.PENDING, 1)  # the sweep retries


def test_retries_wait_longer_each_time_up_to_an_hour():
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4, 7, 8)] == [60, 120, 240, 480, 3600, 3600]


def test_a_sent_row_is_never_sent_again(mailoutbox):
    notification = email_row()
    delivery.deliver(notification.pk)
    delivery.deliver(notification.pk)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENT, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_two_deliveries_of_one_row_at_the_same_moment_send_it_once(settings):
    settings.SMS_BACKEND = f"{__name__}.SlowSmsBackend"
    LocmemBackend.outbox.clear()
    notification = Notification.objects.create(
        event=Event.REQUEST_RECEIVED, channel=Channel.SMS, recipient="+33612345678", body="Demande reçue."
    )

    def deliver():
        try:
            delivery.deliver(notification.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [message.to for message in LocmemBackend.outbox] == ["+33612345678"]
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (DeliveryStatus.SENT, 1)


def test_a_duplicate_task_before_the_row_s_next_try_does_not_shorten_the_backoff(settings, mailoutbox):
    from django.utils import timezone

    waiting = email_row(next_attempt_at=timezone.now() + timezone.timedelta(minutes=2), attempts=1)
    assert delivery.deliver(waiting.pk) is None
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts, mailoutbox) == (DeliveryStatus.PENDING, 1, [])


def test_a_swept_row_is_not_swept_again_while_its_task_waits_its_turn(settings, monkeypatch):
    from django.utils import timezone

    settings.NOTIFICATION_SWEEP_MINUTES = 3
    # The task sits behind a backlog.
    monkeypatch.setattr(deliver_notification, "enqueue", lambda notification_id: None)
    email_row(next_attempt_at=timezone.now() - timezone.timedelta(minutes=10))

    assert sweep_outbox() == 1
    assert sweep_outbox() == 0


def test_the_sweep_takes_overdue_pending_rows_only(settings, mailoutbox):
    settings.NOTIFICATION_SWEEP_MINUTES = 3
    from django.utils import timezone

    long_ago = timezone.now() - timezone.timedelta(minutes=10)
    lost = email_row(recipient="perdu@exemple.fr", next_attempt_at=long_ago)
    email_row(recipient="recent@exemple.fr")  # its task is probably on its way
    email_row(recipient="envoye@exemple.fr", next_attempt_at=long_ago, status=DeliveryStatus.SENT)

    assert sweep_outbox() == 1

    assert [mail.to for mail in mailoutbox] == [["perdu@exemple.fr"]]
    lost.refresh_from_db()
    assert lost.status == DeliveryStatus.SENT


def test_staff_see_failed_messages_with_their_error_and_send_them_again(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    failed = email_row(status=DeliveryStatus.FAILED, attempts=5, last_error="SMTPServerDisconnected: perdu")
    changelist = reverse("admin:notifications_notification_changelist")

    page = client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "SMTPServerDisconnected: perdu" in page and "a@exemple.fr" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {"action": "retry", "_selected_action": [failed.pk]}, follow=True)

    assert "1 notification renvoyée." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (DeliveryStatus.SENT, 1)
    assert [mail.to for mail in mailoutbox] == [["a@exemple.fr"]]


def test_the_outbox_is_read_only_in_the_admin(client, staff):
    notification = email_row()
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403
    response = client.post(
        reverse("admin:notifications_notification_change", args=[notification.pk]), {"recipient": "x@exemple.fr"}
    )
    assert response.status_code == 403
    notification.refresh_from_db()
    assert notification.recipient == "a@exemple.fr"


def test_a_non_staff_user_cannot_reach_the_outbox(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def proposal_context(commune: str) -> dict:
    from datetime import datetime
    from types import SimpleNamespace

    return {
        "help_request": SimpleNamespace(
            commune=SimpleNamespace(name=commune), help_type=SimpleNamespace(name="Courses"), reply_code="9PXD"
        ),
        "proposal": SimpleNamespace(respond_by=timezone.make_aware(datetime(2026, 3, 2, 14, 0))),
        "url": "https://entraide54.fr/benevoles/propositions/12/",
        "details": True,  # said when there is room (matching.notices): here, the link is what may not fit
    }


def test_an_sms_made_unicode_by_a_name_is_spelled_in_gsm_rather_than_cut_to_70(caplog):
    row = outbox.sms_add(Event.PROPOSAL_MADE, to="+33612345678", context=proposal_context("Fontenoy-la-Joûte"))

    assert row.body == (
        "Entraide 54 : Courses à Fontenoy-la-Joute. Répondez OUI 9PXD ou NON 9PXD avant le 2/03 à 14h00. "
        "Détails : https://entraide54.fr/benevoles/propositions/12/"
    )  # "é" is GSM's: only the circumflex went
    assert sms_length(row.body) == SmsLength(encoding="GSM-7", units=len(row.body), parts=1)
    assert not caplog.records


def test_a_link_that_would_make_an_sms_too_long_is_left_out_rather_than_the_text_cut(caplog):
    row = outbox.sms_add(
        Event.PROPOSAL_MADE, to="+33612345678", context=proposal_context("Laneuveville-derrière-Foug")
    )

    assert row.body == (
        "Entraide 54 : Courses à Laneuveville-derrière-Foug. Répondez OUI 9PXD ou NON 9PXD avant le 2/03 à 14h00. "
        "Détails : votre espace bénévole."
    )
    assert sms_length(row.body) == SmsLength(encoding="GSM-7", units=len(row.body), parts=1)
    assert not caplog.records


def test_no_link_is_written_when_the_provider_would_refuse_it(settings):
    settings.SMS_BACKEND, settings.OVH_SMS_SENDER = "ovh", ""  # OVHcloud's short number: core.sms.links_allowed
    body = outbox.sms_text(Event.PROPOSAL_MADE, proposal_context("Nancy"))
    assert body.endswith("Détails : votre espace bénévole.") and "https://" not in body


def test_what_is_said_only_when_there_is_room_is_left_out_when_there_is_not(settings):
    context = {"help_request": SimpleNamespace(reference="E54-7K3Q-9PXD"), "hotline": "03 83 94 54 54"}
    kept = outbox.sms_context_fitting(Event.HELP_ARRIVED_ASKED, context, "hotline")
    assert kept == context and kept is not context

    settings.PORTAL_NAME = "Entraide " * 5
    assert outbox.sms_context_fitting(Event.HELP_ARRIVED_ASKED, context, "hotline")["hotline"] == ""


def test_an_sms_too_long_for_one_message_is_cut_and_the_template_reported(settings, caplog):
    settings.PORTAL_NAME = "Entraide " * 20
    row = outbox.sms_add(Event.PROPOSAL_MADE, to="+33612345678", context=proposal_context("Nancy"))

    assert len(row.body) == 160 and row.body.endswith("...")
    assert "SMS for proposal_made is" in caplog.text


def test_staff_see_whether_an_sms_arrived_and_find_it_by_the_provider_s_id(client, staff):
    sms = {"event": Event.REQUEST_RECEIVED, "channel": Channel.SMS, "body": "-", "reported_at": timezone.now()}
    Notification.objects.create(recipient="+33612345678", status="delivered", provider_message_id="265420001", **sms)
    Notification.objects.create(
        recipient="+33698765432", status="failed", provider_message_id="265420002", **sms,
        last_error="Non remis selon OVHcloud : Unknown subscriber (dlr 16, ptt 2)",
    )  # fmt: skip
    changelist = reverse("admin:notifications_notification_changelist")

    page = client.get(changelist, {"status__exact": "delivered"}).content.decode()
    assert "+33612345678" in page and "Remise" in page and "+33698765432" not in page
    page = client.get(changelist, {"q": "265420002"}).content.decode()
    assert "+33698765432" in page and "Unknown subscriber (dlr 16, ptt 2)" in page and "+33612345678" not in page
