import pytest
from django.core.exceptions import ImproperlyConfigured

from core.sms import (
    LocmemBackend,
    SmsPermanentError,
    SmsTooLong,
    cut_to_one_sms,
    fits_one_sms,
    gsm7_spelling,
    send_sms,
    sms_length,
)


@pytest.fixture(autouse=True)
def empty_outbox():
    LocmemBackend.outbox.clear()


def test_an_sms_goes_through_the_backend_named_by_the_setting():
    assert send_sms(to="+33612345678", body="Votre demande E54-7K3Q-9PXD est bien reçue.") == ""  # no provider id
    assert [(m.to, m.body) for m in LocmemBackend.outbox] == [
        ("+33612345678", "Votre demande E54-7K3Q-9PXD est bien reçue.")
    ]


def test_an_sms_longer_than_160_gsm_characters_is_refused_before_sending_for_good():
    with pytest.raises(SmsTooLong) as refused:
        send_sms(to="+33612345678", body="x" * 161)
    assert isinstance(refused.value, SmsPermanentError)  # the outbox fails it at once: no try would fit it
    assert LocmemBackend.outbox == []


def test_one_character_outside_gsm_7_makes_the_limit_70():
    send_sms(to="+33612345678", body="ê" + "x" * 69)
    with pytest.raises(SmsTooLong, match="70 characters in UCS-2"):
        send_sms(to="+33612345678", body="ê" + "x" * 70)
    assert len(LocmemBackend.outbox) == 1


@pytest.mark.parametrize(
    "text, encoding, units, parts",
    [
        ("x" * 160, "GSM-7", 160, 1),
        ("x" * 161, "GSM-7", 161, 2),  # two parts of 153
        ("x" * 306, "GSM-7", 306, 2),
        ("x" * 307, "GSM-7", 307, 3),
        ("é à è ù ì ò Ç É ä ö ü ñ ß", "GSM-7", 25, 1),  # French accents GSM has
        ("€" * 80, "GSM-7", 160, 1),  # an escaped character counts two
        ("€" * 81, "GSM-7", 162, 2),
        ("ç" * 70, "UCS-2", 70, 1),  # ç, ê, ô, œ, ’: not in GSM-7
        ("ç" * 71, "UCS-2", 71, 2),  # two parts of 67
        ("ç" * 134, "UCS-2", 134, 2),
        ("ç" * 135, "UCS-2", 135, 3),
        ("Aide arrivée 👍", "UCS-2", 15, 1),  # an emoji is two UTF-16 units
    ],
)
def test_the_length_of_an_sms_follows_its_encoding(text, encoding, units, parts):
    length = sms_length(text)
    assert (length.encoding, length.units, length.parts) == (encoding, units, parts)
    assert fits_one_sms(text) == (parts == 1)


def test_a_text_is_spelled_in_gsm_7_without_losing_what_gsm_has():
    assert gsm7_spelling("Fontenoy-la-Joûte, Mâcon, garçon, cœur, l’aide « vite » — prête…") == (
        'Fontenoy-la-Joute, Macon, garcon, coeur, l\'aide " vite " - prete...'
    )
    assert gsm7_spelling("Lunéville, Pont-à-Mousson, Ça") == "Lunéville, Pont-à-Mousson, Ça"
    assert sms_length(gsm7_spelling("Fontenoy-la-Joûte")).encoding == "GSM-7"


def test_a_text_too_long_is_cut_to_one_sms_of_its_encoding():
    assert cut_to_one_sms("court") == "court"
    assert cut_to_one_sms("x" * 200) == "x" * 157 + "..."
    assert cut_to_one_sms("ê" * 100) == "ê" * 67 + "..."
    cut = cut_to_one_sms("€" * 100)  # each € counts two: 78 of them and the mark
    assert cut == "€" * 78 + "..." and sms_length(cut).units == 159


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
