"""The embedded default of `make run`: SQLite under a fresh folder, eager tasks, demo data, pages served."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.smoke


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def embedded_env(tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}}
    return {
        **clean,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "entraide.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'entraide.sqlite3'}",
    }


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def test_the_embedded_default_migrates_loads_twice_and_serves_pages(embedded_env):
    manage(embedded_env, "migrate", "--noinput")
    for _ in range(2):
        assert "591" in manage(embedded_env, "load_reference_data").stdout
        assert "agent@demo.entraide54.fr" in manage(embedded_env, "load_demo_data").stdout

    # The steering dashboard on SQLite, which has no percentile function: the delays come from the fallback.
    checked = manage(embedded_env, "shell", "-c", PILOTAGE_CHECK).stdout
    assert "dashboard 200 Délai médian" in checked and "export 200 Référence;Reçue le" in checked

    # SQLite has no pg_trgm: the same number still flags a duplicate, a similar name and address does not.
    flagged = manage(embedded_env, "shell", "-c", DUPLICATES_CHECK).stdout
    assert "same number: contact" in flagged and "similar name: None" in flagged

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env=embedded_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        pages = {}
        for path in ["/", "/comptes/login/", "/admin/"]:
            pages[path] = fetch(f"http://127.0.0.1:{port}{path}")
        assert "Demander de l'aide" in pages["/"]
        assert "Mot de passe" in pages["/comptes/login/"]
        assert "Mot de passe" in pages["/admin/"]  # the admin sends to the portal login
    finally:
        server.terminate()
        server.wait(timeout=10)


PILOTAGE_CHECK = """
from django.test import Client
from accounts.models import User
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(email="agent@demo.entraide54.fr"))
response = client.get("/pilotage/")
print("dashboard", response.status_code, "Délai médian" if "délai médian" in response.content.decode() else "")
response = client.get("/pilotage/exports/demandes.csv")
print("export", response.status_code, b"".join(response.streaming_content).decode()[1:22])
"""

DUPLICATES_CHECK = """
from core.models import Commune, HelpType
from requests_app.models import HelpRequest
from requests_app.services import help_request_create
def filed(name, phone):
    return help_request_create(help_request=HelpRequest(
        requester_name=name, requester_phone=phone, address="3 rue des Lilas", description="Courses",
        commune=Commune.objects.get(insee="54395"), help_type=HelpType.objects.get(code="shopping"),
    ))
filed("Mme Jeanne Dupont", "+33699999901")
print("same number:", filed("Marcel Petit", "+33699999901").duplicate_reason)
print("similar name:", filed("DUPONT Jeanne", "+33699999902").possible_duplicate_of)
"""


def fetch(url: str) -> str:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
