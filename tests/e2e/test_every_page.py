"""Every page a role can reach, at a phone's width and a desktop's, checked for what axe and the journeys do not
see: a page wider than the screen, a block taller than three screens that is not the page's own list, the
hotline's number without a link that dials it; and axe-core's serious and critical findings. A full-page picture
of each is kept under var/test-artefacts/pages/<role>/<width>/ for a person to look at.

The pages are found, not listed: tests/e2e/crawl.py walks the URL configuration, fills each address from the demo
data, and follows the links of the pages it sees."""

import queue
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import sync_playwright

from accounts.models import User
from core.hotline import tel_href
from portal.management.commands.load_demo_data import (
    ASSOCIATION_EMAIL,
    DEMO_PASSWORD,
    STAFF_EMAIL,
    VOLUNTEER_EMAIL,
)
from tests.e2e.browser import ARTEFACTS, blocking_violations
from tests.e2e.conftest import LAUNCH
from tests.e2e.crawl import Crawler, Demo, load_demo_data_and_what_it_lacks, screenshot_name, seed_paths
from tests.e2e.layout import layout_faults

# Each role the portal has: a visitor; a volunteer; a member of an organisation (its administrator); the
# département's staff, whose group holds every power of accounts/roles.py (the hotline, triage, contact details,
# exports, the outbox), so that one agent sees every staff page.
ROLES = {"visitor": None, "volunteer": VOLUNTEER_EMAIL, "association": ASSOCIATION_EMAIL, "staff": STAFF_EMAIL}
SIZES = {
    "390": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True},
    "1280": {"viewport": {"width": 1280, "height": 800}},
}
PAGES_AT_MOST = 150  # per role: more means a pattern the crawl cannot tell apart from the next (an ever-new query)
SETTLING_MS = 1_000
SCREENSHOT_HEIGHT_AT_MOST = 16_000  # Chromium draws taller pictures badly, and a person would not scroll them


@pytest.fixture
def blank(browser):
    """A phone-sized page to write a synthetic document into."""
    context = browser.new_context(**SIZES["390"])
    yield context.new_page()
    context.close()


def faults_of(page, body: str) -> list[str]:
    page.set_content(f"<!doctype html><html><head><meta name='viewport' content='width=device-width'></head>"
                     f"<body style='margin:0'>{body}</body></html>")  # fmt: skip
    screen = SIZES["390"]["viewport"]
    return layout_faults(page, screen["width"], screen["height"])


def card(title: str, style: str = "", inside: str = "") -> str:
    article = f"<article style='padding:8px;border:1px solid #ddd;{style}'><h2>{title}</h2><p>Deux lignes.</p>"
    return f"<li>{article}{inside}</article></li>"


def test_the_checker_reports_an_element_wider_than_the_screen(blank):
    (fault,) = faults_of(blank, "<main><p>Bonjour</p><div id='banner' style='width:600px'>Trop large</div></main>")
    assert fault.startswith("wider than the screen: 600 px > 390 px"), fault
    assert "<div#banner>" in fault, fault


def test_the_checker_lets_a_wide_table_scroll_inside_its_own_box(blank):
    assert (
        faults_of(blank, "<div style='overflow-x:auto'><table style='width:900px'><tr><td>a</td></tr></table></div>")
        == []
    )


def test_the_checker_reports_a_card_5000_px_tall_in_a_list_even_with_a_list_of_tags_inside(blank):
    tags = "<ul><li>Courses</li><li>Nancy</li></ul>"
    cards = [card(f"Mission {n}", inside=tags) for n in range(10)]
    cards[4] = card("La mission trop haute", "height:5000px", tags)
    (fault,) = faults_of(blank, f"<main><h1>Missions</h1><ul>{''.join(cards)}</ul></main>")
    assert fault.startswith("taller than 3 screens (2532 px): <li>"), fault
    assert "La mission trop haute" in fault, fault


def test_the_checker_reports_a_card_5000_px_tall_in_a_grid_of_divs(blank):
    cards = [f"<div style='padding:8px'><h2>Structure {n}</h2><p>Texte</p></div>" for n in range(8)]
    cards[2] = "<div style='height:5000px;background:#eee'><h2>La structure trop haute</h2></div>"
    (fault,) = faults_of(blank, f"<main><div style='display:grid;gap:16px'>{''.join(cards)}</div></main>")
    assert "La structure trop haute" in fault and "5000 px tall" in fault, fault


def test_the_checker_lets_a_long_list_of_ordinary_cards_and_a_long_text_be(blank):
    cards = "".join(card(f"Mission {n}", "margin-bottom:24px") for n in range(80))
    paragraphs = "".join(f"<p>Paragraphe {n} d'un long texte de mentions légales.</p>" for n in range(60))
    page = f"<header><h1>Missions</h1></header><main><ul style='padding:0'>{cards}</ul><div>{paragraphs}</div></main>"
    assert faults_of(blank, page) == []
    assert blank.evaluate("document.documentElement.scrollHeight") > 5 * SIZES["390"]["viewport"]["height"]


def test_the_checker_reports_a_column_of_text_5000_px_tall_even_without_a_box(blank):
    word_a_line = "<p style='width:1ch'>" + " ".join(["solidarité"] * 300) + "</p>"
    (fault,) = faults_of(blank, f"<main><h1>Mentions</h1><section>{word_a_line}</section></main>")
    assert fault.startswith("taller than 3 screens (2532 px): <section>"), fault


def test_the_checker_lets_a_column_stretched_beside_a_long_list_be(blank):
    cards = "".join(card(f"Mission {n}") for n in range(60))
    filters = "<form><label>Domaine <select><option>Tous</option></select></label></form>"
    row = f"<div style='display:flex'><div>{filters}</div><ul style='padding:0'>{cards}</ul></div>"
    assert faults_of(blank, f"<main><h1>Missions</h1>{row}</main>") == []


def test_the_checker_reports_the_hotline_number_in_plain_text_not_in_a_tel_link(blank):
    number = settings.HOTLINE_PHONE
    (fault,) = faults_of(blank, f"<p>Sans internet ? Appelez le {number}.</p>")
    assert fault.startswith("the hotline number without a tel: link: <p>"), fault

    linked = f"<p>Sans internet ? Appelez le <a href='{tel_href()}'>{number}</a>.</p>"
    hidden = f"<p hidden>Appelez le {number}.</p>"
    assert faults_of(blank, linked + hidden) == []


def test_the_checker_reports_a_tel_link_to_another_number_showing_the_hotline_s(blank):
    (fault,) = faults_of(blank, f"<p>Appelez le <a href='tel:+33100000000'>{settings.HOTLINE_PHONE}</a>.</p>")
    assert "without a tel: link: <a>" in fault, fault


@pytest.mark.django_db
def test_the_crawler_fills_every_pattern_of_the_url_configuration_from_the_demo_data():
    """Seconds, where the crawl takes minutes: a new pattern that the crawler cannot fill fails here first."""
    load_demo_data_and_what_it_lacks()
    for email in ROLES.values():
        seeds, problems = seed_paths(Demo(User.objects.get(email=email) if email else None))
        assert problems == []
        assert reverse("core:home") in seeds and reverse("admin:index") in seeds


def signed_in_context(browser, site: str, email: str | None, size: dict, storage_state=None):
    context = browser.new_context(base_url=site, locale="fr-FR", storage_state=storage_state, **size)
    context.set_default_timeout(15_000)
    if email and storage_state is None:
        page = context.new_page()
        page.goto(reverse(settings.LOGIN_URL))
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_load_state()
        assert urlsplit(page.url).path != reverse(settings.LOGIN_URL), f"{email} could not sign in"
        page.close()
    return context


class Checks:
    """The checks of every page at one size, collected rather than failing on the first."""

    def __init__(self, role: str, size: str, faults: list[str]):
        self.role, self.size, self.faults = role, size, faults
        self.viewport = SIZES[size]["viewport"]
        self.folder = ARTEFACTS.parent / "pages" / role / size

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.fault(page.url, f"script error: {error}"))
        page.on("console", lambda message: self.console(page, message))

    def console(self, page, message) -> None:
        if message.type == "error":
            self.fault(page.url, f"console: {message.text} {message.location.get('url', '')}")

    def fault(self, address: str, what: str) -> None:
        self.faults.append(
            f"{self.role} {self.size} px {urlsplit(address)._replace(scheme='', netloc='').geturl()}: {what}"
        )

    def __call__(self, page, address: str) -> None:
        page.evaluate("document.fonts.ready")
        faults = layout_faults(page, self.viewport["width"], self.viewport["height"])
        if faults:
            # Scripts still place things just after the load: the former header once held its closed language menu
            # 11 px past the right edge for a moment. What counts is the page as it stays.
            page.wait_for_timeout(SETTLING_MS)
            faults = layout_faults(page, self.viewport["width"], self.viewport["height"])
        for fault in faults:
            self.fault(address, fault)
        name = screenshot_name(address)
        for violation in blocking_violations(page, self.folder / f"{name}.axe.json"):
            self.fault(address, f"axe {violation.removeprefix('- ')}")
        height = page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": self.viewport["width"], "height": min(height, SCREENSHOT_HEIGHT_AT_MOST)}
        page.screenshot(path=str(self.folder / f"{name}.png"), full_page=True, clip=clip)


def by_address_then_size(fault: str) -> tuple[str, int]:
    _role, size, _px, rest = fault.split(" ", 3)
    return rest.partition(": ")[0], int(size)


class PhonePass(threading.Thread):
    """The pass at 390 px, in a browser of its own and in step with the crawl at 1280 px: each page is checked on
    the phone as soon as the crawl has found it, the two browsers sharing the machine's cores. Playwright's
    synchronous API is bound to the thread that starts it, hence a Playwright of its own."""

    def __init__(self, site: str, storage_state: dict, checks: Checks):
        super().__init__(name=f"phone pass of the {checks.role}")
        self.site, self.storage_state, self.checks = site, storage_state, checks
        self.addresses: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(**LAUNCH)
                context = signed_in_context(browser, self.site, None, SIZES["390"], self.storage_state)
                page = context.new_page()
                self.checks.watch(page)
                while (address := self.addresses.get()) is not None:
                    page.goto(address)
                    self.checks(page, address)
                browser.close()
        except BaseException as error:  # handed to the test's thread, which fails with it
            self.error = error


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_holds_its_layout_at_390_and_1280_px(browser, site, role):
    load_demo_data_and_what_it_lacks()
    email = ROLES[role]
    demo = Demo(User.objects.get(email=email) if email else None)
    seeds, problems = seed_paths(demo)
    faults: list[str] = []  # both sizes' checks add theirs, each from its own thread
    shutil.rmtree(ARTEFACTS.parent / "pages" / role, ignore_errors=True)  # no picture of a page that is gone

    desktop = signed_in_context(browser, site, email, SIZES["1280"])
    phone = PhonePass(site, desktop.storage_state(), Checks(role, "390", faults))
    phone.start()
    desktop_checks = Checks(role, "1280", faults)

    def check_at_both_sizes(page, address: str) -> None:
        phone.addresses.put(address)
        desktop_checks(page, address)

    crawler = Crawler(desktop, site, check_at_both_sizes, cap=PAGES_AT_MOST)
    desktop_checks.watch(crawler.page)
    try:
        pages = crawler.crawl(seeds)
    finally:
        phone.addresses.put(None)
        phone.join()
    if phone.error:
        raise phone.error
    problems += crawler.problems + crawler.admin_models_missed()

    if email:  # a page that signs out on GET would have shown the rest of the crawl to a visitor
        answer = desktop.request.get(reverse("core:my_space"), max_redirects=0, fail_on_status_code=False)
        assert reverse(settings.LOGIN_URL) not in answer.headers.get("location", ""), "the crawl signed out"
    desktop.close()
    print(f"{role}: {len(pages)} pages")  # shown with -s, for whoever measures the crawl
    found = problems + sorted(faults, key=by_address_then_size)
    assert not found, f"{len(found)} faults on the {len(pages)} pages of the {role}:\n" + "\n".join(found)
