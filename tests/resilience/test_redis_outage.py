"""A Redis outage, as in production: the portal under gunicorn with production settings, on a Redis of the test's
own that the test stops and starts. Citizens keep filing requests, pages keep answering, staff are told, and every
message written meanwhile leaves exactly once when Redis returns."""

import re
import subprocess
import sys
import time

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from core.models import RateLimitCounter
from notifications.enums import DeliveryStatus
from notifications.models import Notification
from requests_app.models import HelpRequest
from tests.accounts.factories import AgentFactory
from tests.notifications.worker import WorkerOutbox
from tests.requests_app.factories import valid_form_data
from tests.resilience.conftest import ROOT, PortalProcess, production_env, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "un-mot-de-passe-solide"


@pytest.fixture
def agent(reference_data_kept):
    """Production settings hash with PBKDF2 and do not know the test settings' fast MD5 hasher."""
    user = AgentFactory()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "sel-de-test")
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def outbox(tmp_path):
    box = WorkerOutbox(tmp_path / "outbox")
    box.folder.mkdir()
    box.email_folder.mkdir()
    box.sms_folder.mkdir()
    return box


@pytest.fixture
def portal(own_redis, outbox, collected_static, reference_data_kept, tmp_path):
    env = production_env(
        redis_url=own_redis.url,
        EMAIL_FILE_PATH=str(outbox.email_folder),
        SMS_FILE_PATH=str(outbox.sms_folder),
        # Low enough to see the limit hold while Redis is down; each filing below counts once per address.
        RATE_LIMIT_REQUEST_FORM_IP="3/h",
    )
    server = PortalProcess(env, tmp_path)
    server.start()
    yield server
    server.stop()


def csrf_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def file_request(session: requests.Session, base_url: str, **overrides) -> requests.Response:
    url = f"{base_url}/demandes/nouvelle/"
    data = {**valid_form_data(**overrides), "csrfmiddlewaretoken": csrf_token(session, url)}
    return session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=30)


def sign_in(session: requests.Session, base_url: str, email: str) -> None:
    url = f"{base_url}/comptes/login/"
    data = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token(session, url)}
    response = session.post(url, data=data, headers={"Referer": url}, allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]


def run_sweep(env: dict[str, str]) -> None:
    """What beat does every two minutes: queue again the messages whose task was lost."""
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from notifications.tasks import sweep_outbox; sweep_outbox()"],
        cwd=ROOT, env={**env, "NOTIFICATION_SWEEP_MINUTES": "0"}, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def test_the_portal_keeps_taking_requests_while_redis_is_down_and_sends_their_messages_once_it_returns(
    portal, own_redis, outbox, agent, tmp_path
):
    staff_session = requests.Session()
    sign_in(staff_session, portal.base_url, agent.email)  # before the outage: the session is also in Redis

    own_redis.stop()

    citizen = requests.Session()
    filed = file_request(citizen, portal.base_url, requester_phone="06 11 22 33 44", requester_email="a@exemple.fr")
    assert filed.status_code == 302, filed.text[:1000]
    help_request = HelpRequest.objects.get(requester_email="a@exemple.fr")
    tracking = citizen.get(portal.base_url + filed.headers["Location"], timeout=30)
    assert tracking.status_code == 200
    assert help_request.reference in tracking.text

    missions = requests.get(f"{portal.base_url}/missions/", timeout=30)
    assert missions.status_code == 200

    # Signed in before the outage, still signed in: the session is read from the database.
    dashboard = staff_session.get(f"{portal.base_url}/pilotage/", allow_redirects=False, timeout=30)
    assert dashboard.status_code == 200
    assert "Redis ne répond pas" in dashboard.text
    # And signing in during the outage works too.
    sign_in(requests.Session(), portal.base_url, agent.email)

    # The load balancer keeps this process in the pool; monitoring that reads only codes sees the outage.
    health = requests.get(f"{portal.base_url}/sante/", timeout=30)
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "checks": {"database": "ok", "redis": "down"}}
    assert requests.get(f"{portal.base_url}/sante/complet/", timeout=30).status_code == 503

    written_during_outage = list(Notification.objects.filter(help_request=help_request))
    assert written_during_outage, "filing a request writes its acknowledgement to the outbox"
    assert {n.status for n in written_during_outage} == {DeliveryStatus.PENDING}

    own_redis.start()  # same port, empty: whatever was queued before is gone, the outbox still has it
    worker_env = production_env(
        redis_url=own_redis.url, EMAIL_FILE_PATH=str(outbox.email_folder), SMS_FILE_PATH=str(outbox.sms_folder)
    )
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "entraide", "worker", "--pool=solo", "--loglevel=info",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        run_sweep(worker_env)
        run_sweep(worker_env)  # a second sweep, as beat would run, must not send anything twice
        wait_until(
            lambda: not Notification.objects.filter(help_request=help_request, status=DeliveryStatus.PENDING).exists(),
            timeout=60, what="delivery of the outbox", process=worker, log=tmp_path / "worker.log",
        )  # fmt: skip
        time.sleep(1)  # room for a duplicate delivery to show up, if there were one
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        log.close()

    delivered = Notification.objects.filter(help_request=help_request)
    assert {n.status for n in delivered} == {DeliveryStatus.SENT}
    assert {n.attempts for n in delivered} == {1}
    assert [m["To"] for m in outbox.emails()] == ["a@exemple.fr"]
    assert [number for number, _text in outbox.sms()] == ["+33611223344"]


def test_the_rate_limit_is_counted_in_the_database_while_redis_is_down(portal, own_redis):
    own_redis.stop()
    session = requests.Session()
    statuses = [
        file_request(
            session, portal.base_url, requester_phone=f"06 11 22 33 4{n}", requester_email=f"{n}@exemple.fr"
        ).status_code
        for n in range(4)
    ]
    # Three filings an hour from one address (the rate set above): the fourth is refused, not let through.
    assert statuses == [302, 302, 302, 429]
    assert RateLimitCounter.objects.filter(key__startswith="ratelimit:request-form-ip:").get().count == 4
    assert HelpRequest.objects.count() == 3


def test_the_rate_limit_counts_in_redis_when_it_answers(portal):
    session = requests.Session()
    assert file_request(session, portal.base_url).status_code == 302
    assert not RateLimitCounter.objects.exists()
