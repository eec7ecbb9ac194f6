import pytest
from django.core.exceptions import ValidationError

from associations.validators import luhn_ok, validate_rna, validate_siret


@pytest.mark.parametrize("rna", ["W543001234", "w543001234", "W 543 001 234", "W75A001234"])
def test_a_well_formed_rna_is_accepted(rna):
    validate_rna(rna)


@pytest.mark.parametrize(
    ("rna", "reason"),
    [("543001234", "no W"), ("W54300123", "too short"), ("W5430012345", "too long"), ("X543001234", "wrong letter"),
     ("W54300123é", "accent"), ("", "empty")],
)  # fmt: skip
def test_a_malformed_rna_is_refused_in_french(rna, reason):
    with pytest.raises(ValidationError, match="RNA invalide"):
        validate_rna(rna)


@pytest.mark.parametrize("siret", ["73282932000074", "732 829 320 00074", "35600000000001"])
def test_a_siret_with_a_good_key_is_accepted(siret):
    validate_siret(siret)  # 732 829 320 00074 is a real, Luhn-valid SIRET; 356000000… is La Poste's rule


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("73282932000075", "clé de contrôle"),
        ("7328293200007", "14 chiffres, 13 saisis"),
        ("732829320000744", "14 chiffres, 15 saisis"),
        ("7328293200007A", "que des chiffres"),
        ("ABCDEFGHIJKLMN", "que des chiffres"),
        ("35600000000002", "clé de contrôle"),
    ],
)
def test_a_wrong_siret_is_refused_with_the_reason(siret, message):
    with pytest.raises(ValidationError, match=message):
        validate_siret(siret)


def test_luhn():
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")
