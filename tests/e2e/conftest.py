"""Browser journeys: Debian's Chromium (/usr/bin/chromium, installed by scripts/ensure_chromium.sh) driven by
Playwright against pytest-django's live server on the test PostgreSQL database.

Playwright's sync API runs an asyncio event loop in the test's thread for as long as it is started, and Django
refuses ORM calls from a thread with a running loop (SynchronousOnlyOperation), including the factories, the
assertions and pytest-django's flush at the end of each test. The loop only ferries messages to the browser: no
coroutine ever touches the database, so the check guards against nothing here, and DJANGO_ALLOW_ASYNC_UNSAFE is
set for the e2e modules only, while their browser is up. The live server's own thread has no loop and keeps the
check."""

import os
from pathlib import Path

import pytest
from django.core import mail

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH = {"executable_path": str(CHROMIUM), "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.hookimpl(tryfirst=True)  # before -m selects on the marker
def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run scripts/ensure_chromium.sh (make test does).")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(**LAUNCH)
    yield browser
    browser.close()
    playwright.stop()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, reference_data_kept, settings):
    """The live server's address, with the links in emails pointing at it."""
    settings.SITE_URL = live_server.url
    mail.outbox.clear()
    return live_server.url


class Pages:
    """Opens browser contexts (a person each: their own cookies) and fails a test on any script error."""

    def __init__(self, browser, site):
        self.browser, self.site, self.contexts, self.errors = browser, site, [], []

    def open(self, path: str = "/", **options):
        context = self.browser.new_context(base_url=self.site, locale="fr-FR", **(options or DESKTOP))
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        page.goto(path)
        return page

    def _console(self, page, message) -> None:
        # A status the journey expects (a form sent back with its errors is a 400) is logged as a failed load;
        # what matters is scripts failing and the Content-Security-Policy refusing something.
        if message.type != "error" or message.text.startswith("Failed to load resource"):
            return
        self.errors.append(f"{page.url}: console: {message.text}")

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser, site):
    opened = Pages(browser, site)
    yield opened
    opened.close()
    assert not opened.errors, "errors in the browser:\n" + "\n".join(opened.errors)
