import pytest
from django.core.exceptions import ImproperlyConfigured

from core.sms import MAX_LENGTH, LocmemBackend, SmsTooLong, send_sms


@pytest.fixture(autouse=True)
def empty_outbox():
    LocmemBackend.outbox.clear()


def test_an_sms_goes_through_the_backend_named_by_the_setting():
    send_sms(to="+33612345678", body="Votre demande E54-7K3Q-9PXD est bien reçue.")
    assert [(m.to, m.body) for m in LocmemBackend.outbox] == [
        ("+33612345678", "Votre demande E54-7K3Q-9PXD est bien reçue.")
    ]


def test_an_sms_longer_than_160_characters_is_refused_before_sending():
    with pytest.raises(SmsTooLong):
        send_sms(to="+33612345678", body="x" * (MAX_LENGTH + 1))
    assert LocmemBackend.outbox == []


def test_the_file_backend_appends_to_a_daily_file(settings, tmp_path):
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path)
    send_sms(to="+33612345678", body="Bonjour")
    [log] = tmp_path.iterdir()
    assert log.read_text(encoding="utf-8").rstrip().endswith("+33612345678\tBonjour")


def test_the_console_backend_prints_the_message(settings, capsys):
    settings.SMS_BACKEND = "console"
    send_sms(to="+33612345678", body="Bonjour")
    assert "+33612345678" in capsys.readouterr().out


def test_an_unknown_backend_is_a_configuration_error(settings):
    settings.SMS_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="pigeon"):
        send_sms(to="+33612345678", body="Bonjour")
