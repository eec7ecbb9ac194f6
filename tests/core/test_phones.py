"""Phone numbers as people read them (core/phones.py): the SMS to a volunteer and the staff inbox both show them so."""

import pytest
from phonenumber_field.phonenumber import PhoneNumber

from core.phones import readable_phone


@pytest.mark.parametrize(
    "number, readable",
    [
        ("+33612345678", "06 12 34 56 78"),
        (PhoneNumber.from_string("+33387000000"), "03 87 00 00 00"),
        ("+442079460958", "+44 20 7946 0958"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_french_number_reads_as_dialled_in_france_and_another_in_its_international_form(number, readable):
    assert readable_phone(number) == readable
