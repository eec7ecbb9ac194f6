import ovh.client
import pytest
from twilio.http.http_client import TwilioHttpClient

from core.sms_providers.twilio import TwilioBackend
from tests.core.sms_providers.fakes import FakeOvh, FakeTwilio

OVH_KEYS = {
    "OVH_APPLICATION_KEY": "7kbG7Bk7S9Nt7ZSV",
    "OVH_APPLICATION_SECRET": "EgZQNXdWnVIzs8RAOiTt5b2dfpn8SUDx",
    "OVH_CONSUMER_KEY": "MtSwSrPpNjqfVSmJhLbPyr2i45lSwPU1",
}
OVH_REPORT_TOKEN = "Yp3vQ2x8JkR1mT6wZs9aLd4fHc7nB0ue"
TWILIO_ACCOUNT_SID = "AC" + "e54" * 10 + "ab"
TWILIO_AUTH_TOKEN = "f5a0c3b2e1d4978665a4b3c2d1e0f9a8"


@pytest.fixture
def ovh_api(settings, monkeypatch):
    """The OVHcloud API on the loopback, and the portal set to send through it with the real client."""
    api = FakeOvh().start()
    # The client knows each region's address by its name and refuses any other (ovh.client.ENDPOINTS): the fake API
    # is one more name, chosen by OVH_ENDPOINT as production chooses "ovh-eu".
    monkeypatch.setitem(ovh.client.ENDPOINTS, "fake-ovh-loopback", f"{api.url}/1.0")
    settings.SMS_BACKEND = "ovh"
    settings.OVH_ENDPOINT = "fake-ovh-loopback"
    for name, value in OVH_KEYS.items():
        setattr(settings, name, value)
    settings.OVH_SMS_SERVICE_NAME = FakeOvh.SERVICE
    settings.OVH_SMS_SENDER = "ENTRAIDE54"
    settings.OVH_SMS_REPORT_TOKEN = OVH_REPORT_TOKEN
    settings.SMS_TIMEOUT_SECONDS = 5
    yield api
    api.stop()


class LoopbackHttpClient(TwilioHttpClient):
    """The client's own HTTP client, its requests going to `base_url` instead of https://api.twilio.com."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url.replace("https://api.twilio.com", self.base_url, 1), *args, **kwargs)


@pytest.fixture
def twilio_api(settings, monkeypatch):
    """Twilio's API on the loopback, and the portal set to send through it with the real client."""
    api = FakeTwilio(TWILIO_ACCOUNT_SID).start()
    monkeypatch.setattr(TwilioBackend, "http_client", lambda backend: LoopbackHttpClient(api.url, timeout=5))
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = TWILIO_ACCOUNT_SID
    settings.TWILIO_AUTH_TOKEN = TWILIO_AUTH_TOKEN
    settings.TWILIO_FROM_NUMBER = "+33757000054"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_STATUS_CALLBACK_URL = "https://entraide54.fr/sms/accuses/twilio/"
    yield api
    api.stop()


@pytest.fixture
def handed_on():
    """The SMS received that notifications.inbound hands on (its `sms_received` signal), in order: what acts on them
    is another module's, and these tests look no further than the handoff."""
    from notifications.inbound import sms_received

    received = []

    def record(sender, inbound, **kwargs):
        received.append(inbound)

    sms_received.connect(record, weak=False)
    yield received
    sms_received.disconnect(record)
