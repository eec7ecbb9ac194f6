"""No phone number, name or tracking token in any log, and no Server banner: the redaction itself, then gunicorn
with production settings and its configuration file, as the Dockerfile runs it."""

import http.client
import io
import logging
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from gunicorn.config import Config

from core.log_redaction import RedactingFilter, redact_text, redact_url
from entraide.celery import _redact_worker_logs
from entraide.gunicorn_logging import RedactingLogger
from tests.requests_app.factories import HelpRequestFactory
from tests.resilience.conftest import PortalProcess, production_env

TOKEN = "Zk3v9QpL2xR7mN4bT8wY1cH6dJ0sA5eF-_gKuVoPiXq"  # the shape of secrets.token_urlsafe(32)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/accueil-telephonique/?telephone=%2B33612345678", "/accueil-telephonique/?<query>"),
        ("/admin/requests_app/helprequest/?q=Dupont", "/admin/requests_app/helprequest/?<query>"),
        (f"/demandes/suivi/{TOKEN}/", "/demandes/suivi/<token>/"),
        (f"/demandes/suivi/{TOKEN}/annuler/", "/demandes/suivi/<token>/annuler/"),
        (f"/s/{TOKEN}/", "/s/<token>/"),
        (f"/s/{TOKEN}", "/s/<token>"),
        (f"/associations/invitation/{TOKEN}/", "/associations/invitation/<token>/"),
        (f"/relais/{TOKEN[:24]}/", "/relais/<token>/"),  # a hand-off's link to a responder outside the portal
        ("/comptes/confirm-email/MQ:1uX2:abcdef/", "/comptes/confirm-email/<key>/"),
        ("/comptes/password/reset/key/3-cd8f2a-0123456789abcdef/", "/comptes/password/reset/key/<key>/"),
        ("/comptes/password/reset/key/3-set-password/", "/comptes/password/reset/key/<key>/"),
        ("/comptes/password/reset/key/done/", "/comptes/password/reset/key/done/"),
        ("/benevoles/propositions/12/", "/benevoles/propositions/12/"),
        ("/comptes/confirm-email/", "/comptes/confirm-email/"),
        ("-", "-"),
        ("*", "*"),
    ],
)
def test_a_url_keeps_its_shape_and_loses_its_query_and_secrets(url, expected):
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        f"/S/{TOKEN}/",  # Django would answer 404, the token would still be written
        f"/s/%{ord(TOKEN[0]):X}{TOKEN[1:]}/",  # Django decodes the path before routing
        f"/demandes%2Fsuivi/{TOKEN}/",
        f"//s/{TOKEN}/",  # urlsplit would read "s" as a host
        f"/s/{TOKEN}/?q=Dupont#Dupont",
    ],
)
def test_a_disguised_secret_is_redacted_too(url):
    redacted = redact_url(url)

    assert TOKEN not in redacted
    assert TOKEN[1:] not in redacted
    assert "Dupont" not in redacted


def test_a_referrer_keeps_its_origin_and_loses_its_credentials_query_and_secrets():
    referrer = f"https://agent:motdepasse@entraide54.fr/demandes/suivi/{TOKEN}/?telephone=0612345678#haut"

    assert redact_url(referrer) == "https://entraide54.fr/demandes/suivi/<token>/?<query>"


def test_a_path_cannot_break_the_log_line():
    forged = '/%22%0A127.0.0.1 - - "GET /faux HTTP/1.1" 200'

    assert redact_url(forged) == "/%22%0A127.0.0.1%20-%20-%20%22GET%20/faux%20HTTP/1.1%22%20200"


def test_urls_in_free_text_are_redacted():
    text = f'Not Found: /demandes/suivi/{TOKEN}/ after "GET /s/{TOKEN}/?q=Dupont HTTP/1.1" from https://x.fr/?q=Dupont'

    assert redact_text(text) == (
        'Not Found: /demandes/suivi/<token>/ after "GET /s/<token>/?<query> HTTP/1.1" from https://x.fr/?<query>'
    )


def test_the_logging_filter_redacts_the_formatted_message():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", (f"/s/{TOKEN}/",), {})

    assert RedactingFilter().filter(record) is True
    assert record.getMessage() == "Not Found: /s/<token>/"


def test_a_traceback_is_redacted_too():
    stream = io.StringIO()
    logger = logging.getLogger("test.traceback")
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger.handlers = [handler]
    try:
        raise ValueError(f"could not open /s/{TOKEN}/?telephone=0612345678")
    except ValueError:
        logger.exception("Delivery failed")
    assert "Traceback" in stream.getvalue()
    assert TOKEN not in stream.getvalue()
    assert "0612345678" not in stream.getvalue()


def test_the_celery_workers_log_handlers_redact_too():
    stream = io.StringIO()
    logger = logging.getLogger("test.celery.worker")
    logger.handlers = [logging.StreamHandler(stream)]
    _redact_worker_logs(logger=logger)
    logger.error("Delivery failed for https://entraide54.fr/s/Zk3vQ9aPLm2xR7tB/?telephone=0612345678")
    assert "Zk3vQ9aPLm2xR7tB" not in stream.getvalue()
    assert "0612345678" not in stream.getvalue()
    assert "/s/<token>/" in stream.getvalue()


def test_the_access_log_atoms_carry_no_query_token_referrer_or_header():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/s/{TOKEN}/?telephone=%2B33612345678",
        "PATH_INFO": f"/s/{TOKEN}/",
        "QUERY_STRING": "telephone=%2B33612345678",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "https://entraide54.fr/admin/requests_app/helprequest/?q=Dupont",
        "HTTP_USER_AGENT": "Firefox",
        "HTTP_AUTHORIZATION": "Basic bW9uaXF1ZUBleGVtcGxlLmZyOng=",  # monique@exemple.fr:x
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[("Location", f"/demandes/suivi/{TOKEN}/")])
    request = SimpleNamespace(headers=[("COOKIE", "sessionid=abc"), ("REFERER", environ["HTTP_REFERER"])])

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))

    assert atoms["r"] == "GET /s/<token>/?<query> HTTP/1.1"
    assert atoms["U"] == "/s/<token>/"
    assert atoms["q"] == "<query>"
    assert atoms["f"] == "https://entraide54.fr/admin/requests_app/helprequest/?<query>"
    assert atoms["u"] == "-"
    assert (atoms["s"], atoms["a"], atoms["M"]) == ("302", "Firefox", 12)
    written = repr(atoms)
    for secret in (TOKEN, "33612345678", "Dupont", "sessionid", "bW9uaXF1"):
        assert secret not in written


# Black box: the portal as production runs it ------------------------------------------------------------------


def fetch(portal: PortalProcess, path: str, **headers: str) -> list[http.client.HTTPResponse]:
    """GET `path`, following redirects within the portal; every response on the way, in order."""
    responses = []
    url = urljoin(portal.base_url, path)
    for _hop in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", portal.port, timeout=30)
        target = urlsplit(url)
        connection.request("GET", target.path + (f"?{target.query}" if target.query else ""), headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        responses.append(response)
        if response.status not in (301, 302, 303, 307, 308):
            break
        url = urljoin(url, response.getheader("Location"))
    return responses


@pytest.mark.django_db(transaction=True)
def test_the_portals_logs_carry_no_personal_data_and_its_responses_no_server_banner(
    tmp_path, collected_static, reference_data_kept
):
    help_request = HelpRequestFactory(requester_name="Jeanne Dupont", requester_phone="+33612345678")
    token = help_request.tracking_token
    unknown_token = TOKEN
    access_log = tmp_path / "access.log"
    portal = PortalProcess(
        production_env(redis_url=settings.REDIS_URL),
        tmp_path,
        # As the Dockerfile and docker-compose.yml run it.
        args=("-c", "gunicorn.conf.py", "--access-logfile", str(access_log)),
    )
    portal.start()
    try:
        journeys = [
            fetch(portal, "/accueil-telephonique/?telephone=%2B33612345678"),  # to the sign-in page
            fetch(portal, "/admin/requests_app/helprequest/?q=Dupont"),
            fetch(portal, f"/demandes/suivi/{token}/"),
            fetch(portal, f"/s/{token}/"),
            fetch(portal, f"/demandes/suivi/{unknown_token}/"),
            # A same-origin referrer carries the page the person came from.
            fetch(portal, "/mentions-legales/", Referer=f"{portal.base_url}/demandes/suivi/{token}/?q=Dupont"),
        ]
    finally:
        portal.stop()
    access, output = access_log.read_text(), portal.log.read_text()

    assert [responses[-1].status for responses in journeys] == [200, 200, 200, 200, 404, 200]
    headers = [response.getheader("Server") for responses in journeys for response in responses]
    assert headers == [None] * len(headers)
    for log in (access, output):
        for personal in (token, unknown_token, "33612345678", "0612345678", "Dupont"):
            assert personal not in log
    assert '"GET /accueil-telephonique/?<query> HTTP/1.1" 302' in access
    assert '"GET /admin/requests_app/helprequest/?<query> HTTP/1.1" 302' in access
    assert '"GET /demandes/suivi/<token>/ HTTP/1.1" 200' in access
    assert '"GET /s/<token>/ HTTP/1.1" 302' in access
    assert '"GET /demandes/suivi/<token>/ HTTP/1.1" 404' in access
    assert '"GET /mentions-legales/ HTTP/1.1" 200' in access
    assert f'"{portal.base_url}/demandes/suivi/<token>/?<query>"' in access
    assert "Not Found: /demandes/suivi/<token>/" in output
