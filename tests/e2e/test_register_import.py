"""Staff import a CCAS's register in the browser: the upload form, then the preview with its refused lines named,
then the register; at 1280 and 390 px, each page checked by axe and its picture kept (artefacts)."""

import pytest

from campaigns.models import RegisterEntry
from tests.accounts.factories import AgentFactory
from tests.campaigns.test_import import csv_bytes, register_rows
from tests.e2e.browser import at, finish
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_volunteer import sign_in


@pytest.mark.parametrize("device, width", [(DESKTOP, 1280), (PHONE, 390)])
def test_staff_import_a_register_and_read_the_refused_lines(pages, tmp_path, device, width):
    register_file = tmp_path / "registre-canicule-toul.csv"
    register_file.write_bytes(csv_bytes(register_rows()))
    page = pages.open("/campagnes/registres/importer/", **device)
    sign_in(page, AgentFactory().email)
    page.wait_for_url(at("/campagnes/registres/importer/"))

    page.get_by_label("Nom du registre").fill("Registre canicule de Toul")
    page.get_by_label("Organisme qui l'a transmis").fill("CCAS de Toul")
    page.get_by_label("Fichier CSV").set_input_files(str(register_file))
    finish(page, f"campaigns-import-{width}")
    page.get_by_role("button", name="Lire le fichier").click()

    page.wait_for_url(at("/campagnes/registres/importer/apercu/"))
    refused = page.locator("#lignes-refusees")
    assert "Ligne 9 : base du consentement manquante" in refused.inner_text()
    finish(page, f"campaigns-preview-{width}")
    page.get_by_role("button", name="Importer les 6 personnes").click()
    assert page.get_by_text("Cochez cette case").first.is_visible()  # the refused lines must be acknowledged
    page.get_by_label("J'ai lu les lignes refusées").check()
    page.get_by_role("button", name="Importer les 6 personnes").click()

    page.wait_for_url("**/campagnes/registres/*/")
    assert RegisterEntry.objects.count() == 6
    finish(page, f"campaigns-register-{width}")
