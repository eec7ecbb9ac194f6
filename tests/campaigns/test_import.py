"""The import of a register file, from a CSV made as a CCAS would make it, with the département's real communes."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from campaigns.enums import ConsentBasis, RegisterAccessReason
from campaigns.imports import (
    ImportChanged,
    RegisterFileError,
    phone_parse,
    register_file_read,
    register_import,
    register_lines_check,
)
from campaigns.models import Register, RegisterAccessLog, RegisterEntry
from core.models import Commune
from tests.accounts.factories import AgentFactory
from tests.campaigns.factories import RegisterEntryFactory
from tests.requests_app.factories import HelpRequestFactory

HEADER = ["Nom", "Prénom", "Téléphone", "Adresse", "Commune", "Base du consentement", "Date du consentement", "Notes"]


def communes():
    """Reference communes of the territory, with the accents and hyphens a real file carries."""
    get = Commune.objects.get
    return {
        "nancy": get(insee="54395"),
        "toul": get(insee="54528"),
        "vandoeuvre": get(insee="54547"),
        "luneville": get(insee="54329"),
    }


def register_rows():
    """Every way a French file writes a phone number and a commune; then the bad lines, each with one fault. The
    spreadsheet's line numbers: the header is line 1, so the first person is line 2."""
    c = communes()
    luneville = f"{c['luneville'].postal_code_list[0]} Lunéville"
    return [
        ["DUPONT", "Jeanne", "06 12 34 56 78", "3 rue Stanislas", c["nancy"].name, "Registre canicule",
         "12/06/2025", ""],
        ["Lefèvre", "Émile", "0612345679", "", c["toul"].insee, "consentement", "2025-06-01", "Sourd, parler fort"],
        ["Müller", "Anne", "+33 6 12 34 56 80", "", c["vandoeuvre"].name, "Obligation légale", "01/06/25", ""],
        ["Noël", "Gérard", "0033 3 83 12 34 56", "", luneville, "registre", "1.6.2025", ""],
        ["Bérard", "Yvette", "6 12 34 56 82", "", "vandoeuvre les nancy", "Mission d'intérêt public",
         "02/06/2025", ""],
        ["Colin", "Marcel", "+33 (0)6 12 34 56 83", "", "NANCY", "canicule", "02/06/2025", ""],
        # 8: commune misspelt; 9: no consent basis; 10: no consent date; 11: a commune of another département
        ["Faure", "Lucie", "06 12 34 56 84", "", "Nancyy", "canicule", "02/06/2025", ""],
        ["Garnier", "Paul", "06 12 34 56 85", "", c["nancy"].name, "", "02/06/2025", ""],
        ["Henry", "Rose", "06 12 34 56 86", "", c["nancy"].name, "consentement", "", ""],
        ["Roux", "Jean", "06 12 34 56 87", "", "Metz", "canicule", "02/06/2025", ""],
        # 12: a phone nobody can dial; 13: the same person as line 2, again
        ["Perrin", "Louise", "06 12 34", "", c["nancy"].name, "canicule", "02/06/2025", ""],
        ["Dupont", "Jeanne", "06.12.34.56.78", "", c["nancy"].name, "canicule", "02/06/2025", ""],
    ]  # fmt: skip


VALID_LINES = [2, 3, 4, 5, 6, 7]
REFUSED = {
    8: "commune « Nancyy » inconnue dans le département",
    9: "base du consentement manquante : rien n'est importé sans elle",
    10: "date du consentement manquante",
    11: "commune « Metz » inconnue dans le département",
    12: "téléphone « 06 12 34 » invalide",
    13: "même personne qu'à la ligne 2",
}


def csv_bytes(rows, *, delimiter=";", encoding="cp1252", header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(content: bytes, name="registre.csv", content_type="text/csv"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# Latin-1 as spreadsheets write it on Windows is Windows-1252 (it has "œ", which Vandœuvre needs); UTF-8 with and
# without the BOM that Excel's "CSV UTF-8" puts first.
FILE_FORMATS = [(";", "cp1252"), (",", "cp1252"), (";", "utf-8-sig"), (",", "utf-8-sig"), (";", "utf-8")]


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter, encoding", FILE_FORMATS)
def test_each_line_is_checked_whatever_the_separator_and_encoding(delimiter, encoding):
    lines = register_file_read(upload(csv_bytes(register_rows(), delimiter=delimiter, encoding=encoding)))
    checked = {line.number: line for line in register_lines_check(lines)}

    assert [number for number, line in checked.items() if line.valid] == VALID_LINES
    for number, reason in REFUSED.items():
        assert reason in " ; ".join(checked[number].errors), (number, checked[number].errors)
    entries = {number: checked[number].entry for number in VALID_LINES}
    assert [entry.phone.as_e164 for entry in entries.values()] == [
        "+33612345678", "+33612345679", "+33612345680", "+33383123456", "+33612345682", "+33612345683",
    ]  # fmt: skip
    assert entries[2].last_name == "DUPONT" and entries[3].first_name == "Émile"  # accents survive the encoding
    assert [entry.commune.insee for entry in entries.values()] == [
        "54395",
        "54528",
        "54547",
        "54329",
        "54547",
        "54395",
    ]
    assert entries[2].consent_basis == ConsentBasis.LEGAL_REGISTER
    assert entries[3].consent_basis == ConsentBasis.CONSENT
    assert entries[6].consent_basis == ConsentBasis.PUBLIC_INTEREST
    assert entries[4].consent_date.isoformat() == "2025-06-01"


@pytest.mark.parametrize(
    "written",
    ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78", "+33612345678",
     "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78", "6 12 34 56 78", "612345678"],
)  # fmt: skip
def test_every_french_way_of_writing_a_number_is_read(written):
    assert phone_parse(written) == "+33612345678"


@pytest.mark.parametrize("written", ["06 12 34", "bientôt", "00 00 00 00 00", "+33 6 12 34 56 78 90 12"])
def test_a_number_nobody_can_dial_is_refused(written):
    assert phone_parse(written) is None


@pytest.mark.django_db
def test_a_person_known_by_a_request_is_imported_with_a_word_and_one_already_on_a_register_is_refused():
    known = HelpRequestFactory(requester_phone="+33612345678", commune=communes()["nancy"])
    RegisterEntryFactory(last_name="Lefèvre", first_name="Émile", phone="+33612345679", register__name="CCAS de Toul")
    lines = register_file_read(upload(csv_bytes(register_rows()[:2])))

    first, second = register_lines_check(lines)

    assert first.valid and first.warnings == [f"déjà connue : demande {known.reference} (même téléphone)"]
    assert first.entry.possible_duplicate_request == known
    assert second.errors == ["déjà inscrite au registre « CCAS de Toul » (même nom et même téléphone)"]


@pytest.mark.django_db
def test_a_request_for_the_same_name_in_the_same_commune_is_flagged():
    known = HelpRequestFactory(beneficiary_name="Jeanne Dupont", commune=communes()["nancy"])
    (line,) = register_lines_check(register_file_read(upload(csv_bytes(register_rows()[:1]))))
    assert line.warnings == [f"déjà connue : demande {known.reference} (même nom et même commune)"]


@pytest.mark.django_db
def test_the_import_stores_every_valid_line_in_one_go():
    agent = AgentFactory()
    lines = register_file_read(upload(csv_bytes(register_rows())))

    register = register_import(
        name="Canicule", source_organisation="CCAS", file_name="r.csv", lines=lines, promised=VALID_LINES,
        imported_by=agent,
    )  # fmt: skip

    assert sorted(register.entries.values_list("line_number", flat=True)) == VALID_LINES


@pytest.mark.django_db
def test_nothing_is_stored_when_the_lines_changed_since_the_preview():
    lines = register_file_read(upload(csv_bytes(register_rows())))
    RegisterEntryFactory(last_name="Müller", first_name="Anne", phone="+33612345680")  # imported meanwhile
    before = RegisterEntry.objects.count()

    with pytest.raises(ImportChanged):
        register_import(
            name="Canicule", source_organisation="CCAS", file_name="r.csv", lines=lines, promised=VALID_LINES,
            imported_by=AgentFactory(),
        )  # fmt: skip

    assert RegisterEntry.objects.count() == before
    assert not Register.objects.filter(name="Canicule").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Le fichier est vide."),
        (b"   \r\n\r\n", "Le fichier est vide."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "n'est pas un fichier CSV"),
        ("Nom;Prénom;Ville\nDupont;Jeanne;Nancy\n".encode(), "Colonnes introuvables"),
        ("Prénom;Téléphone;Commune;Base du consentement;Date du consentement\n".encode(), "Colonne « nom »"),
        (csv_bytes([]), "aucune personne"),
        ('Nom;Téléphone;Commune;Base du consentement;Date du consentement\n"Dupont;06'.encode(), None),
    ],
)
@pytest.mark.django_db
def test_a_file_that_is_not_a_register_is_refused_with_a_sentence(content, message):
    if message is None:  # an unclosed quote: read as one line with a single cell, then checked as such
        (line,) = register_lines_check(register_file_read(upload(content)))
        assert not line.valid
        return
    with pytest.raises(RegisterFileError, match=message):
        register_file_read(upload(content))


@pytest.mark.django_db
def test_a_missing_column_is_named_as_the_file_must_write_it_even_on_an_english_page():
    with translation.override("en"), pytest.raises(RegisterFileError) as refusal:
        register_file_read(upload("Nom;Prénom;Téléphone;Commune\nDupont;Jeanne;0612345678;Nancy\n".encode()))
    assert "base du consentement" in str(refusal.value) and "date du consentement" in str(refusal.value)
    assert "Columns" in str(refusal.value)  # the sentence around them is translated


@pytest.mark.django_db
def test_too_many_lines_or_bytes_are_refused(settings):
    settings.REGISTER_IMPORT_MAX_ROWS = 5
    with pytest.raises(RegisterFileError, match="12 lignes ; 5 au plus"):
        register_file_read(upload(csv_bytes(register_rows())))
    settings.REGISTER_IMPORT_MAX_BYTES = 100
    with pytest.raises(RegisterFileError, match="dépasse 0 Ko"):
        register_file_read(upload(csv_bytes(register_rows())))


def post_file(client, content: bytes, name="registre.csv", content_type="text/csv"):
    return client.post(
        reverse("campaigns:register_upload"),
        {
            "name": "Registre canicule de Toul",
            "source_organisation": "CCAS de Toul",
            "file": upload(content, name, content_type),
        },
    )


@pytest.mark.django_db
def test_the_preview_names_each_refused_line_and_imports_only_on_explicit_confirmation(client, staff):
    response = post_file(client, csv_bytes(register_rows(), delimiter=",", encoding="utf-8-sig"))
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:register_preview")

    page = client.get(reverse("campaigns:register_preview")).content.decode()
    for number, reason in REFUSED.items():
        assert f"Ligne {number} : {reason}" in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert "6 lignes valides" in page and "6 lignes refusées" in page
    assert not RegisterEntry.objects.exists()  # a preview stores nothing

    refused = client.post(reverse("campaigns:register_preview"), {"confirm": ""})
    assert refused.status_code == 200 and not RegisterEntry.objects.exists()  # the box about refused lines unticked

    response = client.post(reverse("campaigns:register_preview"), {"confirm": "", "leave_out_invalid": "on"})
    register = Register.objects.get()
    assert response["Location"] == reverse("campaigns:register_detail", args=[register.pk])
    assert register.imported_by == staff and register.source_organisation == "CCAS de Toul"
    assert sorted(register.entries.values_list("line_number", flat=True)) == VALID_LINES
    imported = RegisterAccessLog.objects.filter(reason=RegisterAccessReason.IMPORT, entry__isnull=False)
    assert imported.count() == len(VALID_LINES)
    assert client.get(reverse("campaigns:register_preview"))["Location"] == reverse("campaigns:register_upload")


@pytest.mark.django_db
def test_a_clean_file_is_imported_without_the_box(client, staff):
    post_file(client, csv_bytes(register_rows()[:3]))
    client.post(reverse("campaigns:register_preview"), {"confirm": ""})
    assert RegisterEntry.objects.count() == 3


@pytest.mark.django_db
def test_cancelling_stores_nothing(client, staff):
    post_file(client, csv_bytes(register_rows()))
    response = client.post(reverse("campaigns:register_preview"), {"cancel": ""})
    assert response["Location"] == reverse("campaigns:register_list")
    assert not Register.objects.exists()
    assert client.get(reverse("campaigns:register_preview")).status_code == 302


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, name, content_type",
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "registre.xlsx", XLSX),  # an Excel workbook, not saved as CSV
        (b"", "registre.csv", "text/csv"),
        (b"Nom;Ville\nDupont;Nancy\n", "registre.csv", "text/csv"),
        (b"\xff\xfe\xfd;;;\n;;;", "registre.csv", "text/csv"),
    ],
)
def test_a_malformed_file_is_answered_on_the_form_never_with_an_error_page(client, staff, content, name, content_type):
    response = post_file(client, content, name, content_type)
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in response.content.decode()
    assert not Register.objects.exists()


@pytest.mark.django_db
def test_a_text_file_with_a_nul_byte_is_refused_by_the_portal_guard_not_with_an_error_page(client, staff):
    response = post_file(client, csv_bytes(register_rows()) + b"\x00")
    assert response.status_code == 400 and "caractère nul" in response.content.decode()
    assert not Register.objects.exists()


@pytest.mark.django_db
def test_the_preview_costs_the_same_few_queries_for_ten_lines_or_three_hundred(
    client, staff, django_assert_max_num_queries
):
    rows = [
        ["Martin", f"Odette{n}", f"06 20 {n // 100:02d} {n % 100:02d} 00", "", "Nancy", "canicule", "02/06/2025", ""]
        for n in range(300)
    ]
    post_file(client, csv_bytes(rows))
    # session and user (2), the territory's communes, registers by phone or commune, requests by phone or name,
    # the access-log line, session save (and its savepoints)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:register_preview"))
    assert "300 lignes valides" in response.content.decode()


@pytest.mark.django_db
def test_a_register_page_logs_each_person_shown(client, staff, django_assert_max_num_queries):
    entries = RegisterEntryFactory.create_batch(30, register=RegisterEntryFactory().register)
    register = entries[0].register
    with django_assert_max_num_queries(8):
        response = client.get(reverse("campaigns:register_detail", args=[register.pk]))
    assert entries[0].first_name in response.content.decode()
    logged = RegisterAccessLog.objects.filter(reason=RegisterAccessReason.STAFF, register=register)
    assert logged.count() == 31


@pytest.mark.django_db
def test_the_registers_access_log_cannot_be_changed():
    line = RegisterAccessLog.objects.create(user_email="a@exemple.fr", reason=RegisterAccessReason.STAFF, path="/")
    with pytest.raises(PermissionError):
        line.delete()
    from django.db import connection, transaction

    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE campaigns_registeraccesslog SET path = 'x'")
