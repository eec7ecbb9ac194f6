"""Check-in campaigns in the browser: staff import a register and start a campaign, a volunteer vetted for calls
records the outcomes on her call sheet, and the "besoin d'aide" waits in the triage queue. Then the call sheet, the
printed sheet (with the print media, and as a PDF: one page per caller) and the paper sheet typed back by keyboard,
at 390 and 1280 px, each checked by axe and its picture kept (var/test-artefacts/e2e/calls-*)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.enums import CallOutcome, CampaignStatus, EntryState
from campaigns.models import CallAttempt, Campaign, CampaignEntry
from requests_app.enums import Source, Status
from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory, UserFactory
from tests.campaigns.calling import running_campaign, vetted_volunteer
from tests.campaigns.test_import import csv_bytes, register_rows
from tests.e2e.browser import ARTEFACTS, at, check_accessibility, finish, screenshot
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_volunteer import sign_in

DEVICES = [pytest.param(PHONE, 390, id="390px"), pytest.param(DESKTOP, 1280, id="1280px")]


def test_staff_start_a_campaign_a_volunteer_calls_and_a_need_reaches_the_triage_queue(pages, tmp_path):
    caller = vetted_volunteer(user=UserFactory(first_name="Lucie", last_name="Bénévole"))
    register_file = tmp_path / "registre-canicule.csv"
    register_file.write_bytes(csv_bytes(register_rows()[:3]))  # Nancy, Toul, Vandœuvre: three good lines

    # Staff import the CCAS's register (the import's own page), then prepare the campaign and start it.
    staff = pages.open("/campagnes/registres/importer/")
    sign_in(staff, AgentFactory().email)
    staff.wait_for_url(at("/campagnes/registres/importer/"))
    staff.get_by_label("Nom du registre").fill("Registre canicule du Grand Nancy")
    staff.get_by_label("Organisme qui l'a transmis").fill("CCAS de Nancy")
    staff.get_by_label("Fichier CSV").set_input_files(str(register_file))
    staff.get_by_role("button", name="Lire le fichier").click()
    staff.wait_for_url(at("/campagnes/registres/importer/apercu/"))
    staff.get_by_role("button", name="Importer les 3 personnes").click()
    staff.wait_for_url(at(r"/campagnes/registres/\d+/"))

    staff.goto("/campagnes/nouvelle/")
    staff.get_by_label("Nom de la campagne").fill("Appel des inscrits avant vendredi")
    staff.get_by_label("Registre canicule du Grand Nancy").check()
    staff.get_by_label("À terminer avant le").fill((timezone.localdate() + timedelta(days=3)).isoformat())
    staff.get_by_label(re.compile(r"Lucie Bénévole — .* \(bénévole\)")).check()
    finish(staff, "calls-1-campaign-new")
    staff.get_by_role("button", name="Préparer la campagne et ses fiches").click()
    staff.wait_for_url(at(r"/campagnes/\d+/"))
    finish(staff, "calls-2-campaign-draft")
    staff.get_by_role("button", name="Lancer la campagne").click()
    staff.wait_for_load_state()
    assert "Campagne lancée" in staff.locator(".alert-success").inner_text()
    campaign = Campaign.objects.get()
    assert campaign.status == CampaignStatus.RUNNING

    # The volunteer finds her sheet in her space and calls, on her phone.
    sheet = pages.open("/benevoles/", **PHONE)
    sign_in(sheet, caller.email)
    sheet.wait_for_url(at("/benevoles/"))
    sheet.get_by_role("link", name=re.compile("Appel des inscrits avant vendredi — fiche 1")).click()
    sheet.wait_for_url(at(r"/campagnes/fiches/\d+/"))
    finish(sheet, "calls-3-sheet-before")
    first, second, third = campaign.entries.order_by("position").select_related("entry")
    assert sheet.get_by_role("link", name=first.entry.phone.as_national).get_attribute("href") == (
        f"tel:{first.entry.phone.as_e164}"
    )

    card = sheet.locator(f"#personne-{first.pk}")
    card.get_by_label("Jointe : va bien").check()
    card.get_by_label("Note sur l'appel").fill("Sa fille passe chaque soir.")
    card.get_by_role("button", name="Noter l'appel").click()
    sheet.wait_for_url(at(r"/campagnes/fiches/\d+/"))

    card = sheet.locator(f"#personne-{second.pk}")
    card.get_by_label("Jointe : besoin d'aide").check()
    card.get_by_label("Si besoin d'aide : de quoi ?").select_option(label="Courses")
    card.get_by_label(re.compile("la personne accepte que sa demande soit transmise")).check()
    card.get_by_label("Note sur l'appel").fill("Plus personne pour ses courses depuis lundi.")
    card.get_by_role("button", name="Noter l'appel").click()
    sheet.wait_for_url(at(r"/campagnes/fiches/\d+/"))
    assert "La demande d'aide est transmise" in sheet.locator(".alert-success").inner_text()

    card = sheet.locator(f"#personne-{third.pk}")
    card.get_by_label("Pas de réponse").check()
    card.get_by_role("button", name="Noter l'appel").click()
    sheet.wait_for_url(at(r"/campagnes/fiches/\d+/"))
    finish(sheet, "calls-4-sheet-after")

    states = dict(CampaignEntry.objects.values_list("pk", "state"))
    assert [states[p.pk] for p in (first, second, third)] == [
        EntryState.WELL,
        EntryState.NEEDS_HELP,
        EntryState.TO_CALL,
    ]

    # The need is in the triage queue, from the campaign.
    help_request = HelpRequest.objects.get()
    assert (help_request.source, help_request.status) == (Source.CAMPAIGN, Status.NEW)
    staff.goto("/admin/requests_app/helprequest/")
    row = staff.locator("#result_list tr", has_text=help_request.reference)
    assert "Campagne" in row.inner_text()
    finish(staff, "calls-5-triage-queue")


def open_as(pages, user, path, device):
    page = pages.open(path, **device)
    sign_in(page, user.email)
    page.wait_for_url(at(path))
    return page


@pytest.mark.parametrize("device, width", DEVICES)
def test_the_call_sheet_its_paper_version_and_the_typing_back_by_keyboard(pages, device, width):
    caller = vetted_volunteer()
    campaign = running_campaign(callers=[caller], people=5, notes="Entend mal : laisser sonner longtemps")
    sheet = campaign.sheets.get()

    page = open_as(pages, caller, f"/campagnes/fiches/{sheet.pk}/", device)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    finish(page, f"calls-sheet-{width}")

    page.goto(f"/campagnes/fiches/{sheet.pk}/imprimer/")
    check_accessibility(page, f"calls-print-screen-{width}")
    screenshot(page, f"calls-print-screen-{width}")
    page.emulate_media(media="print")
    assert not page.locator("header.entraide-header").is_visible()  # the portal's frame stays off the paper
    assert page.locator(".entraide-call-sheet").is_visible()
    screenshot(page, f"calls-print-paper-{width}")
    page.emulate_media(media="screen")

    page.goto(f"/campagnes/fiches/{sheet.pk}/saisie/")
    finish(page, f"calls-type-back-{width}")
    people = list(campaign.entries.order_by("position"))
    # By keyboard only: the result's number typed in each list, Tab to the next field, Enter to save.
    page.locator(f"#id_p{people[0].pk}-outcome").focus()
    page.keyboard.type("1")  # 1 — Jointe : va bien
    page.keyboard.press("Tab")  # the kind of help
    page.keyboard.press("Tab")  # her agreement
    page.keyboard.press("Tab")  # the note
    page.keyboard.type("Va bien, sa voisine passe")
    page.keyboard.press("Tab")  # the next person's result
    page.keyboard.type("3")  # 3 — Pas de réponse
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "2 appels notés" in page.locator(".alert-success").inner_text()
    recorded = list(
        CallAttempt.objects.order_by("campaign_entry__position").values_list("outcome", "note", "from_paper")
    )
    assert recorded == [(CallOutcome.WELL, "Va bien, sa voisine passe", True), (CallOutcome.NO_ANSWER, "", True)]


def test_the_printed_campaign_has_one_page_per_caller(pages):
    campaign = running_campaign(callers=[vetted_volunteer(), vetted_volunteer(), AgentFactory()], people=6)
    page = open_as(pages, AgentFactory(), f"/campagnes/{campaign.pk}/imprimer/", DESKTOP)
    pdf = page.pdf(format="A4", print_background=True)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "calls-campaign-print.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3
