"""The calling side's pages: who opens a call sheet (its caller while the campaign runs, staff who run campaigns,
nobody else: 404), what it shows and logs, the quick outcome form, the printed sheet, the paper sheet typed back, the
staff's campaign pages and the people to reach otherwise; query counts that do not grow with the people."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CallOutcome, CampaignStatus, EntryState, RegisterAccessReason
from campaigns.models import CallAttempt, Campaign, CampaignEntry, RegisterAccessLog
from campaigns.services import campaign_close
from core.models import HelpType
from requests_app.enums import Source
from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory, UserFactory
from tests.campaigns.calling import SCRIPT, running_campaign, vetted_volunteer
from tests.campaigns.factories import RegisterEntryFactory, RegisterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caller():
    return vetted_volunteer()


@pytest.fixture
def campaign(caller):
    return running_campaign(callers=[caller], people=3, last_name="Lambert", notes="Sourde : laisser sonner")


def sheet_url(campaign, name="campaigns:sheet"):
    return reverse(name, args=[campaign.sheets.get().pk])


def logged(reason):
    return RegisterAccessLog.objects.filter(reason=reason).count()


# --- Who opens a sheet ------------------------------------------------------------------------------------------


def test_the_caller_sees_her_people_with_phone_links_and_the_script_and_each_look_is_logged(client, caller, campaign):
    client.force_login(caller)
    response = client.get(sheet_url(campaign))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for person in campaign.entries.select_related("entry"):
        assert person.entry.full_name in page
        assert f'href="tel:{person.entry.phone.as_e164}"' in page
    assert SCRIPT in page and "Sourde : laisser sonner" in page
    assert logged(RegisterAccessReason.CALLER) == 3
    assert RegisterAccessLog.objects.filter(user=caller, entry__isnull=False).count() == 3


@pytest.mark.parametrize("who", ["other_caller", "plain_user", "agent_outside_the_group"])
def test_nobody_else_opens_a_sheet(client, campaign, who):
    someone = {
        "other_caller": vetted_volunteer,
        "plain_user": UserFactory,
        "agent_outside_the_group": lambda: UserFactory(is_staff=True),
    }[who]()
    client.force_login(someone)
    for name in ("campaigns:sheet", "campaigns:sheet_print", "campaigns:sheet_type_back"):
        assert client.get(sheet_url(campaign, name)).status_code == 404
    person = campaign.entries.first()
    url = reverse("campaigns:call_record", args=[person.sheet_id, person.pk])
    assert client.post(url, {f"p{person.pk}-outcome": CallOutcome.WELL}).status_code == 404
    assert not CallAttempt.objects.exists() and not RegisterAccessLog.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, campaign):
    response = client.get(sheet_url(campaign))
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


@pytest.mark.parametrize("state", ["draft", "closed"])
def test_the_caller_sees_her_sheet_only_while_the_campaign_runs(client, caller, state):
    campaign = running_campaign(callers=[caller], people=1, start=state != "draft")
    if state == "closed":
        campaign_close(campaign=campaign)
    client.force_login(caller)
    assert client.get(sheet_url(campaign)).status_code == 404
    assert html.unescape(client.get(reverse("campaigns:my_sheets")).content.decode()).count("fiche 1") == 0


def test_staff_who_run_campaigns_open_any_sheet_and_the_look_is_logged_as_theirs(client, staff, campaign):
    assert client.get(sheet_url(campaign)).status_code == 200
    assert logged(RegisterAccessReason.STAFF) == 3


def test_my_sheets_lists_the_caller_s_sheets_of_running_campaigns_and_no_name(client, caller, campaign):
    client.force_login(caller)
    page = html.unescape(client.get(reverse("campaigns:my_sheets")).content.decode())
    assert sheet_url(campaign) in page and "3 personnes à appeler sur 3" in page
    assert "Lambert" not in page


def test_a_hotline_agent_is_given_a_sheet_and_opens_it(client):
    agent = AgentFactory()
    campaign = running_campaign(callers=[agent], people=2)
    client.force_login(agent)
    assert client.get(sheet_url(campaign)).status_code == 200
    assert logged(RegisterAccessReason.CALLER) == 2


# --- The quick outcome form ---------------------------------------------------------------------------------------


def post_outcome(client, person, **fields):
    url = reverse("campaigns:call_record", args=[person.sheet_id, person.pk])
    return client.post(url, {f"p{person.pk}-{key}": value for key, value in fields.items()})


def test_an_outcome_is_recorded_and_the_page_comes_back_at_the_next_person(client, caller, campaign):
    client.force_login(caller)
    first, second, _third = campaign.entries.order_by("position")
    response = post_outcome(client, first, outcome=CallOutcome.WELL, note="Sa fille passe tous les jours")
    assert response.status_code == 302 and response["Location"].endswith(f"#personne-{second.pk}")
    first.refresh_from_db()
    assert first.state == EntryState.WELL
    assert first.attempts.get().note == "Sa fille passe tous les jours"


def test_needs_help_files_a_request_that_the_triage_queue_shows(client, caller, campaign):
    client.force_login(caller)
    person = campaign.entries.order_by("position").first()
    post_outcome(
        client, person, outcome=CallOutcome.NEEDS_HELP, help_type=HelpType.objects.get(code="shopping").pk,
        agreed="on", note="Plus rien dans le frigo.",
    )  # fmt: skip
    person.refresh_from_db()
    help_request = HelpRequest.objects.get()
    assert person.help_request == help_request and help_request.source == Source.CAMPAIGN
    client.force_login(AgentFactory())
    queue = client.get(reverse("admin:requests_app_helprequest_changelist"))
    assert help_request.reference in queue.content.decode()


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"outcome": CallOutcome.NEEDS_HELP, "agreed": "on"}, "Indiquez de quelle aide"),
        ({"outcome": CallOutcome.NEEDS_HELP, "help_type": "1"}, "Sans son accord"),
        ({"outcome": "n'importe quoi"}, "Sélectionnez un choix valide"),
        ({}, "Ce champ est obligatoire"),
    ],
)
def test_a_wrong_form_comes_back_with_its_error_and_records_nothing(client, caller, campaign, fields, error):
    client.force_login(caller)
    person = campaign.entries.first()
    if "help_type" in fields:
        fields["help_type"] = HelpType.objects.get(code="shopping").pk
    response = post_outcome(client, person, **fields, note="gardée")
    assert response.status_code == 400
    assert error in html.unescape(response.content.decode()) and "gardée" in html.unescape(response.content.decode())
    assert not CallAttempt.objects.exists() and not HelpRequest.objects.exists()


def test_a_person_already_reached_cannot_be_recorded_again_from_the_sheet(client, caller, campaign):
    client.force_login(caller)
    person = campaign.entries.first()
    post_outcome(client, person, outcome=CallOutcome.WELL)
    assert post_outcome(client, person, outcome=CallOutcome.REFUSED).status_code == 404
    assert person.attempts.count() == 1


# --- Paper -----------------------------------------------------------------------------------------------------------


def test_the_printed_sheet_holds_the_people_to_call_their_phones_the_script_and_boxes(client, caller, campaign):
    client.force_login(caller)
    done = campaign.entries.order_by("position").first()
    post_outcome(client, done, outcome=CallOutcome.WELL)
    page = html.unescape(client.get(sheet_url(campaign, "campaigns:sheet_print")).content.decode())
    assert SCRIPT in page and "css/call-sheets.css" in page
    for person in campaign.entries.exclude(pk=done.pk).select_related("entry"):
        assert person.entry.full_name in page and person.entry.phone.as_national in page
    assert done.entry.full_name not in page
    assert page.count('class="entraide-box"') == 2 * (len(CallOutcome) + 1)
    assert logged(RegisterAccessReason.PRINT) == 2


def test_staff_print_every_sheet_of_a_campaign_one_section_each(client, staff):
    campaign = running_campaign(callers=[vetted_volunteer(), vetted_volunteer()], people=5)
    page = html.unescape(client.get(reverse("campaigns:campaign_print", args=[campaign.pk])).content.decode())
    assert page.count('class="entraide-call-sheet"') == 2
    assert logged(RegisterAccessReason.PRINT) == 5


def paper_row(person, **fields):
    return {f"p{person.pk}-{key}": value for key, value in fields.items()}


def test_a_paper_sheet_typed_back_records_the_rows_filled_and_skips_the_empty_ones(client, caller, campaign):
    client.force_login(caller)
    first, second, third = campaign.entries.order_by("position")
    yesterday = timezone.localdate() - timedelta(days=1)
    form = client.get(sheet_url(campaign, "campaigns:sheet_type_back"))
    assert form.status_code == 200 and first.entry.full_name in form.content.decode()
    response = client.post(
        sheet_url(campaign, "campaigns:sheet_type_back"),
        {
            "called_on": yesterday.isoformat(),
            **paper_row(first, outcome=CallOutcome.NO_ANSWER),
            **paper_row(second, outcome=""),
            **paper_row(
                third,
                outcome=CallOutcome.NEEDS_HELP,
                help_type=HelpType.objects.get(code="medicine").pk,
                agreed="on",
                note="Pharmacie",
            ),  # fmt: skip
        },
    )
    assert response.status_code == 302
    recorded = list(CallAttempt.objects.values_list("campaign_entry", "from_paper"))
    assert recorded == [(first.pk, True), (third.pk, True)]
    assert timezone.localdate(CallAttempt.objects.first().at) == yesterday
    second.refresh_from_db()
    assert second.state == EntryState.TO_CALL
    assert HelpRequest.objects.get().source == Source.CAMPAIGN


def test_a_paper_sheet_with_one_wrong_row_saves_nothing_and_keeps_what_was_typed(client, caller, campaign):
    client.force_login(caller)
    first, second, _ = campaign.entries.order_by("position")
    response = client.post(
        sheet_url(campaign, "campaigns:sheet_type_back"),
        {
            "called_on": timezone.localdate().isoformat(),
            **paper_row(first, outcome=CallOutcome.WELL, note="Va bien, merci"),
            **paper_row(second, outcome=CallOutcome.NEEDS_HELP),
        },
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Indiquez de quelle aide" in page and "Va bien, merci" in page and second.entry.full_name in page
    assert not CallAttempt.objects.exists()


def test_a_date_to_come_is_refused_on_a_paper_sheet(client, caller, campaign):
    client.force_login(caller)
    first = campaign.entries.first()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        sheet_url(campaign, "campaigns:sheet_type_back"),
        {"called_on": tomorrow.isoformat(), **paper_row(first, outcome=CallOutcome.WELL)},
    )
    assert response.status_code == 400 and not CallAttempt.objects.exists()


# --- The staff's campaign pages ------------------------------------------------------------------------------------


def test_staff_prepare_a_campaign_over_an_epci_split_evenly_between_callers(client, staff):
    toul, nancy = RegisterFactory(name="Registre de Toul"), RegisterFactory()
    RegisterEntryFactory.create_batch(5, register=toul, commune_id="54528")  # Toul
    RegisterEntryFactory.create_batch(2, register=nancy)  # Nancy, another EPCI
    callers = [vetted_volunteer(), AgentFactory()]
    from core.models import Commune

    epci = Commune.objects.get(insee="54528").epci
    response = client.post(
        reverse("campaigns:campaign_new"),
        {
            "name": "Appel de tous les inscrits de l'EPCI de Toul avant vendredi",
            "registers": [toul.pk, nancy.pk],
            "epcis": [epci.pk],
            "deadline": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "script": SCRIPT,
            "callers": [caller.pk for caller in callers],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:campaign", args=[campaign.pk])
    assert campaign.status == CampaignStatus.DRAFT
    assert sorted(campaign.sheets.values_list("entries__commune", flat=True)) == ["54528"] * 5
    assert sorted(sheet.entries.count() for sheet in campaign.sheets.all()) == [2, 3]
    client.post(reverse("campaigns:campaign_start", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING


def test_a_campaign_in_the_past_or_without_callers_is_refused_with_its_reasons(client, staff):
    register = RegisterFactory()
    RegisterEntryFactory(register=register)
    response = client.post(
        reverse("campaigns:campaign_new"),
        {"name": "x", "registers": [register.pk], "deadline": "2020-03-24", "script": SCRIPT, "callers": []},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "La date est passée" in page and "Ce champ est obligatoire" in page
    assert not Campaign.objects.exists()


def test_an_unvetted_volunteer_is_not_offered_as_a_caller(client, staff):
    from tests.volunteers.factories import VolunteerProfileFactory

    unvetted = VolunteerProfileFactory(user__first_name="Non", user__last_name="Habilitée").user
    vetted = vetted_volunteer(user=UserFactory(first_name="Oui", last_name="Habilitée"))
    page = html.unescape(client.get(reverse("campaigns:campaign_new")).content.decode())
    assert f'value="{vetted.pk}"' in page and f'value="{unvetted.pk}"' not in page


def test_closing_a_campaign_hides_its_sheets_from_the_callers(client, staff, caller, campaign):
    client.post(reverse("campaigns:campaign_close", args=[campaign.pk]))
    client.force_login(caller)
    assert client.get(sheet_url(campaign)).status_code == 404


def test_the_people_nobody_reached_are_listed_for_staff_who_note_the_visit(client, caller, campaign, settings):
    settings.CAMPAIGN_MAX_CALL_ATTEMPTS = 1
    client.force_login(caller)
    unreachable, wrong, well = campaign.entries.order_by("position").select_related("entry")
    post_outcome(client, unreachable, outcome=CallOutcome.NO_ANSWER)
    post_outcome(client, wrong, outcome=CallOutcome.WRONG_NUMBER)
    post_outcome(client, well, outcome=CallOutcome.WELL)
    client.force_login(AgentFactory())
    page = html.unescape(client.get(reverse("campaigns:follow_up")).content.decode())
    assert unreachable.entry.full_name in page and wrong.entry.full_name in page
    assert well.entry.full_name not in page
    assert logged(RegisterAccessReason.STAFF) == 2
    response = client.post(
        reverse("campaigns:follow_up_record", args=[unreachable.pk]),
        {f"p{unreachable.pk}-outcome": CallOutcome.WELL, f"p{unreachable.pk}-note": "Visite du CCAS : va bien"},
    )
    assert response.status_code == 302
    unreachable.refresh_from_db()
    assert unreachable.state == EntryState.WELL


def test_the_caller_does_not_reach_the_staff_pages(client, caller, campaign):
    client.force_login(caller)
    for url in (
        reverse("campaigns:campaign_list"),
        reverse("campaigns:campaign", args=[campaign.pk]),
        reverse("campaigns:campaign_print", args=[campaign.pk]),
        reverse("campaigns:follow_up"),
    ):
        assert client.get(url).status_code == 403, url


# --- Query counts ------------------------------------------------------------------------------------------------


def _grown(campaign, caller, people):
    register = campaign.registers.get()
    entries = RegisterEntryFactory.create_batch(people, register=register)
    sheet = campaign.sheets.get()
    CampaignEntry.objects.bulk_create(
        CampaignEntry(campaign=campaign, entry=entry, commune=entry.commune, sheet=sheet, position=10 + n)
        for n, entry in enumerate(entries)
    )


@pytest.mark.parametrize(
    "name, as_staff",
    [
        ("campaigns:sheet", False),
        ("campaigns:sheet_print", False),
        ("campaigns:sheet_type_back", False),
        ("campaigns:sheet", True),
        ("campaigns:my_sheets", False),
        ("campaigns:campaign", True),
        ("campaigns:campaign_list", True),
        ("campaigns:campaign_print", True),
        ("campaigns:follow_up", True),
    ],
)
def test_the_pages_make_as_many_queries_for_3_people_as_for_30(client, caller, campaign, name, as_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(AgentFactory() if as_staff else caller)
    args = [] if name in ("campaigns:my_sheets", "campaigns:campaign_list", "campaigns:follow_up") else None
    if args is None:
        args = [campaign.pk] if name.startswith("campaigns:campaign") else [campaign.sheets.get().pk]
    url = reverse(name, args=args)
    for person in campaign.entries.all()[:1]:
        CallAttempt.objects.create(campaign_entry=person, outcome=CallOutcome.NO_ANSWER, by=caller)
    CampaignEntry.objects.filter(pk=campaign.entries.last().pk).update(state=EntryState.UNREACHABLE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _grown(campaign, caller, 27)
    CampaignEntry.objects.filter(position__gte=20).update(state=EntryState.UNREACHABLE)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 16


def test_the_volunteer_finds_her_running_sheets_in_her_space(client, caller, campaign):
    draft = running_campaign(callers=[caller], people=1, start=False)
    client.force_login(caller)
    page = html.unescape(client.get(reverse("volunteers:dashboard")).content.decode())
    assert sheet_url(campaign) in page and "3 personnes à appeler sur 3" in page
    assert sheet_url(draft) not in page and "Lambert" not in page
