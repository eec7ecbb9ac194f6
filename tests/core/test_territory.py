"""TERRITORY: any département's communes, its name by default, and a refusal at start-up of a code that is none."""

import runpy
import shutil
import subprocess

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.models import Commune
from core.reference_data import load_communes
from core.territories import territory_code, territory_names
from requests_app.models import HelpRequest
from tests.conftest import ROOT
from tests.core.test_settings import run_manage
from tests.requests_app.factories import valid_form_data

SETTINGS_FILE = ROOT / "entraide" / "settings" / "base.py"
# A territory, one of its communes and the département's name in the data.
TERRITORIES = [("54", "54395", "Nancy", "Meurthe-et-Moselle"), ("2A", "2A004", "Ajaccio", "Corse-du-Sud"),
               ("974", "97411", "Saint-Denis", "La Réunion")]  # fmt: skip


def settings_with(monkeypatch, **env) -> dict:
    """The settings module run afresh with these variables, without touching the suite's own settings."""
    for name in ["TERRITORY", "DEPARTEMENT", "DEPARTEMENT_NAME", "PORTAL_NAME", "PORT", "SITE_URL"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_the_extract_covers_every_departement_with_corsica_and_overseas():
    names = territory_names()
    assert len(names) == 101
    assert {"01", "2A", "2B", "95", "971", "972", "973", "974", "976"} <= set(names)
    assert "20" not in names and "975" not in names  # Corsica's former code; an overseas collectivity


@pytest.mark.parametrize(("raw", "code"), [("54", "54"), ("2a", "2A"), (" 974 ", "974"), ("1", "01")])
def test_a_territory_code_is_read_as_the_data_spell_it(raw, code):
    assert territory_code(raw) == code


@pytest.mark.parametrize("raw", ["20", "99", "975", "Meurthe-et-Moselle", ""])
def test_an_unknown_territory_code_is_refused(raw):
    with pytest.raises(ImproperlyConfigured, match="TERRITORY"):
        territory_code(raw)


def test_an_unknown_territory_stops_the_process_with_a_clear_message():
    result = run_manage("check", env={"DEBUG": "1", "TERRITORY": "20"})
    assert result.returncode != 0
    assert "TERRITORY='20' n'est pas un code de département connu (la Corse est 2A ou 2B)" in result.stderr


@pytest.mark.parametrize(("code", "insee", "commune", "name"), TERRITORIES)
def test_the_departement_name_and_portal_name_follow_the_territory(monkeypatch, code, insee, commune, name):
    settings = settings_with(monkeypatch, TERRITORY=code)
    assert (settings["TERRITORY"], settings["DEPARTEMENT_NAME"]) == (code, name)
    assert settings["PORTAL_NAME"] == f"Entraide {code}"


def test_without_territory_the_portal_serves_54_and_the_former_departement_variable_still_counts(monkeypatch):
    assert settings_with(monkeypatch)["TERRITORY"] == "54"
    assert settings_with(monkeypatch)["DEPARTEMENT_NAME"] == "Meurthe-et-Moselle"
    assert settings_with(monkeypatch, DEPARTEMENT="2B")["TERRITORY"] == "2B"
    assert settings_with(monkeypatch, DEPARTEMENT="2B", TERRITORY="57")["TERRITORY"] == "57"
    assert settings_with(monkeypatch, TERRITORY="57", DEPARTEMENT_NAME="Moselle (57)")["DEPARTEMENT_NAME"] == (
        "Moselle (57)"
    )


def test_site_url_follows_the_port_unless_set(monkeypatch):
    assert settings_with(monkeypatch)["SITE_URL"] == "http://127.0.0.1:8000"
    assert settings_with(monkeypatch, PORT="8123")["SITE_URL"] == "http://127.0.0.1:8123"
    assert settings_with(monkeypatch, PORT="8123", SITE_URL="https://entraide54.fr/")["SITE_URL"] == (
        "https://entraide54.fr"
    )


def test_make_run_serves_on_the_port_it_is_given_and_passes_it_to_the_settings():
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    commands = subprocess.run(
        [make, "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py runserver 127.0.0.1:8123" in commands
    assert all("PORT=8123" in line for line in commands.splitlines() if "manage.py" in line)


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "insee", "commune", "name"), TERRITORIES)
def test_each_territory_loads_its_communes_and_the_form_files_a_request_there(
    client, settings, code, insee, commune, name
):
    settings.TERRITORY = code
    result = load_communes(code)
    assert result.total == Commune.objects.in_departement(code).count() > 0
    assert Commune.objects.get(insee=insee).name == commune

    response = client.post("/demandes/nouvelle/", valid_form_data(commune=commune))

    assert response.status_code == 302
    help_request = HelpRequest.objects.get()
    assert help_request.commune_id == insee
    assert help_request.reference.startswith(f"E{code}-")


@pytest.mark.django_db
def test_the_form_refuses_a_commune_of_another_territory(client, settings):
    settings.TERRITORY = "2A"
    load_communes("2A")
    response = client.post("/demandes/nouvelle/", valid_form_data(commune="Nancy"))
    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


FORM_CHECK = """
from django.conf import settings
from django.test import Client
from requests_app.models import HelpRequest
from tests.requests_app.factories import valid_form_data
client = Client(HTTP_HOST="127.0.0.1")
page = client.get("/demandes/nouvelle/")
response = client.post("/demandes/nouvelle/", valid_form_data(commune="{commune}"))
filed = HelpRequest.objects.get()
prefix = filed.reference.split("-")[0]
print("form", page.status_code, response.status_code, filed.commune_id, prefix, settings.DEPARTEMENT_NAME)
"""


@pytest.fixture(scope="module")
def migrated_sqlite(tmp_path_factory):
    """One migrated embedded database, copied for each territory: migrating costs more than the rest."""
    path = tmp_path_factory.mktemp("territory") / "migrated.sqlite3"
    result = run_manage("migrate", "--noinput", env={"DEBUG": "1", "DATABASE_URL": f"sqlite:///{path}"})
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.smoke
@pytest.mark.parametrize(("code", "insee", "commune", "name"), TERRITORIES)
def test_a_portal_started_on_a_territory_loads_it_and_files_a_request_in_it(
    migrated_sqlite, tmp_path, code, insee, commune, name
):
    database = tmp_path / "entraide.sqlite3"
    shutil.copy(migrated_sqlite, database)
    env = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}", "TERRITORY": code}

    loaded = run_manage("load_reference_data", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert f"Communes du {code} : " in loaded.stdout
    checked = run_manage("shell", "-c", FORM_CHECK.replace("{commune}", commune), env=env)
    assert checked.returncode == 0, checked.stderr

    assert f"form 200 302 {insee} E{code} {name}" in checked.stdout
