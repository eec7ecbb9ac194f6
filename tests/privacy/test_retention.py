"""Retention with the clock moved: closed requests anonymised after RETENTION_DAYS, unverified accounts purged."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core.append_only import create_sql
from core.sms import ReceivedSms
from matching.services import proposal_accept, proposal_complete, proposal_create
from notifications.inbound import receive
from notifications.models import InboundSms, Notification
from requests_app.callbacks import CallbackPlan, callback_attempt_record
from requests_app.enums import CallbackOrigin, CallbackOutcome, Status
from requests_app.models import AccessLog, CallbackAttempt, HelpRequest, RequestNote
from requests_app.retention import retention_apply
from requests_app.services import help_request_create
from tests.accounts.factories import UserFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0)


def closed_request() -> HelpRequest:
    help_request = help_request_create(
        help_request=HelpRequestFactory.build(
            requester_name="Paulette Secret",
            requester_email="paulette@exemple.fr",
            beneficiary_name="Lucien Secret",
            beneficiary_phone="+33611223344",
            address="3 impasse des Roses",
            description="Ma clé est chez la voisine.",
            volunteer_summary="Courses pour Lucien, rue des Roses",
            preferred_channel="email",
        ),
        note="Rappelée par l'agent.",
        callback=CallbackPlan(origin=CallbackOrigin.AGENT, due_at=START + timedelta(days=1)),
    )
    callback_attempt_record(
        callback=help_request.callbacks.get(), outcome=CallbackOutcome.REACHED, note="Lucien répond, sa fille aussi."
    )
    help_request.triage()
    proposal = proposal_create(help_request=help_request, volunteer=VolunteerProfileFactory())
    proposal_complete(
        proposal=proposal_accept(proposal=proposal), report="Courses livrées chez Lucien.", concern=False
    )
    return HelpRequest.objects.get(pk=help_request.pk)


def test_a_closed_request_is_anonymised_after_the_retention_period_and_its_statistics_stay(settings):
    settings.RETENTION_DAYS = 90
    with time_machine.travel(START, tick=False):
        help_request = closed_request()
        still_open = HelpRequestFactory(triaged=True, requester_name="Ouverte Toujours")
    assert Notification.objects.filter(help_request=help_request).exists()

    with time_machine.travel(START + timedelta(days=89), tick=False):
        assert retention_apply()["anonymised_requests"] == 0
    with time_machine.travel(START + timedelta(days=91), tick=False):
        assert retention_apply()["anonymised_requests"] == 1
        assert retention_apply()["anonymised_requests"] == 0  # once

    help_request.refresh_from_db()
    erased = ("requester_name", "requester_email", "beneficiary_name", "address", "description", "volunteer_summary")
    assert all(getattr(help_request, field) == "" for field in erased)
    assert str(help_request.requester_phone or "") == "" and str(help_request.beneficiary_phone or "") == ""
    attempt = CallbackAttempt.objects.get(callback__help_request=help_request)
    assert (attempt.note, attempt.outcome) == ("", CallbackOutcome.REACHED)  # the call's outcome stays, not its note
    assert help_request.anonymised_at is not None
    # What statistics need stays.
    assert (help_request.status, help_request.help_type.code, help_request.commune.insee) == (
        Status.DONE,
        "shopping",
        "54395",
    )
    assert help_request.created_at == START and help_request.status_changes.count() == 5
    assert not RequestNote.objects.filter(help_request=help_request).exists()
    assert not help_request.status_changes.exclude(note="").exists()
    proposal = help_request.proposals.get()
    assert (proposal.report, proposal.decline_reason, proposal.explanation) == ("", "", "")
    assert not Notification.objects.filter(help_request=help_request).exists()
    still_open.refresh_from_db()
    assert still_open.requester_name == "Ouverte Toujours"


def test_an_account_never_verified_is_removed_after_its_grace_period(settings):
    settings.UNVERIFIED_ACCOUNT_DAYS = 30
    with time_machine.travel(START, tick=False):
        never = UserFactory(email="jamais@exemple.fr", verified=False)
        EmailAddress.objects.create(user=never, email=never.email, verified=False, primary=True)
        verified = UserFactory(email="verifie@exemple.fr")
    with time_machine.travel(START + timedelta(days=29), tick=False):
        assert retention_apply()["purged_accounts"] == 0
    with time_machine.travel(START + timedelta(days=31), tick=False):
        assert retention_apply()["purged_accounts"] == 1
    assert list(User.objects.values_list("email", flat=True)) == [verified.email]


def test_access_log_lines_older_than_a_year_go_and_younger_ones_stay(client, staff):
    help_request = HelpRequestFactory()
    url = f"/admin/requests_app/helprequest/{help_request.pk}/change/"
    with time_machine.travel(START - timedelta(days=400), tick=False):
        client.get(url)
    with time_machine.travel(START - timedelta(days=200), tick=False):
        client.get(url)
    with time_machine.travel(START, tick=False):
        retention_apply()
    assert AccessLog.objects.count() == 1


def test_the_access_log_is_kept_as_long_as_the_database_refuses_to_delete_it(settings):
    """The trigger's interval is written in the logs' migrations (core.append_only), which must not change: the
    setting says the same."""
    assert re.findall(r"interval '(\d+) days'", create_sql("requests_app_accesslog")) == [
        str(settings.ACCESS_LOG_DAYS)
    ]
    with connection.cursor() as cursor:  # and the function the database runs is the migration's
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'requests_app_accesslog_append_only'")
        assert f"interval '{settings.ACCESS_LOG_DAYS} days'" in cursor.fetchone()[0]


def test_the_nightly_task_deletes_access_log_lines_only_once_the_database_allows_it(client, staff, settings):
    help_request = HelpRequestFactory()
    url = f"/admin/requests_app/helprequest/{help_request.pk}/change/"
    for age in (settings.ACCESS_LOG_DAYS + 2, settings.ACCESS_LOG_DAYS - 1):
        with time_machine.travel(START - timedelta(days=age), tick=False):
            client.get(url)
    with time_machine.travel(START, tick=False):
        retention_apply()  # a refused DELETE would raise here
    assert AccessLog.objects.get().at == START - timedelta(days=settings.ACCESS_LOG_DAYS - 1)


def test_failed_logins_are_removed_after_their_period(settings):
    settings.LOGIN_FAILURES_DAYS = 10
    with time_machine.travel(START, tick=False):
        AccessAttempt.objects.create(
            username="quelquun@exemple.fr", ip_address="192.0.2.1", user_agent="", get_data="", post_data="",
            http_accept="", path_info="/comptes/connexion/", failures_since_start=1,
        )  # fmt: skip
    with time_machine.travel(START + timedelta(days=9), tick=False):
        retention_apply()
    assert AccessAttempt.objects.count() == 1
    with time_machine.travel(START + timedelta(days=11), tick=False):
        retention_apply()
    assert AccessAttempt.objects.count() == 0


def test_the_privacy_notice_states_the_access_log_period_the_task_applies(client, settings):
    settings.ACCESS_LOG_DAYS = 400
    page = client.get(reverse("core:privacy")).content.decode()
    assert "est conservé 400 jours" in html.unescape(page)


def test_sms_received_go_with_their_request_or_after_the_period_when_no_request_claims_them(settings):
    with time_machine.travel(START, tick=False):
        help_request = closed_request()
        about_it = receive(ReceivedSms("twilio", "SM-1", "+33611223344", "Merci, Lucien va mieux", timezone.now()))
        InboundSms.objects.filter(pk=about_it.pk).update(help_request=help_request)
        unclaimed = receive(ReceivedSms("twilio", "SM-2", "+33699887766", "C'est qui ?", timezone.now()))
        Notification.objects.create(
            event="sms_answer", channel="sms", recipient="+33611223344", body="Reçu", in_reply_to=about_it
        )
    with time_machine.travel(START + timedelta(days=settings.RETENTION_DAYS - 1), tick=False):
        retention_apply()
    assert set(InboundSms.objects.values_list("pk", flat=True)) == {about_it.pk, unclaimed.pk}

    with time_machine.travel(START + timedelta(days=settings.RETENTION_DAYS + 1), tick=False):
        retention_apply()
    assert not InboundSms.objects.exists()
    assert not Notification.objects.filter(recipient="+33611223344", event="sms_answer").exists()
