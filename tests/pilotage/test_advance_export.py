"""The accountant's CSV of shopping advances (pilotage.views.export_advances): its rows, the French decimal comma,
the period, the escaping of cells a spreadsheet would run, the access log, and who may download it."""

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from pilotage import exports
from requests_app.advances import advance_answer, advance_approve, advance_repaid
from requests_app.enums import AccessReason
from requests_app.models import AccessLog, Advance
from tests.accounts.factories import UserFactory
from tests.requests_app.factories import HelpRequestFactory
from tests.requests_app.shopping import advance_recorded
from tests.volunteers.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db

URL = "/pilotage/exports/avances.csv"


def read_csv(response) -> tuple[str, list[list[str]]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix(exports.BOM)), delimiter=";"))


def test_the_export_is_for_staff_with_the_export_power(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    client.force_login(UserFactory(staff=True))  # outside the staff group
    assert client.get(URL).status_code == 403


def test_the_rows_say_reference_dates_volunteer_amount_confirmation_approval_and_repayment(client, staff, settings):
    settings.ADVANCE_MAX_EUROS = 2000  # a thousands figure, to show it has no separator
    volunteer = VolunteerProfileFactory(user__first_name='=HYPERLINK("http://x")', user__last_name="Roy")
    repaid = advance_recorded(HelpRequestFactory(triaged=True), amount="1234.5", volunteer=volunteer)
    advance_answer(advance=repaid, confirmed=True, by=staff)
    advance_approve(advance=repaid, by=staff)
    advance_repaid(advance=repaid, by=staff, on=timezone.localdate())
    waiting = advance_recorded(HelpRequestFactory(triaged=True), amount="7")
    text, rows = read_csv(client.get(URL))
    assert text.startswith(exports.BOM + "Référence;")
    assert rows[0] == [
        "Référence", "Type d'aide", "Déclarée le", "Bénévole", "Montant (€)", "État",
        "Confirmation de la personne", "Confirmée ou contestée le", "Remboursement", "Décidé le", "Remboursée le",
    ]  # fmt: skip
    first, second = rows[1:]
    assert first[0] == repaid.help_request.reference and first[1] == "Courses"
    assert first[3] == '\'=HYPERLINK("http://x") Roy'  # a name that would run as a formula is shown as text
    assert first[4] == "1234,50" and first[5] == "Remboursée"
    assert first[6] == "confirmée (au téléphone, avec un agent)" and first[8] == "acceptée"
    assert first[10] == timezone.localdate().isoformat()
    assert second[0] == waiting.help_request.reference
    assert (second[4], second[6], second[8], second[10]) == ("7,00", "en attente", "", "")


def test_the_period_chooses_the_advances_declared_in_it(client, staff):
    old = advance_recorded(HelpRequestFactory(triaged=True))
    Advance.objects.filter(pk=old.pk).update(recorded_at=timezone.now() - timedelta(days=40))
    recent = advance_recorded(HelpRequestFactory(triaged=True))
    _, rows = read_csv(client.get(URL))  # the last 30 days by default
    assert [row[0] for row in rows[1:]] == [recent.help_request.reference]
    since = (timezone.localdate() - timedelta(days=60)).isoformat()
    _, rows = read_csv(client.get(URL, {"du": since}))
    assert [row[0] for row in rows[1:]] == [old.help_request.reference, recent.help_request.reference]


def test_bad_dates_are_refused_rather_than_widened(client, staff):
    response = client.get(URL, {"du": "2026-05-01", "au": "2026-04-01"})
    assert response.status_code == 400 and "Dates invalides" in response.content.decode()


def test_the_export_and_each_advance_s_request_are_in_the_access_log(client, staff):
    advance = advance_recorded(HelpRequestFactory(triaged=True))
    read_csv(client.get(URL))
    lines = AccessLog.objects.filter(user=staff, reason=AccessReason.EXPORT)
    assert sorted(lines.values_list("help_request_id", flat=True), key=str) == [advance.help_request.pk, None]
