"""The open API's documentation renders in a browser under the portal's Content-Security-Policy: django-ninja's
Swagger UI from its own static files, the OpenAPI document fetched from the same site, no script refused."""

import pytest

from tests.e2e.browser import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_documentation_renders_under_the_csp(pages):
    page = pages.open("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "API ouverte" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-summary-path >> text=/api/v1/jeton/")
    screenshot(page, "api-docs")
    # The fixture `pages` fails the test on any console error: a refusal by the CSP is one.
