"""The triage queue as staff see it all day, on the screens they have: with 50 requests like the demo's, at
1280 × 800 and at 1024 × 768, every column that decides what to do next is on screen without scrolling sideways,
one line per request, the navigation sidebar closed; then two agents and one request."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import Commune
from matching.models import Proposal
from requests_app.demo import demo_requests_create
from requests_app.enums import Status, Urgency
from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory
from tests.e2e.browser import at, check_accessibility, screenshot
from tests.e2e.test_volunteer import sign_in
from tests.requests_app.factories import HelpRequestFactory
from tests.volunteers.factories import VolunteerProfileFactory

QUEUE = "/admin/requests_app/helprequest/"
SCREENS = {"1280x800": {"width": 1280, "height": 800}, "1024x768": {"width": 1024, "height": 768}}
COLUMNS = [
    "reference", "waiting", "urgency_badge", "marks", "help_type_cell", "commune_cell", "channel", "status_cell",
    "holder_cell",
]  # fmt: skip

# Where each listed column's header and cells stand, whether the page or the results scroll sideways, and how tall
# the rows are against a line of their text.
LAYOUT = """(columns) => {
    const width = document.documentElement.clientWidth;
    const results = document.querySelector('#changelist-form .results');
    const outside = [];
    for (const column of columns) {
        const cells = [...document.querySelectorAll(`#result_list .column-${column}, #result_list .field-${column}`)];
        if (cells.length < 2) outside.push(`${column}: no cells`);
        for (const cell of cells) {
            const box = cell.getBoundingClientRect();
            if (box.left < 0 || box.right > width + 0.5) {
                outside.push(`${column}: ${Math.round(box.left)}–${Math.round(box.right)} px`);
                break;
            }
        }
    }
    const rows = [...document.querySelectorAll('#result_list tbody tr')];
    const reference = document.querySelector('#result_list tbody .field-reference a');
    const line = parseFloat(getComputedStyle(reference).lineHeight) || reference.getBoundingClientRect().height;
    return {
        width,
        pageScrollWidth: document.documentElement.scrollWidth,
        resultsOverflow: results.scrollWidth - results.clientWidth,
        outside,
        rows: rows.length,
        line,
        tallest: Math.max(...rows.map((row) => row.getBoundingClientRect().height)),
        // A cell whose text wraps makes its row a line taller than the others.
        shortest: Math.min(...rows.map((row) => row.getBoundingClientRect().height)),
    };
}"""


@pytest.fixture
def fifty_requests():
    """The demo's 50 requests, and the widest rows the queue must still hold on one line: all four vulnerability
    marks, the longest statuses, a long commune name, a hold by an agent with a long name."""
    demo_requests_create(50)
    other = AgentFactory(first_name="Marie-Christine", last_name="Vandenbroucke-Lefebvre")
    widest = dict(lives_alone=True, aged_70_plus=True, has_disability=True, no_internet=True)
    long_name = Commune.objects.get(insee="54547")  # Vandœuvre-lès-Nancy
    for status, urgency in [(Status.NEEDS_STAFF, Urgency.FLEXIBLE), (Status.TRIAGED, Urgency.NORMAL)]:
        held = HelpRequestFactory(
            status=status, urgency=urgency, commune=long_name, created_at=timezone.now() - timedelta(days=13), **widest
        )
        held.hold(by=other)
    HelpRequestFactory(status=Status.ASSIGNED, urgency=Urgency.FLEXIBLE, commune=long_name, **widest)
    # The longest waiting time: days and hours, and a word.
    HelpRequestFactory(urgency=Urgency.URGENT, created_at=timezone.now() - timedelta(days=2, hours=23), **widest)
    return HelpRequest.objects.count()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_column_of_the_queue_is_on_screen_one_line_per_request(pages, fifty_requests, screen):
    agent = AgentFactory()
    page = pages.open(QUEUE, viewport=SCREENS[screen])
    sign_in(page, agent.email)
    page.wait_for_url(at(QUEUE))

    assert page.locator("h1").inner_text() == "File des demandes"
    # The navigation sidebar starts closed here; the filters are a column at 1280 px, folded above the list below.
    assert "shifted" not in (page.locator("#main").get_attribute("class") or "")
    assert page.locator("#nav-sidebar").get_attribute("aria-expanded") == "false"
    filters_open = page.locator("#changelist-filter > details").evaluate("(details) => details.open")
    assert filters_open == (screen == "1280x800")

    screenshot(page, f"q-1-queue-{screen}")
    layout = page.evaluate(LAYOUT, COLUMNS)
    assert layout["rows"] == 50, layout  # a page of the queue
    assert layout["pageScrollWidth"] <= layout["width"], layout
    assert layout["resultsOverflow"] <= 0, layout
    assert layout["outside"] == [], layout
    assert layout["tallest"] - layout["shortest"] <= 4, layout
    assert layout["tallest"] < 2 * layout["line"], layout  # one line and the cells' padding
    check_accessibility(page, f"q-1-queue-{screen}")


def test_the_sidebar_opened_on_the_queue_stays_open_there_only(pages, fifty_requests):
    page = pages.open(QUEUE, viewport=SCREENS["1280x800"])
    sign_in(page, AgentFactory().email)
    page.wait_for_url(at(QUEUE))
    page.locator("#toggle-nav-sidebar").click()
    assert "shifted" in page.locator("#main").get_attribute("class")

    page.reload()
    assert "shifted" in page.locator("#main").get_attribute("class")
    page.locator("#toggle-nav-sidebar").click()
    page.reload()
    assert "shifted" not in (page.locator("#main").get_attribute("class") or "")

    page.goto("/admin/associations/association/")  # the other pages keep Django's default, open
    assert "shifted" in page.locator("#main").get_attribute("class")


def test_two_agents_one_request_the_second_sees_who_holds_it_before_acting(pages):
    help_request = HelpRequestFactory(triaged=True, lives_alone=True)
    VolunteerProfileFactory(user__first_name="Camille", user__last_name="Durand")
    first, second = AgentFactory(first_name="Aline", last_name="Marchal"), AgentFactory()

    page = pages.open(f"{QUEUE}{help_request.pk}/change/")
    sign_in(page, first.email)
    page.wait_for_url(at(f"{QUEUE}{help_request.pk}/change/"))
    page.get_by_role("button", name="Je m'en occupe").click()
    page.wait_for_load_state()
    assert "vous vous en occupez jusqu'à" in page.locator(".messagelist").inner_text()
    assert HelpRequest.objects.get(pk=help_request.pk).holder == first

    other = pages.open(QUEUE)
    sign_in(other, second.email)
    other.wait_for_url(at(QUEUE))
    row = other.locator("#result_list tbody tr", has_text=help_request.reference)
    assert "Aline M." in row.inner_text()
    other.goto(f"{QUEUE}{help_request.pk}/change/")
    assert "Aline Marchal s'occupe de cette demande" in other.locator(".entraide-hold").inner_text()
    check_accessibility(other, "q-2-held-by-another")
    other.get_by_role("button", name="Proposer").first.click()  # refused: Aline holds it
    other.wait_for_load_state()
    assert "Aline Marchal s'en occupe" in other.locator(".messagelist").inner_text()
    assert not Proposal.objects.exists()

    other.get_by_role("button", name="Prendre la main").click()
    other.wait_for_load_state()
    assert "vous avez pris la main (Aline Marchal la tenait)" in other.locator(".messagelist").inner_text()
    other.get_by_role("button", name="Proposer").first.click()
    other.wait_for_load_state()
    assert "proposée à Camille Durand" in other.locator(".messagelist").inner_text()
    assert Proposal.objects.get().help_request == help_request
    assert HelpRequest.objects.get(pk=help_request.pk).holder is None  # proposing moved it: the hold is over
    screenshot(other, "q-3-proposed-after-taking-over")
